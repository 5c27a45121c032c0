import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { entrySchema, foldText, KnowledgeError, loadKnowledge, MIN_PHRASINGS, TOPICS, type Source, type Topic } from '../faq';
import type { QnaPair, RowProblem } from './qnaTsv';

/** What the curator says of the export as a whole: where its answers come from, and when. */
interface ImportSource {
  /** "Supporter care FAQ, exported 2024-05-01". */
  title: string;
  /** Where a supporter can read the answers; a row's own https Source wins. */
  url: string;
  asOf: string;
  reviewBy: string;
}

export interface ImportOptions {
  /** The topic for answers whose Metadata names none. */
  topic?: Topic;
  source: ImportSource;
}

export interface ImportResult {
  /** Entry ids written, by topic. */
  written: { topic: Topic; id: string; rows: number[] }[];
  problems: RowProblem[];
  /** The source text written, relative to the knowledge directory. */
  sourceText: string;
}

/** A phrase as lower-case words joined by hyphens, for ids and file names. */
function slug(text: string, words: number): string {
  return foldText(text).split(' ').filter(Boolean).slice(0, words).join('-');
}

/** Words that say how a question asks rather than what about: left out of a label, which has 20 characters. */
const FRAME = new Set(
  'what when where who whom which why how is are was were does do did can could will would should the a an to of for in on at my i me you your it'.split(' '),
);

/**
 * What the question asks about, shortened at a word to the 20 characters a Teams button shows: a first
 * draft, which the import's report asks a curator to read ("When is the team open?" → "Team open").
 */
function labelOf(question: string): string {
  const all = question.replace(/[?!.]+$/, '').split(/\s+/);
  const words = all.filter((word) => !FRAME.has(word.toLowerCase()));
  if (words[0]) words[0] = words[0].charAt(0).toUpperCase() + words[0].slice(1);
  let label = '';
  for (const word of words) {
    const next = label ? `${label} ${word}` : word;
    if (next.length > 20) break;
    label = next;
  }
  return label || `${question.slice(0, 19)}…`;
}

/** Which column of the export a field of an entry came from, to say where a problem is. */
function columnOf(field: string): RowProblem['column'] {
  if (field.startsWith('answer') || field.startsWith('quotes')) return 'Answer';
  if (field.startsWith('source')) return 'Source';
  if (field.startsWith('related')) return 'Prompts';
  return 'Question';
}

interface Candidate {
  pair: QnaPair;
  topic: Topic;
  entry: Record<string, unknown> & { id: string };
}

/**
 * Turns an export's answers into entries: the first question is the entry's question, the others and the
 * suggested questions its phrasings; the answer is quoted whole from a source text written beside the
 * topic files, so every quote is verbatim by construction; follow-up prompts become related entries.
 * Metadata may name the topic, and the id, label and subject an export of this bot wrote.
 */
function candidatesOf(
  pairs: readonly QnaPair[],
  options: ImportOptions,
  takenIds: Set<string>,
  sourceText: string,
): { candidates: Candidate[]; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const candidates: Candidate[] = [];
  const idOf = new Map<string, string>();
  for (const pair of pairs) {
    const row = pair.rows[0] ?? 0;
    const topicName = pair.metadata.get('topic') ?? options.topic;
    if (!topicName || !(TOPICS as readonly string[]).includes(topicName)) {
      const message = topicName
        ? `names the topic "${topicName}", which is not one of ${TOPICS.join(', ')}`
        : 'names no topic: give --topic, or topic metadata';
      problems.push({ row, qnaId: pair.qnaId, column: 'Metadata', message });
      continue;
    }
    const [question = '', ...others] = pair.questions;
    let id = pair.metadata.get('id') ?? slug(question, 6);
    for (let n = 2; takenIds.has(id); n++) id = `${slug(question, 6)}-${n}`;
    takenIds.add(id);
    idOf.set(pair.qnaId, id);
    const seen = new Set([foldText(question)]);
    const phrasings = others.filter((q) => {
      const key = foldText(q);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const source: Source = {
      title: options.source.title,
      url: /^https:\/\//.test(pair.source) ? pair.source : options.source.url,
      asOf: options.source.asOf,
      text: sourceText,
      reviewBy: options.source.reviewBy,
    };
    candidates.push({
      pair,
      topic: topicName as Topic,
      entry: {
        id,
        question,
        label: pair.metadata.get('label') ?? labelOf(question),
        subject: pair.metadata.get('subject') ?? question.replace(/[?!.]+$/, ''),
        phrasings,
        answer: pair.answer,
        quotes: [pair.answer],
        source,
        related: [],
      },
    });
  }
  for (const { pair, entry } of candidates) {
    const related: string[] = [];
    for (const target of pair.prompts) {
      const id = idOf.get(target);
      if (id) related.push(id);
      else
        problems.push({
          row: pair.rows[0] ?? 0,
          qnaId: pair.qnaId,
          column: 'Prompts',
          message: `points to QnaId ${target}, which this import does not bring in; the link is left out`,
        });
    }
    entry.related = related;
  }
  return { candidates, problems };
}

/** The schema's verdict on each candidate, in the export's terms; those it refuses are left out. */
function validCandidates(candidates: readonly Candidate[], problems: RowProblem[]): Candidate[] {
  return candidates.filter(({ pair, entry }) => {
    const parsed = entrySchema.safeParse(entry);
    if (parsed.success) return true;
    for (const issue of parsed.error.issues) {
      const field = issue.path.map(String).join('.');
      // The first question is the entry's own; the phrasings are the others.
      const message =
        field === 'phrasings' && issue.code === 'too_small'
          ? `has ${pair.questions.length} different questions, and an entry needs at least ${MIN_PHRASINGS + 1}: its question and ${MIN_PHRASINGS} phrasings`
          : `${field}: ${issue.message}`;
      problems.push({ row: pair.rows[0] ?? 0, qnaId: pair.qnaId, column: columnOf(field), message });
    }
    return false;
  });
}

/**
 * Adds entries at the end of a topic file. Topic files end with their `entries:` list, so new entries are
 * appended as text and every comment and line of the file stays as the curators wrote it; a file shaped
 * otherwise is rewritten through the YAML document, which keeps its comments but not its wrapping.
 */
function appendEntries(text: string, entries: readonly Record<string, unknown>[]): string {
  const doc = parseDocument(text);
  const last = doc.contents && 'items' in doc.contents ? doc.contents.items.at(-1) : undefined;
  const lastKey = last && typeof last === 'object' && 'key' in last ? String(last.key) : undefined;
  if (lastKey === 'entries' && /\nentries:\s*\n/.test(text)) {
    const block = stringify(entries, { lineWidth: 0 })
      .trimEnd()
      .split('\n')
      .map((line) => `  ${line}`)
      .join('\n');
    return `${text.trimEnd()}\n${block}\n`;
  }
  for (const entry of entries) doc.addIn(['entries'], doc.createNode(entry));
  return doc.toString();
}

/** Writes the candidates into a copy of `dir` and loads it, so the base's own checks have their say. */
function trial(
  dir: string,
  candidates: readonly Candidate[],
  sourceText: string,
  sourceBody: string,
): { problems?: KnowledgeError; files: Map<string, string> } {
  const files = new Map<string, string>();
  for (const topic of new Set(candidates.map((c) => c.topic))) {
    const path = join(dir, `${topic}.yaml`);
    files.set(
      `${topic}.yaml`,
      appendEntries(
        readFileSync(path, 'utf8'),
        candidates.filter((c) => c.topic === topic).map((c) => c.entry),
      ),
    );
  }
  files.set(sourceText, sourceBody);
  const copy = mkdtempSync(join(tmpdir(), 'kb-import-'));
  try {
    cpSync(dir, copy, { recursive: true });
    mkdirSync(join(copy, 'sources'), { recursive: true });
    for (const [name, content] of files) writeFileSync(join(copy, name), content);
    loadKnowledge(copy);
    return { files };
  } catch (err) {
    if (err instanceof KnowledgeError) return { problems: err, files };
    throw err;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/**
 * Imports an export's answers into the knowledge directory `dir`. Every answer the schema or the base's
 * checks refuse (too long, too few phrasings, a phrasing another entry has…) is reported with its rows and
 * left out; the rest are written, with one source text holding their answers. Nothing is written when
 * nothing can be taken, or when the base was already broken.
 */
export function importQna(dir: string, pairs: readonly QnaPair[], options: ImportOptions): ImportResult {
  const existing = loadKnowledge(dir);
  const sourceText = `sources/${slug(options.source.title, 8) || 'imported'}.txt`;
  if (existsSync(join(dir, sourceText))) throw new Error(`${sourceText} already exists: give the import a title of its own`);
  const takenIds = new Set(existing.entries.map((e) => e.id));
  const { candidates, problems } = candidatesOf(pairs, options, takenIds, sourceText);
  let taken = validCandidates(candidates, problems);
  // The base's own checks see the whole base: an answer they refuse is left out, and the rest tried again.
  for (let round = 0; taken.length > 0; round++) {
    const sourceBody = `${taken.map((c) => c.pair.answer).join('\n\n')}\n`;
    const { problems: refused, files } = trial(dir, taken, sourceText, sourceBody);
    if (!refused) {
      for (const [name, content] of files) writeFileSync(join(dir, name), content);
      return { written: taken.map((c) => ({ topic: c.topic, id: c.entry.id, rows: c.pair.rows })), problems: byRow(problems), sourceText };
    }
    const byId = new Map(taken.map((c) => [c.entry.id, c]));
    const blamed = refused.problems.filter((p) => p.entryId !== undefined && byId.has(p.entryId));
    if (blamed.length === 0 || round === 2) throw refused;
    for (const p of blamed) {
      const { pair } = byId.get(p.entryId ?? '') as Candidate;
      problems.push({ row: pair.rows[0] ?? 0, qnaId: pair.qnaId, column: columnOf(p.field ?? ''), message: `${p.field ?? 'entry'}: ${p.message}` });
    }
    taken = taken.filter((c) => !blamed.some((p) => p.entryId === c.entry.id));
    // A link to an answer left out would be refused next round: it goes too.
    const kept = new Set([...existing.entries.map((e) => e.id), ...taken.map((c) => c.entry.id)]);
    for (const { entry } of taken) entry.related = (entry.related as string[]).filter((id) => kept.has(id));
  }
  return { written: [], problems: byRow(problems), sourceText };
}

/** Problems in the order of the file, as a curator reads it. */
function byRow(problems: RowProblem[]): RowProblem[] {
  return [...problems].sort((a, b) => a.row - b.row);
}
