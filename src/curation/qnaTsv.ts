import { parse } from 'csv-parse/sync';
import { z } from 'zod';

/**
 * The tab-separated export of QnA Maker and of its successor, Custom Question Answering: a header row,
 * then one row per question, several rows sharing a QnaId when an answer has alternate questions.
 * Columns are found by name, in any order; Question and Answer are required, the rest optional.
 */
export const QNA_COLUMNS = [
  'Question',
  'Answer',
  'Source',
  'Metadata',
  'SuggestedQuestions',
  'IsContextOnly',
  'Prompts',
  'QnaId',
  'SourceDisplayName',
] as const;
type Column = (typeof QNA_COLUMNS)[number];

/** One answer of the export with all its questions, and the rows it came from, for the report. */
export interface QnaPair {
  qnaId: string;
  /** The file's line of each row, first row first. */
  rows: number[];
  questions: string[];
  answer: string;
  source: string;
  sourceDisplayName: string;
  metadata: Map<string, string>;
  contextOnly: boolean;
  /** The QnaIds its follow-up prompts point to, in display order. */
  prompts: string[];
}

/** Something in the file that kept a row (or its answer) out, in the file's own terms. */
export interface RowProblem {
  row: number;
  qnaId?: string;
  column?: Column;
  message: string;
}

export function formatRowProblem(file: string, p: RowProblem): string {
  const where = [`${file} row ${p.row}`, p.qnaId !== undefined ? `QnaId ${p.qnaId}` : undefined, p.column ? `column "${p.column}"` : undefined];
  return `${where.filter(Boolean).join(', ')}: ${p.message}`;
}

/** A TSV file that cannot be read as a QnA export at all: no header, or no Question or Answer column. */
export class QnaFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QnaFileError';
  }
}

const metadataJson = z.array(z.object({ name: z.string(), value: z.string() }));
const promptsJson = z.array(z.object({ displayOrder: z.number().optional(), qnaId: z.union([z.number(), z.string()]), displayText: z.string().optional() }));
const stringsJson = z.array(z.string());

/**
 * Metadata as Custom Question Answering writes it (`[{"name":"topic","value":"offices"}]`) or as QnA Maker
 * did (`topic:offices|owner:care`); names are lower-cased, as both services treat them.
 */
function readMetadata(text: string): Map<string, string> | string {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === '[]') return new Map();
  if (trimmed.startsWith('[')) {
    const parsed = metadataJson.safeParse(parseJson(trimmed));
    return parsed.success ? new Map(parsed.data.map(({ name, value }) => [name.trim().toLowerCase(), value.trim()])) : 'is not a JSON list of {name, value}';
  }
  const pairs = trimmed.split('|').map((pair) => pair.split(':'));
  if (pairs.some((pair) => pair.length !== 2)) return 'is neither JSON nor name:value pairs separated by |';
  return new Map(pairs.map(([name = '', value = '']) => [name.trim().toLowerCase(), value.trim()]));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function readList<T>(text: string, schema: z.ZodType<T[]>): T[] | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const parsed = schema.safeParse(parseJson(trimmed));
  return parsed.success ? parsed.data : undefined;
}

/**
 * Reads an export into its answers, each with every question that leads to it. Rows that cannot be read
 * are reported, not fatal: the rest of the file still comes in. A row whose answer differs from the first
 * row of its QnaId is reported too, since the export says one answer per QnaId.
 */
export function readQnaTsv(text: string): { pairs: QnaPair[]; problems: RowProblem[] } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // With `info`, csv-parse returns each record with where it was read; its types do not say so.
    records = parse(text.replace(/^\uFEFF/, ''), { delimiter: '\t', relax_quotes: true, relax_column_count: true, info: true }) as unknown as typeof records;
  } catch (err) {
    throw new QnaFileError(`is not a tab-separated file (${(err as Error).message})`);
  }
  const [header, ...rows] = records;
  if (!header) throw new QnaFileError('is empty: an export starts with a header row naming its columns');
  const index = new Map(header.record.map((name, i) => [name.trim().toLowerCase(), i]));
  for (const required of ['Question', 'Answer'] as const) {
    if (!index.has(required.toLowerCase())) throw new QnaFileError(`has no "${required}" column in its header row`);
  }
  const problems: RowProblem[] = [];
  const byId = new Map<string, QnaPair>();
  let previousEnd = header.info.lines;
  for (const { record, info } of rows) {
    const row = previousEnd + 1;
    previousEnd = info.lines;
    const cell = (column: Column) => {
      const i = index.get(column.toLowerCase());
      return i === undefined ? '' : (record[i] ?? '');
    };
    if (record.every((value) => value.trim() === '')) continue;
    if (record.length !== header.record.length) {
      problems.push({ row, message: `has ${record.length} columns where the header has ${header.record.length}` });
      continue;
    }
    const qnaId = cell('QnaId').trim() || `row ${row}`;
    const question = cell('Question').trim();
    const answer = cell('Answer').trim();
    if (!question) problems.push({ row, qnaId, column: 'Question', message: 'is empty' });
    if (!answer) problems.push({ row, qnaId, column: 'Answer', message: 'is empty' });
    const metadata = readMetadata(cell('Metadata'));
    if (typeof metadata === 'string') problems.push({ row, qnaId, column: 'Metadata', message: metadata });
    const suggested = readList(cell('SuggestedQuestions'), stringsJson);
    if (!suggested) problems.push({ row, qnaId, column: 'SuggestedQuestions', message: 'is not a JSON list of questions' });
    const prompts = readList(cell('Prompts'), promptsJson);
    if (!prompts) problems.push({ row, qnaId, column: 'Prompts', message: 'is not a JSON list of {displayOrder, qnaId, displayText}' });
    if (!question || !answer || typeof metadata === 'string' || !suggested || !prompts) continue;

    const known = byId.get(qnaId);
    if (known) {
      if (known.answer !== answer) {
        problems.push({ row, qnaId, column: 'Answer', message: `differs from the answer of row ${known.rows[0] ?? row}, the first with this QnaId` });
        continue;
      }
      known.rows.push(row);
      known.questions.push(question, ...suggested);
      continue;
    }
    byId.set(qnaId, {
      qnaId,
      rows: [row],
      questions: [question, ...suggested],
      answer,
      source: cell('Source').trim(),
      sourceDisplayName: cell('SourceDisplayName').trim(),
      metadata,
      contextOnly: /^true$/i.test(cell('IsContextOnly').trim()),
      prompts: [...prompts].sort((a, b) => (a.displayOrder ?? 0) - (b.displayOrder ?? 0)).map((p) => String(p.qnaId)),
    });
  }
  return { pairs: [...byId.values()], problems };
}
