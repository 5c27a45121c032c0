import { z } from 'zod';

/** The three topics a supporter can ask about; each has one file in knowledge/. */
export const TOPICS = ['governance', 'membership', 'offices'] as const;
const topicSchema = z.enum(TOPICS);
export type Topic = z.infer<typeof topicSchema>;

const MAX_ANSWER_WORDS = 80;
export const MIN_PHRASINGS = 5;
/** Teams falls back from buttons to a text list when a choice title is longer than 20 characters. */
const MAX_LABEL_CHARS = 20;

const trimmed = z.string().trim().min(1, 'must not be empty');

function wordCount(text: string): number {
  return text.trim().split(/\s+/).filter(Boolean).length;
}

const sourceSchema = z.strictObject({
  title: trimmed,
  url: z.url({ protocol: /^https$/, error: 'must be an https URL' }),
  /** When the source said this; stale facts are worded "As of <asOf>, …". */
  asOf: z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'must be a date written YYYY, YYYY-MM or YYYY-MM-DD'),
  /** The source's text as curated, in knowledge/sources/: every quote must be in it word for word. */
  text: z.string().regex(/^sources\/[a-z0-9]+(-[a-z0-9]+)*\.txt$/, 'must name a file in knowledge/sources/, e.g. sources/the-page.txt'),
  /** When a curator should check the source again; `npm run kb:check` warns once it has passed. */
  reviewBy: z.iso.date({ error: 'must be a date written YYYY-MM-DD' }),
});
export type Source = z.infer<typeof sourceSchema>;

export const entrySchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lower-case words joined by hyphens'),
  /** The canonical question, shown to users in "did you mean" and topic menus. */
  question: trimmed,
  /** A button-sized name for the question in topic menus. */
  label: trimmed.max(MAX_LABEL_CHARS, `must be at most ${MAX_LABEL_CHARS} characters`),
  /**
   * What the entry is about, in a few words: what "it", "they" or "he" most likely means in the question
   * a supporter asks next ("the International Council Meeting" after how often it is held).
   */
  subject: trimmed,
  /** Other ways a supporter might ask the same thing. */
  phrasings: z.array(trimmed).min(MIN_PHRASINGS, `needs at least ${MIN_PHRASINGS} phrasings`),
  answer: trimmed.refine((text) => wordCount(text) <= MAX_ANSWER_WORDS, {
    error: `must be at most ${MAX_ANSWER_WORDS} words`,
  }),
  /** Verbatim sentences or clauses of the source that back the answer: the evidence for every fact in it. */
  quotes: z.array(trimmed).min(1, 'needs at least one quote from the source'),
  /** Overrides the file's source for this entry. */
  source: sourceSchema.optional(),
  /** Entries a supporter is likely to ask about next. */
  related: z.array(z.string()).default([]),
});

export const topicFileSchema = z.strictObject({
  topic: topicSchema,
  /** Button-sized name of the topic. */
  label: trimmed.max(MAX_LABEL_CHARS, `must be at most ${MAX_LABEL_CHARS} characters`),
  /** Other names for the topic, so "tell me about members" opens it like "membership". */
  aliases: z.array(trimmed).default([]),
  /** What the topic dialog says before offering its questions. */
  overview: trimmed,
  source: sourceSchema,
  entries: z.array(z.unknown()).min(1, 'needs at least one entry'),
});

/** An entry as the rest of the bot sees it: topic and source resolved. */
export interface Entry {
  id: string;
  topic: Topic;
  question: string;
  label: string;
  subject: string;
  phrasings: string[];
  answer: string;
  quotes: string[];
  source: Source;
  related: string[];
}

export interface TopicInfo {
  topic: Topic;
  label: string;
  aliases: string[];
  overview: string;
  source: Source;
}

/** Case-insensitive phrases rewritten before matching, so acronyms and nicknames meet the words curators use. */
export const synonymsFileSchema = z.strictObject({
  synonyms: z.array(
    z.strictObject({
      /** Words a supporter types, e.g. "ICM". */
      phrase: trimmed,
      /** What they mean, in the words the knowledge base uses. */
      means: trimmed,
      /** For acronyms that are also ordinary words, such as "IS". */
      matchCase: z.boolean().default(false),
    }),
  ),
});
export type Synonym = z.infer<typeof synonymsFileSchema>['synonyms'][number];

/**
 * Places and organisations. A question that names one ("How many members does Amnesty have in India?")
 * is answered only by an entry whose own text names it too: the movement-wide count does not answer it.
 * Each item is one place or organisation, with the spellings that mean it.
 */
export const namesFileSchema = z.strictObject({
  names: z.array(
    z.union([
      z.array(trimmed).min(1, 'needs at least one spelling'),
      z.strictObject({
        /** Matched whatever the case. */
        spellings: z.array(trimmed).default([]),
        /** Matched only as written, for names that are also ordinary words: "US", "WHO". */
        matchCase: z.array(trimmed).min(1, 'needs at least one spelling'),
      }),
    ]),
  ),
});

export interface NameGroup {
  spellings: string[];
  matchCase: string[];
}

/**
 * Words that ask for a particular detail ("How old is Salil Shetty?", "Who chairs the International
 * Board?"). A question using one is answered only by an entry whose question, phrasings or answer use it
 * too: knowing who someone is does not tell their age.
 */
export const detailsFileSchema = z.strictObject({
  details: z.array(trimmed.regex(/^[\p{L}\p{N}'-]+$/u, 'must be a single word')),
});

/**
 * Questions curators marked as outside the knowledge base. Matching does not read them: the workbench's
 * inbox hides them, and the eval counts any fact the bot gives one as wrong.
 */
export const outOfScopeFileSchema = z.strictObject({
  questions: z.array(trimmed),
});
