import type { Decider } from '../faq';
import { stripControls } from '../shared/redact';
import type { CurationRecord } from '../storage/curationLog';

/** How the curators' inbox reads a question the bot could not answer: as the bot itself reads it. */
export interface QuestionReader {
  /** Questions with the same key are one question to the bot, however they are worded or punctuated. */
  readAs(question: string): string;
  /** The entries the bot nearly gave, best first, each with the probability it gave. */
  nearest(question: string): { entryId: string; probability: number }[];
}

/** How many of the nearest entries a curator is shown for each question. */
export const NEAREST = 3;

export function deciderReader(decider: Decider): QuestionReader {
  return {
    readAs: (question) => decider.readAs(question),
    nearest: (question) => decider.suggest(question, NEAREST).map(({ entry, probability }) => ({ entryId: entry.id, probability })),
  };
}

/** Escape sequences go before counting, so a question dressed in them counts with the plain one. */
const TRAILING_PUNCTUATION = new Set([' ', '?', '!', '.', ',', ';', ':']);

export function foldQuestion(question: string): string {
  const folded = stripControls(question).toLowerCase().replace(/\s+/g, ' ').trim();
  // A loop, not /[\s?!.,;:]+$/: that pattern retries from every mark of a long run not at the end ("a???…?b").
  let end = folded.length;
  while (end > 0 && TRAILING_PUNCTUATION.has(folded.charAt(end - 1))) end -= 1;
  return folded.slice(0, end);
}

export interface UnansweredRow {
  /**
   * Folded for counting (no controls, lower case, single spaces, no trailing punctuation); with a reader,
   * the wording asked most often among those the bot reads as this one question.
   */
  question: string;
  count: number;
  lastAsked: Date;
  /** How many different wordings the row counts. */
  wordings: number;
  /** With a reader: the entries the bot nearly gave, best first. */
  nearest?: { entryId: string; probability: number }[];
}

/**
 * The unanswered questions, most asked first. `reader` groups them as the bot reads them ("Who funds
 * Amnesty?" and "amnesty, who funds it"), under the wording asked most, and says which entries it nearly
 * gave; without one, only identical wordings are counted together. A row `settled` says is dealt with
 * (answered now, or marked out of scope) is left out before the limit is taken.
 */
export function groupUnanswered(
  records: readonly CurationRecord[],
  limit: number,
  reader?: QuestionReader,
  settled: (question: string) => boolean = () => false,
): UnansweredRow[] {
  const questions = new Map<string, { wordings: Map<string, number>; count: number; lastAsked: Date }>();
  for (const record of records) {
    if (record.kind !== 'unanswered') continue;
    const question = foldQuestion(record.question);
    if (!question) continue;
    // A question of punctuation alone reads as nothing: it counts only with its own wording.
    const key = reader?.readAs(question) || question;
    const group = questions.get(key) ?? { wordings: new Map<string, number>(), count: 0, lastAsked: record.at };
    group.count += 1;
    group.wordings.set(question, (group.wordings.get(question) ?? 0) + 1);
    if (record.at > group.lastAsked) group.lastAsked = record.at;
    questions.set(key, group);
  }
  const rows = [...questions.values()]
    .map(({ wordings, count, lastAsked }) => {
      const [question = ''] = [...wordings].sort(([a, m], [b, n]) => n - m || a.localeCompare(b)).map(([wording]) => wording);
      return { question, count, lastAsked, wordings: wordings.size };
    })
    .sort((a, b) => b.count - a.count || b.lastAsked.getTime() - a.lastAsked.getTime() || a.question.localeCompare(b.question));
  // Asked of the rows in order until enough are shown: whether a row is settled may take a search.
  const shown: UnansweredRow[] = [];
  for (const row of rows) {
    if (shown.length >= limit) break;
    if (settled(row.question)) continue;
    // The nearest entries only for the rows shown: each is a search.
    shown.push(reader ? { ...row, nearest: reader.nearest(row.question) } : row);
  }
  return shown;
}
