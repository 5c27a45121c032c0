import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadDotEnv, parseConfig, storageOptions } from '../app/config';
import { deciderReader, groupUnanswered, type QuestionReader, type UnansweredRow } from '../curation/inbox';
import { PublishedKnowledge } from '../curation/publishedKnowledge';
import { loadKnowledge } from '../faq';
import { createLogger } from '../shared/logger';
import { stripControls } from '../shared/redact';
import { createStorage } from '../storage/createStorage';
import type { CurationRecord } from '../storage/curationLog';

/**
 * `npm run report -- [--limit N] [--since YYYY-MM-DD]`: what curators should look at next. The questions
 * the bot could not answer, most asked first, the answers people found least helpful, and the supporter
 * care team's answers that an expert suggested for the knowledge base.
 */

const USAGE = 'usage: npm run report -- [--limit N] [--since YYYY-MM-DD]';

export interface AnswerRow {
  entryId: string;
  helpful: number;
  unhelpful: number;
  /** helpful / (helpful + unhelpful) */
  shareHelpful: number;
}

/** An expert's answer ticked "suggest for the knowledge base": a draft a curator may turn into an entry. */
export interface SuggestionRow {
  question: string;
  answer: string;
  at: Date;
}

export interface CurationReport {
  records: number;
  unanswered: UnansweredRow[];
  leastHelpful: AnswerRow[];
  /** Newest first. */
  suggestions: SuggestionRow[];
}

/**
 * Lower bound of the 95% Wilson interval for the share of 👎: how sure we are that an answer is often
 * unhelpful. It ranks 6 👎 of 6 above a single 👎, and both above 10 👎 among 100 votes.
 */
function unhelpfulConfidence(unhelpful: number, total: number): number {
  const z = 1.96;
  const p = unhelpful / total;
  const centre = p + (z * z) / (2 * total);
  const spread = z * Math.sqrt((p * (1 - p)) / total + (z * z) / (4 * total * total));
  return (centre - spread) / (1 + (z * z) / total);
}

/**
 * `reader` groups the unanswered questions as the bot reads them ("Who funds Amnesty?" and "amnesty, who
 * funds it"), and says which entries it nearly gave; without one, only identical wordings are counted together.
 */
export function buildReport(records: readonly CurationRecord[], limit = 20, reader?: QuestionReader): CurationReport {
  const answers = new Map<string, AnswerRow>();
  const suggestions: SuggestionRow[] = [];
  for (const record of records) {
    if (record.kind === 'suggestion') {
      suggestions.push({ question: record.question, answer: record.answer, at: record.at });
      continue;
    }
    if (record.kind === 'feedback') {
      const row = answers.get(record.entryId) ?? { entryId: record.entryId, helpful: 0, unhelpful: 0, shareHelpful: 0 };
      if (record.helpful) row.helpful += 1;
      else row.unhelpful += 1;
      row.shareHelpful = row.helpful / (row.helpful + row.unhelpful);
      answers.set(record.entryId, row);
    }
  }
  const confidence = (row: AnswerRow) => unhelpfulConfidence(row.unhelpful, row.helpful + row.unhelpful);
  const leastHelpful = [...answers.values()]
    .filter((row) => row.unhelpful > 0)
    .sort((a, b) => confidence(b) - confidence(a) || b.unhelpful - a.unhelpful || a.entryId.localeCompare(b.entryId));
  suggestions.sort((a, b) => b.at.getTime() - a.at.getTime());
  return {
    records: records.length,
    unanswered: groupUnanswered(records, limit, reader),
    leastHelpful: leastHelpful.slice(0, limit),
    suggestions: suggestions.slice(0, limit),
  };
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * Questions are what users typed, and could hold escape sequences that recolour, retitle or hyperlink the
 * curator's terminal. Every string read from the store is stripped here, whatever built the report: the
 * store may hold records written before stripping existed, or by other hands.
 */
export function formatReport(report: CurationReport): string {
  const nearest = (row: UnansweredRow) =>
    (row.nearest ?? []).map((n) => `${stripControls(n.entryId)} ${n.probability < 0.005 ? '<1' : Math.round(n.probability * 100)}%`).join(', ') ||
    '(none near)';
  const withNearest = report.unanswered.some((row) => row.nearest);
  const unanswered = report.unanswered.length
    ? table(
        ['asked', 'last asked', 'question', ...(withNearest ? ['nearest entries'] : [])],
        report.unanswered.map((row) => [
          String(row.count),
          row.lastAsked.toISOString().slice(0, 10),
          clip(stripControls(row.question), 100) + (row.wordings > 1 ? ` (+${row.wordings - 1} wordings)` : ''),
          ...(withNearest ? [nearest(row)] : []),
        ]),
      )
    : '(none)';
  const answers = report.leastHelpful.length
    ? table(
        ['entry', '👍', '👎', 'helpful'],
        report.leastHelpful.map((row) => [stripControls(row.entryId), String(row.helpful), String(row.unhelpful), `${Math.round(row.shareHelpful * 100)}%`]),
      )
    : '(no answer has a 👎)';
  const suggestions = report.suggestions.length
    ? report.suggestions
        .map(
          (row) =>
            `${row.at.toISOString().slice(0, 10)}  Q: ${clip(stripControls(row.question), 200)}\n` +
            `            A: ${clip(stripControls(row.answer).replace(/\s+/g, ' '), 400)}`,
        )
        .join('\n\n')
    : '(none)';
  return (
    `Most frequent unanswered questions\n\n${unanswered}\n\n` +
    `Least helpful answers\n\n${answers}\n\n` +
    `Experts' answers suggested for the knowledge base\n\n${suggestions}\n\n` +
    `(${report.records} records)\n`
  );
}

/** The command itself, minus the process: returns the exit code, writes the report or the usage. */
export async function runReport(args: string[], env: NodeJS.ProcessEnv, out: (text: string) => void, err: (text: string) => void): Promise<number> {
  let values: { limit?: string; since?: string };
  try {
    ({ values } = parseArgs({ args, options: { limit: { type: 'string', default: '20' }, since: { type: 'string' } } }));
  } catch {
    err(`${USAGE}\n`);
    return 2;
  }
  const limit = z.coerce.number().int().positive().safeParse(values.limit);
  const since = values.since === undefined ? undefined : z.iso.date().safeParse(values.since);
  if (!limit.success || (since && !since.success)) {
    err(`${USAGE}\n`);
    return 2;
  }
  const config = parseConfig(env);
  const store = await createStorage({ ...storageOptions(config), schedulePurge: false });
  try {
    const records = await store.curation.list(since?.data ? new Date(`${since.data}T00:00:00Z`) : undefined);
    // Read as the bot serving now reads them: the version curators last published, or knowledge/.
    const published = new PublishedKnowledge(store.knowledge, loadKnowledge(config.KNOWLEDGE_DIR), createLogger('error'));
    await published.refresh();
    out(formatReport(buildReport(records, limit.data, deciderReader(published.decider))));
    return 0;
  } finally {
    await store.close();
  }
}

if (require.main === module) {
  loadDotEnv();
  runReport(
    process.argv.slice(2),
    process.env,
    (text) => process.stdout.write(text),
    (text) => process.stderr.write(text),
  ).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`${stripControls(error instanceof Error ? error.message : String(error))}\n`);
      process.exitCode = 1;
    },
  );
}
