import type { CurationRecord } from '../storage/curationLog';

/** One UTC day's questions and what became of them, added up over every instance's tallies. */
export interface DayOutcomes {
  day: string;
  /** Questions the bot decided: every outcome below, and nothing else (greetings, commands and menus are not questions). */
  questions: number;
  answered: number;
  didYouMean: number;
  partial: number;
  dontKnow: number;
}

/** One entry's answers (and partial replies) over the period. */
export interface EntryAnswers {
  entryId: string;
  answers: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Each of the `days` UTC days up to and including `today`'s, oldest first, with the tallies recorded for
 * it added up: a day with none is there with zeros, so a chart of them has no gaps that look like data.
 */
export function dailyOutcomes(records: readonly CurationRecord[], days: number, today: Date): DayOutcomes[] {
  const byDay = new Map<string, DayOutcomes>();
  for (let i = days - 1; i >= 0; i--) {
    const day = new Date(today.getTime() - i * DAY_MS).toISOString().slice(0, 10);
    byDay.set(day, { day, questions: 0, answered: 0, didYouMean: 0, partial: 0, dontKnow: 0 });
  }
  for (const record of records) {
    if (record.kind !== 'tally') continue;
    const row = byDay.get(record.day);
    if (!row) continue;
    row.answered += record.answered;
    row.didYouMean += record.didYouMean;
    row.partial += record.partial;
    row.dontKnow += record.dontKnow;
    row.questions += record.answered + record.didYouMean + record.partial + record.dontKnow;
  }
  return [...byDay.values()];
}

/** The entries the bot answered with most often, most first (then by id), at most `limit` of them. */
export function busiestEntries(records: readonly CurationRecord[], limit: number): EntryAnswers[] {
  const answers = new Map<string, number>();
  for (const record of records) {
    if (record.kind !== 'tally') continue;
    for (const [entryId, n] of Object.entries(record.answers)) answers.set(entryId, (answers.get(entryId) ?? 0) + n);
  }
  return [...answers]
    .map(([entryId, n]) => ({ entryId, answers: n }))
    .sort((a, b) => b.answers - a.answers || a.entryId.localeCompare(b.entryId))
    .slice(0, limit);
}
