import type { KnowledgeProblem } from './problems';
import type { Entry, Source } from './schema';

/**
 * Numbers, in figures or words, are the facts most easily invented or misremembered: each one an answer
 * states must be in the entry's quotes.
 */
const NUMBER = /\b(\d[\d,.]*%?|one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|half|majority)\b/gi;

/** Quotes are compared with line breaks and runs of spaces made single spaces, as the page wraps them. */
const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * What the source backs: every quote of an entry is in its source's text word for word, and every number
 * its answer states is in its quotes. `sourceText` gives a source's text as read, undefined when it could
 * not be (a problem reported once, by the caller); `fileOf` locates each entry for the curator.
 */
export function checkAgainstSources(
  entries: readonly Entry[],
  fileOf: (entry: Entry) => string,
  sourceText: (source: Source) => string | undefined,
): KnowledgeProblem[] {
  const problems: KnowledgeProblem[] = [];
  for (const entry of entries) {
    const file = fileOf(entry);
    const text = sourceText(entry.source);
    entry.quotes.forEach((quote, i) => {
      if (text !== undefined && !text.includes(squash(quote))) {
        problems.push({ file, entryId: entry.id, field: `quotes[${i}]`, message: `is not in ${entry.source.text} word for word` });
      }
    });
    const quoted = entry.quotes.join(' ').toLowerCase();
    // "As of 2013" dates the source, not a fact of it.
    const facts = entry.answer.replaceAll(`As of ${entry.source.asOf}`, '');
    for (const [number] of facts.matchAll(NUMBER)) {
      if (!quoted.includes(number.toLowerCase())) {
        problems.push({ file, entryId: entry.id, field: 'answer', message: `states "${number}", which none of its quotes says` });
      }
    }
  }
  return problems;
}

/** The source text as the checks compare it. */
export function squashedSourceText(raw: string): string {
  return squash(raw);
}

/**
 * Sources past their review date, once per source and file: the topic file's own source, and any an entry
 * overrides it with. A warning, not an error: the bot still answers, and says as of when.
 */
export function reviewsDue(sources: readonly { file: string; entryId?: string; source: Source }[], today: Date): KnowledgeProblem[] {
  const date = today.toISOString().slice(0, 10);
  return sources
    .filter(({ source }) => source.reviewBy < date)
    .map(({ file, entryId, source }) => ({
      file,
      ...(entryId === undefined ? {} : { entryId }),
      field: 'source.reviewBy',
      message: `was due for review on ${source.reviewBy}: check "${source.title}" (${source.url}) again, then move the date on`,
    }));
}
