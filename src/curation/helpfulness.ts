import type { CurationRecord } from '../storage/curationLog';
import { foldQuestion } from './inbox';

/** The questions listed with an entry's 👎: the most asked, as many as a curator reads at a glance. */
const QUESTIONS_PER_ENTRY = 5;

/** The 👍 and 👎 supporters gave one entry's answer. */
export interface HelpfulnessRow {
  entryId: string;
  helpful: number;
  unhelpful: number;
  /** The questions a 👎 said the answer failed, folded as the inbox folds them, most often first. */
  failed: { question: string; count: number }[];
}

/**
 * 👍 and 👎 per entry, from the feedback records (one vote per answer per conversation, as the bot keeps
 * them), with the questions the 👎 said the answer failed. The entries with the most 👎 come first, since
 * those are the answers a curator should read again; then the most votes, then by id, so the order never
 * depends on the store's.
 */
export function helpfulnessByEntry(records: readonly CurationRecord[]): HelpfulnessRow[] {
  const rows = new Map<string, Omit<HelpfulnessRow, 'failed'> & { questions: Map<string, number> }>();
  for (const record of records) {
    if (record.kind !== 'feedback') continue;
    const row = rows.get(record.entryId) ?? { entryId: record.entryId, helpful: 0, unhelpful: 0, questions: new Map<string, number>() };
    if (record.helpful) row.helpful += 1;
    else row.unhelpful += 1;
    const question = !record.helpful && record.question ? foldQuestion(record.question) : '';
    if (question) row.questions.set(question, (row.questions.get(question) ?? 0) + 1);
    rows.set(record.entryId, row);
  }
  const failed = (questions: ReadonlyMap<string, number>) =>
    [...questions]
      .map(([question, count]) => ({ question, count }))
      .sort((a, b) => b.count - a.count || a.question.localeCompare(b.question))
      .slice(0, QUESTIONS_PER_ENTRY);
  return [...rows.values()]
    .map(({ questions, ...row }) => ({ ...row, failed: failed(questions) }))
    .sort((a, b) => b.unhelpful - a.unhelpful || b.helpful + b.unhelpful - (a.helpful + a.unhelpful) || a.entryId.localeCompare(b.entryId));
}
