import { randomBytes } from 'node:crypto';
import { MemoryStorage, type Storage } from 'botbuilder';
import { errorFields, type Logger } from '../shared/logger';
import { keyedPseudonymiser, type Pseudonymiser } from '../shared/privacy';
import { memoryCurationLog, sqliteCurationLog, type CurationLog } from './curationLog';
import { memoryKnowledgeVersions, sqliteKnowledgeVersions, type KnowledgeVersionStore } from './knowledgeVersions';
import { sqlitePseudonymKey } from './pseudonymKey';
import { SqliteStorage } from './sqliteStorage';
import { storageOptionsSchema, type StorageKind, type StorageOptions } from './storageOptions';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Conversation state and curation records in one backend, with what the server needs to run it. */
export interface StateStore {
  kind: StorageKind;
  storage: Storage;
  curation: CurationLog;
  /** The knowledge versions curators published, and which one every instance serves. */
  knowledge: KnowledgeVersionStore;
  /** Stands in for channel ids in storage keys and stored state, the same on every instance sharing the store. */
  pseudonymise: Pseudonymiser;
  /** Whether the store can be written now; bounded by the timeout, never throws. For GET /healthz. */
  ping(): Promise<boolean>;
  /** Deletes state last written more than ttlDays before `now`; returns how many items. */
  purgeExpired(now?: Date): Promise<number>;
  /** Deletes curation records made more than curationTtlDays before `now`; returns how many. */
  purgeExpiredCuration(now?: Date): Promise<number>;
  /** Stops the retention schedule and releases the store. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Opens the configured store. SQLite also deletes expired state and curation records at open and then
 * every purgeIntervalMs (on a timer that does not keep the process alive), unless schedulePurge is false.
 * Blob storage is shared by every instance, so its retention runs once, as `npm run state:purge` on a
 * schedule, rather than in each instance. Memory is for tests: it forgets on restart.
 */
export async function createStorage(input: StorageOptions, logger?: Logger): Promise<StateStore> {
  const options = storageOptionsSchema.parse(input);
  const cutoff = (now: Date) => new Date(now.getTime() - options.ttlDays * DAY_MS);
  const curationCutoff = (now: Date) => new Date(now.getTime() - options.curationTtlDays * DAY_MS);

  switch (options.kind) {
    case 'memory': {
      const curation = memoryCurationLog();
      return {
        kind: 'memory',
        storage: new MemoryStorage(),
        curation,
        knowledge: memoryKnowledgeVersions(),
        // Memory forgets on restart, so a key that does too loses nothing.
        pseudonymise: keyedPseudonymiser(options.pseudonymKey ?? randomBytes(32)),
        ping: async () => true,
        purgeExpired: async () => 0,
        purgeExpiredCuration: (now = new Date()) => curation.purgeOlderThan(curationCutoff(now)),
        close: async () => undefined,
      };
    }

    case 'blob': {
      // Loaded here, not at the top: the Azure SDK costs every SQLite start (and each tool) a fifth of a second.
      const [{ BlobStateStorage }, { blobCurationLog }, { blobKnowledgeVersions }] = await Promise.all([
        import('./blobStorage'),
        import('./blobCurationLog'),
        import('./blobKnowledgeVersions'),
      ]);
      const { connectionString, container, pseudonymKey } = options;
      // storageOptionsSchema requires all three for blob; its refinement does not narrow the type.
      if (!connectionString || !container || !pseudonymKey) throw new Error('blob storage needs a connection string, a container and a pseudonym key');
      const storage = await new BlobStateStorage({ connectionString, container, timeoutMs: options.timeoutMs }).open();
      const curation = blobCurationLog(storage.container, options.timeoutMs);
      return {
        kind: 'blob',
        storage,
        curation,
        knowledge: blobKnowledgeVersions(storage.container, options.timeoutMs),
        pseudonymise: keyedPseudonymiser(pseudonymKey),
        ping: () => storage.ping(),
        purgeExpired: (now = new Date()) => storage.purgeOlderThan(cutoff(now)),
        purgeExpiredCuration: (now = new Date()) => curation.purgeOlderThan(curationCutoff(now)),
        close: () => storage.close(),
      };
    }

    case 'sqlite': {
      const storage = openSqlite(options.dataDir, options.timeoutMs);
      // A folder that cannot be written may still open (and read) fine, then fail every turn: refuse to start instead.
      if (!(await storage.ping())) {
        await storage.close();
        throw new Error(`DATA_DIR ${options.dataDir} cannot be written (read-only, or the disk is full)`);
      }
      const pseudonymKey = options.pseudonymKey ?? sqlitePseudonymKey(options.dataDir);
      const curation = sqliteCurationLog(storage.database);
      const purgeExpired = (now = new Date()) => storage.purgeOlderThan(cutoff(now));
      const purgeExpiredCuration = (now = new Date()) => curation.purgeOlderThan(curationCutoff(now));
      const scheduledPurge = async () => {
        try {
          logger?.info('state_purged', { deleted: await purgeExpired(), ttlDays: options.ttlDays });
          logger?.info('curation_purged', { deleted: await purgeExpiredCuration(), ttlDays: options.curationTtlDays });
        } catch (err) {
          logger?.error('state_purge_failed', errorFields(err));
        }
      };
      let timer: NodeJS.Timeout | undefined;
      if (options.schedulePurge) {
        await scheduledPurge();
        timer = setInterval(() => void scheduledPurge(), options.purgeIntervalMs);
        timer.unref();
      }
      return {
        kind: 'sqlite',
        storage,
        curation,
        knowledge: sqliteKnowledgeVersions(storage.database),
        pseudonymise: keyedPseudonymiser(pseudonymKey),
        ping: () => storage.ping(),
        purgeExpired,
        purgeExpiredCuration,
        close: async () => {
          clearInterval(timer);
          await storage.close();
        },
      };
    }
  }
}

/** The database under `dataDir`, or an error that names the folder: SQLite's own says only "unable to open database file". */
function openSqlite(dataDir: string, busyTimeoutMs: number): SqliteStorage {
  try {
    return new SqliteStorage({ dataDir, busyTimeoutMs });
  } catch (err) {
    throw new Error(`DATA_DIR ${dataDir} cannot be written (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
}
