import type Database from 'better-sqlite3';
import { z } from 'zod';
import { redact } from '../shared/redact';
import { addMissingColumns } from './sqliteColumns';

/**
 * What curators learn from conversations: which answers helped, and which questions the bot could not
 * answer. Records hold no user or conversation id, and questions are redacted before they are stored.
 */

export const MAX_QUESTION_CHARS = 500;
/** Text beyond this is cut before redaction, which bounds its work; the stored text is cut again after. */
const MAX_INPUT_CHARS = 4 * MAX_QUESTION_CHARS;
/** The experts' card takes answers of up to 2,000 characters. */
const MAX_SUGGESTED_ANSWER_CHARS = 2000;

/** A question as kept for curators: cut, redacted, and cut again. */
const curatedQuestion = z
  .string()
  .trim()
  .min(1)
  .transform((q) => redact(q.slice(0, MAX_INPUT_CHARS)).slice(0, MAX_QUESTION_CHARS));
const feedbackInput = z.object({
  kind: z.literal('feedback'),
  entryId: z.string().trim().min(1).max(200),
  helpful: z.boolean(),
  /** With a 👎: the question the answer failed. */
  question: curatedQuestion.optional(),
  at: z.date().optional(),
});
const unansweredInput = z.object({
  kind: z.literal('unanswered'),
  question: curatedQuestion,
  topic: z.string().trim().min(1).max(100).optional(),
  at: z.date().optional(),
});
/** An expert's answer to a supporter's question, ticked "suggest for the knowledge base": a draft for curators. */
const suggestionInput = z.object({
  kind: z.literal('suggestion'),
  question: curatedQuestion,
  answer: z
    .string()
    .trim()
    .min(1)
    .transform((a) => redact(a.slice(0, 2 * MAX_SUGGESTED_ANSWER_CHARS)).slice(0, MAX_SUGGESTED_ANSWER_CHARS)),
  at: z.date().optional(),
});
const count = z.number().int().nonnegative();
/** The most entries one tally names: far beyond any knowledge base this bot serves, and a bound on a record's size. */
const MAX_TALLIED_ENTRIES = 5000;
/** What became of the questions one instance saw on one UTC day since its last tally (src/curation/turnTally.ts): counts and entry ids only. */
const tallyFields = {
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  answered: count,
  didYouMean: count,
  partial: count,
  dontKnow: count,
  /** Answers (and partial replies) per entry id. */
  answers: z.record(z.string().min(1).max(200), count).refine((answers) => Object.keys(answers).length <= MAX_TALLIED_ENTRIES, 'names too many entries'),
};
const tallyInput = z.object({ kind: z.literal('tally'), ...tallyFields, at: z.date().optional() });
const curationInputSchema = z.discriminatedUnion('kind', [feedbackInput, unansweredInput, suggestionInput, tallyInput]);
export type CurationInput = z.input<typeof curationInputSchema>;

/** A record as stored and listed; `at` is always set. */
export const curationRecordSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('feedback'), entryId: z.string(), helpful: z.boolean(), question: z.string().optional(), at: z.coerce.date() }),
  z.object({ kind: z.literal('unanswered'), question: z.string(), topic: z.string().optional(), at: z.coerce.date() }),
  z.object({ kind: z.literal('suggestion'), question: z.string(), answer: z.string(), at: z.coerce.date() }),
  z.object({ kind: z.literal('tally'), ...tallyFields, at: z.coerce.date() }),
]);
export type CurationRecord = z.infer<typeof curationRecordSchema>;

export interface CurationLog {
  /** Validates, redacts and stores one record; rejects input that is not a valid record. */
  record(input: CurationInput): Promise<void>;
  /** Every record at or after `since` (all if omitted), oldest first. */
  list(since?: Date): Promise<CurationRecord[]>;
  /** Deletes records made before `cutoff` (CURATION_TTL_DAYS); returns how many. */
  purgeOlderThan(cutoff: Date): Promise<number>;
}

/** Where records are kept; the validation and redaction in front of it are the same for every store. */
export interface CurationBackend {
  append(record: CurationRecord): Promise<void>;
  list(since?: Date): Promise<CurationRecord[]>;
  purgeOlderThan(cutoff: Date): Promise<number>;
}

export function curationLog(backend: CurationBackend): CurationLog {
  return {
    async record(input) {
      const parsed = curationInputSchema.parse(input);
      await backend.append({ ...parsed, at: parsed.at ?? new Date() });
    },
    list: (since) => backend.list(since),
    purgeOlderThan: (cutoff) => backend.purgeOlderThan(cutoff),
  };
}

export function memoryCurationLog(): CurationLog {
  let records: CurationRecord[] = [];
  return curationLog({
    append: async (record) => void records.push(record),
    list: async (since) => records.filter((r) => !since || r.at >= since).sort((a, b) => a.at.getTime() - b.at.getTime()),
    purgeOlderThan: async (cutoff) => {
      const before = records.length;
      records = records.filter((r) => r.at >= cutoff);
      return before - records.length;
    },
  });
}

interface CurationRow {
  kind: string;
  entry_id: string | null;
  helpful: number | null;
  question: string | null;
  topic: string | null;
  answer: string | null;
  /** A tally's fields, as JSON. */
  counts: string | null;
  at: number;
}

/** A table in the state database, so curation needs no store of its own. */
export function sqliteCurationLog(db: Database.Database): CurationLog {
  db.exec(`
    CREATE TABLE IF NOT EXISTS curation (
      id INTEGER PRIMARY KEY,
      kind TEXT NOT NULL,
      entry_id TEXT,
      helpful INTEGER,
      question TEXT,
      topic TEXT,
      at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS curation_at ON curation (at);
  `);
  // Databases made before experts' suggestions had no answer column, nor before tallies of outcomes a counts column.
  addMissingColumns(db, 'curation', { answer: 'TEXT', counts: 'TEXT' });
  const insert = db.prepare(
    'INSERT INTO curation (kind, entry_id, helpful, question, topic, answer, counts, at) ' +
      'VALUES (@kind, @entryId, @helpful, @question, @topic, @answer, @counts, @at)',
  );
  const select = db.prepare<[number], CurationRow>(
    'SELECT kind, entry_id, helpful, question, topic, answer, counts, at FROM curation WHERE at >= ? ORDER BY at, id',
  );
  const purge = db.prepare<[number]>('DELETE FROM curation WHERE at < ?');
  return curationLog({
    async append(record) {
      insert.run(toRow(record));
    },
    async list(since) {
      return select.all(since?.getTime() ?? 0).map(fromRow);
    },
    purgeOlderThan: async (cutoff) => purge.run(cutoff.getTime()).changes,
  });
}

function toRow(record: CurationRecord): Omit<CurationRow, 'entry_id'> & { entryId: string | null } {
  const none = { entryId: null, helpful: null, question: null, topic: null, answer: null, counts: null, at: record.at.getTime() };
  switch (record.kind) {
    case 'feedback':
      return { ...none, kind: record.kind, entryId: record.entryId, helpful: record.helpful ? 1 : 0, question: record.question ?? null };
    case 'unanswered':
      return { ...none, kind: record.kind, question: record.question, topic: record.topic ?? null };
    case 'suggestion':
      return { ...none, kind: record.kind, question: record.question, answer: record.answer };
    case 'tally': {
      const { kind, at: _at, ...counts } = record;
      return { ...none, kind, counts: JSON.stringify(counts) };
    }
  }
}

function fromRow(row: CurationRow): CurationRecord {
  switch (row.kind) {
    case 'feedback':
      return curationRecordSchema.parse({
        kind: row.kind,
        entryId: row.entry_id,
        helpful: row.helpful === 1,
        ...(row.question === null ? {} : { question: row.question }),
        at: row.at,
      });
    case 'suggestion':
      return curationRecordSchema.parse({ kind: row.kind, question: row.question, answer: row.answer, at: row.at });
    case 'tally':
      return curationRecordSchema.parse({ ...(JSON.parse(row.counts ?? 'null') as object), kind: row.kind, at: row.at });
    default:
      return curationRecordSchema.parse({ kind: row.kind, question: row.question, ...(row.topic === null ? {} : { topic: row.topic }), at: row.at });
  }
}
