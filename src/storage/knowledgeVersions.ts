import type Database from 'better-sqlite3';
import { z } from 'zod';

/**
 * Published versions of the knowledge base, kept beside conversation state so that every instance sharing
 * the store serves the same one. Version 1 is knowledge/ as committed and is never stored: a store with
 * no current version serves it. Versions are kept until deleted by hand: they are the curators' history,
 * hold no user's words, and a rollback may need any of them.
 */
export interface KnowledgeVersionStore {
  /** The version every instance should serve; 1 when none was published or the committed one was restored. */
  current(): Promise<number>;
  get(version: number): Promise<KnowledgeVersion | undefined>;
  /** Every published version, oldest first, without its files. */
  list(): Promise<VersionSummary[]>;
  /** Stores the files as the next version and makes it current; returns its number. */
  publish(files: Readonly<Record<string, string>>, note: string, at?: Date): Promise<number>;
  /** Makes an earlier version (or the committed one, 1) current again. */
  switchTo(version: number): Promise<void>;
}

interface VersionSummary {
  version: number;
  publishedAt: Date;
  /** What changed, in the curator's words. */
  note: string;
}

export interface KnowledgeVersion extends VersionSummary {
  /** Relative path → text: "offices.yaml", "sources/international-movement.txt". */
  files: Record<string, string>;
}

/** The committed knowledge/: served when nothing was published. */
export const COMMITTED_VERSION = 1;

export class UnknownVersionError extends Error {
  constructor(version: number) {
    super(`There is no knowledge version ${version}`);
    this.name = 'UnknownVersionError';
  }
}

export const filesSchema = z.record(z.string(), z.string());

export function memoryKnowledgeVersions(): KnowledgeVersionStore {
  const versions: KnowledgeVersion[] = [];
  let current = COMMITTED_VERSION;
  return {
    current: async () => current,
    get: async (version) => versions.find((v) => v.version === version),
    list: async () => versions.map(({ version, publishedAt, note }) => ({ version, publishedAt, note })),
    async publish(files, note, at = new Date()) {
      const version = (versions.at(-1)?.version ?? COMMITTED_VERSION) + 1;
      versions.push({ version, publishedAt: at, note, files: { ...files } });
      current = version;
      return version;
    },
    async switchTo(version) {
      if (version !== COMMITTED_VERSION && !versions.some((v) => v.version === version)) throw new UnknownVersionError(version);
      current = version;
    },
  };
}

interface VersionRow {
  version: number;
  published_at: number;
  note: string;
  files: string;
}

/** Two tables in the state database: the versions, and which one is current. */
export function sqliteKnowledgeVersions(db: Database.Database): KnowledgeVersionStore {
  db.exec(`
    CREATE TABLE IF NOT EXISTS knowledge_versions (
      version INTEGER PRIMARY KEY,
      published_at INTEGER NOT NULL,
      note TEXT NOT NULL,
      files TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS knowledge_current (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
  `);
  const selectCurrent = db.prepare<[], { version: number }>('SELECT version FROM knowledge_current WHERE id = 1');
  const setCurrent = db.prepare<[number]>(
    'INSERT INTO knowledge_current (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version',
  );
  const selectOne = db.prepare<[number], VersionRow>('SELECT version, published_at, note, files FROM knowledge_versions WHERE version = ?');
  const selectAll = db.prepare<[], Omit<VersionRow, 'files'>>('SELECT version, published_at, note FROM knowledge_versions ORDER BY version');
  const insert = db.prepare<[number, number, string, string]>('INSERT INTO knowledge_versions (version, published_at, note, files) VALUES (?, ?, ?, ?)');
  const last = db.prepare<[], { version: number | null }>('SELECT MAX(version) AS version FROM knowledge_versions');
  // One transaction numbers, stores and switches, so two instances publishing at once get two versions.
  const publish = db.transaction((files: string, note: string, at: number) => {
    const version = (last.get()?.version ?? COMMITTED_VERSION) + 1;
    insert.run(version, at, note, files);
    setCurrent.run(version);
    return version;
  });
  return {
    current: async () => selectCurrent.get()?.version ?? COMMITTED_VERSION,
    async get(version) {
      const row = selectOne.get(version);
      return row && { version: row.version, publishedAt: new Date(row.published_at), note: row.note, files: filesSchema.parse(JSON.parse(row.files)) };
    },
    list: async () => selectAll.all().map((row) => ({ version: row.version, publishedAt: new Date(row.published_at), note: row.note })),
    publish: async (files, note, at = new Date()) => publish(JSON.stringify(files), note, at.getTime()),
    async switchTo(version) {
      if (version !== COMMITTED_VERSION && !selectOne.get(version)) throw new UnknownVersionError(version);
      setCurrent.run(version);
    },
  };
}
