import type { CurationRecord } from '../storage/curationLog';

/** The 👍 and 👎 supporters gave one entry's answer. */
export interface HelpfulnessRow {
  entryId: string;
  helpful: number;
  unhelpful: number;
}

/**
 * 👍 and 👎 per entry, from the feedback records: one vote per answer per conversation, as the bot keeps
 * them. The entries with the most 👎 come first, since those are the answers a curator should read again;
 * then the most votes, then by id, so the order never depends on the store's.
 */
export function helpfulnessByEntry(records: readonly CurationRecord[]): HelpfulnessRow[] {
  const rows = new Map<string, HelpfulnessRow>();
  for (const record of records) {
    if (record.kind !== 'feedback') continue;
    const row = rows.get(record.entryId) ?? { entryId: record.entryId, helpful: 0, unhelpful: 0 };
    if (record.helpful) row.helpful += 1;
    else row.unhelpful += 1;
    rows.set(record.entryId, row);
  }
  return [...rows.values()].sort(
    (a, b) => b.unhelpful - a.unhelpful || b.helpful + b.unhelpful - (a.helpful + a.unhelpful) || a.entryId.localeCompare(b.entryId),
  );
}
