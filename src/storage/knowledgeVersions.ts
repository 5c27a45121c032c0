import type Database from 'better-sqlite3';
import { z } from 'zod';
import { addMissingColumns } from './sqliteColumns';

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
  /** The draft, or undefined when there is none (never saved, or discarded since). */
  draft(): Promise<KnowledgeDraft | undefined>;
  /**
   * Saves the draft if `revision` is the stored draft's (undefined: the caller saw no draft, so there must be
   * none, or only a discarded one); returns the new revision, or undefined when someone saved or discarded first.
   */
  saveDraft(files: Readonly<Record<string, string>>, basedOn: number, revision: number | undefined, at?: Date): Promise<number | undefined>;
  /**
   * Drops the draft if its revision is `revision`; returns whether it did. The store keeps a tombstone at the
   * next revision, so the next draft goes on numbering from it: revisions never repeat within a store, and a
   * page still showing the discarded draft cannot save onto an unrelated successor that reused its number.
   */
  discardDraft(revision: number): Promise<boolean>;
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

/** The draft curators are building: one per store, shared by every instance. */
export interface KnowledgeDraft {
  /** The version it started from. */
  basedOn: number;
  savedAt: Date;
  /**
   * Increases by one with each save and each discard, and never repeats within a store; a save naming any other
   * revision is refused, so two curators cannot overwrite each other unseen, nor save onto a draft they never saw.
   */
  revision: number;
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
  let draft: KnowledgeDraft | undefined;
  /** The last revision given, to a save or a discard (the tombstone): the next draft goes on from it. */
  let lastRevision = 0;
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
    // A copy, as the other stores give: a curator editing what it read must not change the draft unsaved.
    draft: async () => draft && { ...draft, files: { ...draft.files } },
    // A live draft's revision is always the last one given, so the next is one more either way.
    async saveDraft(files, basedOn, revision, at = new Date()) {
      if (draft?.revision !== revision) return undefined;
      draft = { basedOn, savedAt: at, revision: ++lastRevision, files: { ...files } };
      return draft.revision;
    },
    async discardDraft(revision) {
      if (draft?.revision !== revision) return false;
      draft = undefined;
      lastRevision += 1;
      return true;
    },
  };
}

interface VersionRow {
  version: number;
  published_at: number;
  note: string;
  files: string;
}

interface DraftRow {
  based_on: number;
  saved_at: number;
  revision: number;
  files: string;
}

/**
 * Three tables in the state database: the versions, which one is current, and the draft. The draft is one row,
 * kept after a discard as a tombstone (discarded = 1, files '{}') so that its revision goes on counting.
 */
export function sqliteKnowledgeVersions(db: Database.Database): KnowledgeVersionStore {
  db.exec(`
    CREATE TABLE IF NOT EXISTS knowledge_versions (
      version INTEGER PRIMARY KEY,
      published_at INTEGER NOT NULL,
      note TEXT NOT NULL,
      files TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS knowledge_current (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS knowledge_draft (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      based_on INTEGER NOT NULL,
      saved_at INTEGER NOT NULL,
      revision INTEGER NOT NULL,
      files TEXT NOT NULL,
      discarded INTEGER NOT NULL DEFAULT 0
    );
  `);
  // Databases made before discards left a tombstone have no discarded column (their draft, if any, is live).
  addMissingColumns(db, 'knowledge_draft', { discarded: 'INTEGER NOT NULL DEFAULT 0' });
  const selectCurrent = db.prepare<[], { version: number }>('SELECT version FROM knowledge_current WHERE id = 1');
  const setCurrent = db.prepare<[number]>(
    'INSERT INTO knowledge_current (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version',
  );
  const selectOne = db.prepare<[number], VersionRow>('SELECT version, published_at, note, files FROM knowledge_versions WHERE version = ?');
  const selectAll = db.prepare<[], Omit<VersionRow, 'files'>>('SELECT version, published_at, note FROM knowledge_versions ORDER BY version');
  const insert = db.prepare<[number, number, string, string]>('INSERT INTO knowledge_versions (version, published_at, note, files) VALUES (?, ?, ?, ?)');
  const last = db.prepare<[], { version: number | null }>('SELECT MAX(version) AS version FROM knowledge_versions');
  const selectDraft = db.prepare<[], DraftRow>('SELECT based_on, saved_at, revision, files FROM knowledge_draft WHERE id = 1 AND discarded = 0');
  // Each write checks the revision (and that the row is live, or a tombstone) in the statement itself, so of two
  // instances saving at once only one changes the row; RETURNING gives the revision it wrote, none when it wrote none.
  const createDraft = db.prepare<[number, number, string], { revision: number }>(
    'INSERT INTO knowledge_draft (id, based_on, saved_at, revision, files, discarded) VALUES (1, ?, ?, 1, ?, 0) ' +
      'ON CONFLICT (id) DO UPDATE SET based_on = excluded.based_on, saved_at = excluded.saved_at, files = excluded.files, ' +
      'revision = revision + 1, discarded = 0 WHERE discarded = 1 RETURNING revision',
  );
  const updateDraft = db.prepare<[number, number, string, number], { revision: number }>(
    'UPDATE knowledge_draft SET based_on = ?, saved_at = ?, files = ?, revision = revision + 1 WHERE id = 1 AND revision = ? AND discarded = 0 ' +
      'RETURNING revision',
  );
  const discardDraft = db.prepare<[number]>(
    "UPDATE knowledge_draft SET files = '{}', discarded = 1, revision = revision + 1 WHERE id = 1 AND revision = ? AND discarded = 0",
  );
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
    async draft() {
      const row = selectDraft.get();
      return row && { basedOn: row.based_on, savedAt: new Date(row.saved_at), revision: row.revision, files: filesSchema.parse(JSON.parse(row.files)) };
    },
    async saveDraft(files, basedOn, revision, at = new Date()) {
      const saved =
        revision === undefined
          ? createDraft.get(basedOn, at.getTime(), JSON.stringify(files))
          : updateDraft.get(basedOn, at.getTime(), JSON.stringify(files), revision);
      return saved?.revision;
    },
    discardDraft: async (revision) => discardDraft.run(revision).changes === 1,
  };
}
