import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Storage, StoreItems } from 'botbuilder';
import { z } from 'zod';
import { ETAG_NEW_ITEM, EtagConflictError } from './etagConflict';

export const STATE_DB_FILE = 'state.db';

const keysSchema = z.array(z.string().min(1));
const changesSchema = z.record(z.string().min(1), z.record(z.string(), z.unknown()));

interface Row {
  key: string;
  value: string;
  etag: string;
}

export interface SqliteStorageOptions {
  /** Created if missing; the database is `state.db` inside it. */
  dataDir: string;
  /** How long a write waits for another process holding the database lock before failing. */
  busyTimeoutMs?: number;
  /** The clock for updated-at, so retention can be tested without waiting. */
  now?: () => Date;
}

/**
 * botbuilder's Storage on one SQLite file (WAL, so readers never wait for the writer). Each item is a row
 * of JSON with an opaque eTag and the time it was last written; eTags follow the rules in etagConflict.ts,
 * like BlobsStorage: a stale eTag, or an eTag for an item that no longer exists, is rejected. eTags are
 * random rather than counters, so an item deleted and written again never matches an eTag read before.
 */
export class SqliteStorage implements Storage {
  readonly file: string;
  private readonly db: Database.Database;
  private readonly now: () => Date;
  private readonly sql: ReturnType<typeof prepareStatements>;
  /** One transaction: a conflict on any key leaves every key as it was. */
  private readonly writeAll: (changes: Record<string, Record<string, unknown>>, updatedAt: number) => void;

  constructor(options: SqliteStorageOptions) {
    mkdirSync(options.dataDir, { recursive: true });
    this.file = join(options.dataDir, STATE_DB_FILE);
    this.now = options.now ?? (() => new Date());
    this.db = new Database(this.file, { timeout: options.busyTimeoutMs ?? 3000 });
    this.db.pragma('journal_mode = WAL');
    // NORMAL is durable across application crashes in WAL mode; only a power cut may lose the last commits.
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        etag TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS state_updated_at ON state (updated_at);
      CREATE TABLE IF NOT EXISTS health (id INTEGER PRIMARY KEY CHECK (id = 1), checked_at INTEGER NOT NULL);
    `);
    this.sql = prepareStatements(this.db);
    // Made once, as better-sqlite3 advises: a transaction function prepares its BEGIN and COMMIT when made.
    this.writeAll = this.db.transaction((changes: Record<string, Record<string, unknown>>, updatedAt: number) => {
      for (const [key, item] of Object.entries(changes)) this.writeOne(key, item, updatedAt);
    });
  }

  /** The open database, for other tables kept in the same file (the curation log). */
  get database(): Database.Database {
    return this.db;
  }

  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    for (const key of keysSchema.parse(keys)) {
      const row = this.sql.select.get(key);
      if (row) items[key] = { ...parseValue(row.value), eTag: row.etag };
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    const parsed = changesSchema.parse(changes);
    const entries = Object.entries(parsed);
    const [only] = entries;
    // One statement is a transaction of its own in SQLite: a turn's single write needs no BEGIN and COMMIT.
    if (only && entries.length === 1) this.writeOne(...only, this.now().getTime());
    else this.writeAll(parsed, this.now().getTime());
  }

  /** Writes one item against the eTag it carries (see etagConflict.ts), or throws EtagConflictError. */
  private writeOne(key: string, item: Record<string, unknown>, updatedAt: number): void {
    const { upsert, insertNew, updateMatching } = this.sql;
    const { eTag: expected, ...content } = item;
    const row = { key, value: JSON.stringify(content), etag: randomUUID(), updatedAt };
    if (expected === undefined || expected === '*') {
      upsert.run(row);
    } else if (expected === ETAG_NEW_ITEM) {
      if (insertNew.run(row).changes === 0) throw new EtagConflictError('The item was created by another writer since it was read (eTag conflict).');
    } else if (updateMatching.run({ ...row, expected: typeof expected === 'string' ? expected : JSON.stringify(expected) }).changes === 0) {
      throw new EtagConflictError();
    }
  }

  async delete(keys: string[]): Promise<void> {
    this.db.transaction((all: string[]) => {
      all.forEach((key) => this.sql.remove.run(key));
    })(keysSchema.parse(keys));
  }

  /** Deletes items last written before `cutoff`; returns how many. */
  async purgeOlderThan(cutoff: Date): Promise<number> {
    return this.sql.purge.run(cutoff.getTime()).changes;
  }

  /**
   * Whether the store can be written now. A read (SELECT 1) succeeds on a full disk or a folder made
   * read-only, while every turn's save fails; so this writes one row, as a turn would.
   */
  async ping(): Promise<boolean> {
    try {
      this.sql.touchHealth.run(this.now().getTime());
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function prepareStatements(db: Database.Database) {
  return {
    select: db.prepare<[string], Row>('SELECT key, value, etag FROM state WHERE key = ?'),
    upsert: db.prepare(
      `INSERT INTO state (key, value, etag, updated_at) VALUES (@key, @value, @etag, @updatedAt)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, etag = excluded.etag, updated_at = excluded.updated_at`,
    ),
    insertNew: db.prepare('INSERT INTO state (key, value, etag, updated_at) VALUES (@key, @value, @etag, @updatedAt) ON CONFLICT (key) DO NOTHING'),
    updateMatching: db.prepare('UPDATE state SET value = @value, etag = @etag, updated_at = @updatedAt WHERE key = @key AND etag = @expected'),
    remove: db.prepare<[string]>('DELETE FROM state WHERE key = ?'),
    purge: db.prepare<[number]>('DELETE FROM state WHERE updated_at < ?'),
    touchHealth: db.prepare<[number]>('INSERT INTO health (id, checked_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at'),
  };
}

function parseValue(value: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(value);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('A stored state item is not a JSON object.');
  return parsed as Record<string, unknown>;
}
