import { z } from 'zod';

/**
 * The store's settings, free of any storage SDK: configuration parsing imports this, and only opening a
 * store of a kind loads that kind's SDK (src/storage/createStorage.ts).
 */

/** Leaves room for the apology inside the 5 s a user should wait at most when the store is down. */
export const DEFAULT_STORE_TIMEOUT_MS = 3000;

export const STORAGE_KINDS = ['sqlite', 'blob', 'memory'] as const;
export type StorageKind = (typeof STORAGE_KINDS)[number];

const HOUR_MS = 60 * 60 * 1000;

/** Azure's rules: 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit. */
export const containerNameSchema = z
  .string()
  .regex(
    /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/,
    'must be 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit',
  );

export const storageOptionsSchema = z
  .object({
    kind: z.enum(STORAGE_KINDS),
    /** SQLite's folder; created if missing. */
    dataDir: z.string().min(1),
    connectionString: z.string().min(1).optional(),
    container: containerNameSchema.optional(),
    /** Conversation state not written for this many days is deleted. */
    ttlDays: z.number().positive(),
    /** Curation records older than this many days are deleted, on the same schedule. */
    curationTtlDays: z.number().positive().default(90),
    /** The key of the pseudonyms in storage keys; required for blob (shared by instances), generated for the others if absent. */
    pseudonymKey: z.string().min(32).optional(),
    /** Bound on each store call (Blob) or on waiting for the database lock (SQLite). */
    timeoutMs: z.number().int().positive().default(DEFAULT_STORE_TIMEOUT_MS),
    /** Whether SQLite deletes expired state at open and then on a schedule; tools that only read turn it off. */
    schedulePurge: z.boolean().default(true),
    /** How often SQLite deletes expired state. */
    purgeIntervalMs: z.number().int().positive().default(HOUR_MS),
  })
  .superRefine((options, ctx) => {
    if (options.kind !== 'blob') return;
    for (const key of ['connectionString', 'container', 'pseudonymKey'] as const) {
      if (!options[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required for blob storage' });
    }
  });
export type StorageOptions = z.input<typeof storageOptionsSchema>;
