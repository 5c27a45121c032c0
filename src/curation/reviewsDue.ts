import type { Entry } from '../faq';

/** The entries of one source that is past its review date. */
export interface SourceDue {
  title: string;
  url: string;
  reviewBy: string;
  entries: { id: string; question: string }[];
}

/**
 * The entries whose source a curator should check again, by source, the longest overdue first: each
 * source's `reviewBy` is the date kb:check starts warning about it.
 */
export function entriesDueForReview(entries: readonly Entry[], today: Date): SourceDue[] {
  const date = today.toISOString().slice(0, 10);
  const due = new Map<string, SourceDue>();
  for (const entry of entries) {
    const { title, url, reviewBy } = entry.source;
    if (reviewBy >= date) continue;
    const key = `${url} ${reviewBy}`;
    const source = due.get(key) ?? { title, url, reviewBy, entries: [] };
    source.entries.push({ id: entry.id, question: entry.question });
    due.set(key, source);
  }
  return [...due.values()].sort((a, b) => a.reviewBy.localeCompare(b.reviewBy) || a.title.localeCompare(b.title));
}
