import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerClient } from '@azure/storage-blob';
import { MemoryStorage, type Storage } from 'botbuilder';
import { BlobsStorage } from 'botbuilder-azure-blobs';
import { expect } from 'chai';
import { blobCurationLog } from '../src/storage/blobCurationLog';
import { BlobStateStorage } from '../src/storage/blobStorage';
import { createStorage } from '../src/storage/createStorage';
import { ETAG_NEW_ITEM, EtagConflictError, isEtagConflict } from '../src/storage/etagConflict';
import { SqliteStorage } from '../src/storage/sqliteStorage';
import { StoreTimeoutError } from '../src/storage/withTimeout';
import { startAzurite, TEST_PSEUDONYM_KEY, type Azurite } from './helpers/azurite';
import { memoryLogger } from './helpers/http';
import { rejection } from './helpers/rejection';

const DAY_MS = 24 * 60 * 60 * 1000;
const KEY = 'emulator/conversations/conversation-1/';

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'faq-storage-'));
  tempDirs.push(dir);
  return dir;
}

let containers = 0;
const nextContainer = () => `state-${process.pid}-${(containers += 1)}`;

/** The Storage semantics every backend of ours shares; MemoryStorage is the reference they follow. */
function storageContract(name: string, open: () => Promise<Storage & { close?(): Promise<void> }>): void {
  describe(`${name}: Storage semantics`, () => {
    let storage: Storage & { close?(): Promise<void> };
    beforeEach(async () => {
      storage = await open();
    });
    afterEach(async () => storage.close?.());

    it('reads back what it wrote, with an eTag, and nothing for unknown keys', async () => {
      await storage.write({ [KEY]: { dialogState: { stack: [] }, text: 'café 👍 ünïcödé' } });
      const items = await storage.read([KEY, 'emulator/conversations/unknown/']);
      expect(Object.keys(items)).to.deep.equal([KEY]);
      expect(items[KEY]).to.include({ text: 'café 👍 ünïcödé' });
      expect(items[KEY]!.dialogState).to.deep.equal({ stack: [] });
      expect(items[KEY]!.eTag).to.be.a('string').and.not.equal('*');
    });

    it('writes against the current eTag, gives a new one, and rejects the stale one', async () => {
      await storage.write({ [KEY]: { n: 1 } });
      const first = (await storage.read([KEY]))[KEY]!;
      await storage.write({ [KEY]: { n: 2, eTag: first.eTag } });
      const second = (await storage.read([KEY]))[KEY]!;
      expect(second.n).to.equal(2);
      expect(second.eTag).to.not.equal(first.eTag);

      const err = await rejection(storage.write({ [KEY]: { n: 3, eTag: first.eTag } }));
      expect(isEtagConflict(err)).to.equal(true);
      expect((await storage.read([KEY]))[KEY]!.n).to.equal(2);
    });

    it('overwrites whatever is there when the eTag is * or missing', async () => {
      await storage.write({ [KEY]: { n: 1 } });
      await storage.write({ [KEY]: { n: 2, eTag: '*' } });
      expect((await storage.read([KEY]))[KEY]!.n).to.equal(2);
      await storage.write({ [KEY]: { n: 3 } });
      expect((await storage.read([KEY]))[KEY]!.n).to.equal(3);
    });

    it('creates an item with ETAG_NEW_ITEM only if it does not exist yet', async () => {
      await storage.write({ [KEY]: { n: 1, eTag: ETAG_NEW_ITEM } });
      expect((await storage.read([KEY]))[KEY]!.n).to.equal(1);
      const err = await rejection(storage.write({ [KEY]: { n: 2, eTag: ETAG_NEW_ITEM } }));
      expect(isEtagConflict(err)).to.equal(true);
      expect((await storage.read([KEY]))[KEY]!.n).to.equal(1);
    });

    it('deletes items, and deleting an unknown key is not an error', async () => {
      await storage.write({ [KEY]: { n: 1 }, 'emulator/users/user-1/': { n: 2 } });
      await storage.delete([KEY, 'emulator/conversations/unknown/']);
      expect(Object.keys(await storage.read([KEY, 'emulator/users/user-1/']))).to.deep.equal(['emulator/users/user-1/']);
    });
  });
}

describe('State storage', () => {
  after(() => tempDirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  storageContract('MemoryStorage (reference)', async () => new MemoryStorage());
  storageContract('SqliteStorage', async () => new SqliteStorage({ dataDir: tempDir() }));

  describe('SqliteStorage', () => {
    it('creates its folder, uses WAL, and keeps state across close and reopen (a restart)', async () => {
      const dataDir = join(tempDir(), 'nested', 'data');
      const first = new SqliteStorage({ dataDir });
      expect(first.database.pragma('journal_mode', { simple: true })).to.equal('wal');
      await first.write({ [KEY]: { turns: 3 } });
      const { eTag } = (await first.read([KEY]))[KEY]!;
      await first.close();

      const second = new SqliteStorage({ dataDir });
      const item = (await second.read([KEY]))[KEY]!;
      expect(item).to.deep.equal({ turns: 3, eTag });
      await second.write({ [KEY]: { turns: 4, eTag } });
      await second.close();
    });

    it('writes several keys in one transaction: a conflict on one leaves all unchanged', async () => {
      const storage = new SqliteStorage({ dataDir: tempDir() });
      await storage.write({ a: { n: 1 }, b: { n: 1 } });
      const { a } = await storage.read(['a']);
      await storage.write({ b: { n: 2 } });
      const stale = (await storage.read(['b'])).b!.eTag;
      await storage.write({ b: { n: 3 } });
      const err = await rejection(storage.write({ a: { n: 9, eTag: a!.eTag }, b: { n: 9, eTag: stale } }));
      expect(err).to.be.instanceOf(EtagConflictError);
      const items = await storage.read(['a', 'b']);
      expect([items.a!.n, items.b!.n]).to.deep.equal([1, 3]);
      await storage.close();
    });

    it('rejects an eTag for an item that no longer exists, as Azure does', async () => {
      const storage = new SqliteStorage({ dataDir: tempDir() });
      await storage.write({ [KEY]: { n: 1 } });
      const { eTag } = (await storage.read([KEY]))[KEY]!;
      await storage.delete([KEY]);
      expect(isEtagConflict(await rejection(storage.write({ [KEY]: { n: 2, eTag } })))).to.equal(true);
      await storage.close();
    });

    it('rejects malformed input with a clear error instead of storing it', async () => {
      const storage = new SqliteStorage({ dataDir: tempDir() });
      expect(await rejection(storage.read([''] as string[]))).to.be.instanceOf(Error);
      expect(await rejection(storage.write({ [KEY]: 'not an object' } as never))).to.be.instanceOf(Error);
      expect(await storage.read([KEY])).to.deep.equal({});
      await storage.close();
    });

    it('purges items last written before the cutoff and reports how many', async () => {
      let now = new Date('2026-01-01T00:00:00Z');
      const storage = new SqliteStorage({ dataDir: tempDir(), now: () => now });
      await storage.write({ old: { n: 1 }, older: { n: 1 } });
      now = new Date('2026-02-15T00:00:00Z');
      await storage.write({ recent: { n: 1 }, older: { n: 2 } });
      expect(await storage.purgeOlderThan(new Date('2026-02-01T00:00:00Z'))).to.equal(1);
      expect(Object.keys(await storage.read(['old', 'older', 'recent'])).sort()).to.deep.equal(['older', 'recent']);
      await storage.close();
    });

    it('pings true while open and false once closed; close is safe twice', async () => {
      const storage = new SqliteStorage({ dataDir: tempDir() });
      expect(await storage.ping()).to.equal(true);
      await storage.close();
      await storage.close();
      expect(await storage.ping()).to.equal(false);
      expect(await rejection(storage.read([KEY]))).to.be.instanceOf(Error);
    });
  });

  describe('createStorage', () => {
    it('sqlite: purges expired state at open and on demand, keeps curation records in the same file', async () => {
      const dataDir = tempDir();
      const seeded = new SqliteStorage({ dataDir, now: () => new Date(Date.now() - 40 * DAY_MS) });
      await seeded.write({ stale: { n: 1 } });
      await seeded.close();

      const logger = memoryLogger();
      const store = await createStorage({ kind: 'sqlite', dataDir, ttlDays: 30 }, logger);
      const purged = logger.lines.map((line) => JSON.parse(line)).find((line) => line.event === 'state_purged');
      expect(purged).to.include({ deleted: 1, ttlDays: 30 });
      expect(await store.storage.read(['stale'])).to.deep.equal({});

      await store.storage.write({ fresh: { n: 1 } });
      expect(await store.purgeExpired(new Date(Date.now() + 29 * DAY_MS))).to.equal(0);
      expect(await store.purgeExpired(new Date(Date.now() + 31 * DAY_MS))).to.equal(1);

      await store.curation.record({ kind: 'feedback', entryId: 'icm-frequency', helpful: true });
      expect(await store.ping()).to.equal(true);
      await store.close();
      await store.close();
      expect(await store.ping()).to.equal(false);

      const reopened = await createStorage({ kind: 'sqlite', dataDir, ttlDays: 30 });
      expect((await reopened.curation.list()).map((r) => r.kind)).to.deep.equal(['feedback']);
      await reopened.close();
    });

    it('memory: a working store for tests', async () => {
      const store = await createStorage({ kind: 'memory', dataDir: 'unused', ttlDays: 30 });
      await store.storage.write({ [KEY]: { n: 1 } });
      expect((await store.storage.read([KEY]))[KEY]!.n).to.equal(1);
      expect(await store.ping()).to.equal(true);
      await store.close();
    });

    it('rejects incomplete or invalid options with the field named', async () => {
      const problems = async (options: Parameters<typeof createStorage>[0]) => String(await rejection(createStorage(options)));
      expect(await problems({ kind: 'blob', dataDir: 'x', ttlDays: 30 }))
        .to.include('connectionString')
        .and.include('container')
        .and.include('pseudonymKey');
      expect(await problems({ kind: 'blob', dataDir: 'x', ttlDays: 30, connectionString: 'x', container: 'Bad_Name' })).to.include('container');
      expect(await problems({ kind: 'sqlite', dataDir: 'x', ttlDays: 0 })).to.include('ttlDays');
    });
  });

  describe('Azure Blob storage on Azurite', function () {
    // Starting Azurite takes a few seconds, and two tests restart it.
    this.timeout(60_000);
    let azurite: Azurite;
    const opened: BlobStateStorage[] = [];
    /** A blob store as the bot opens one, in a container of its own. */
    const openBlobStore = () =>
      createStorage({
        kind: 'blob',
        dataDir: 'unused',
        connectionString: azurite.connectionString,
        container: nextContainer(),
        ttlDays: 30,
        pseudonymKey: TEST_PSEUDONYM_KEY,
      });
    const open = async (options: { container?: string; timeoutMs?: number } = {}) => {
      const storage = new BlobStateStorage({
        connectionString: azurite.connectionString,
        container: options.container ?? nextContainer(),
        timeoutMs: options.timeoutMs,
      });
      opened.push(storage);
      return storage.open();
    };

    before(async () => {
      azurite = await startAzurite();
    });
    after(async () => {
      await Promise.all(opened.map((storage) => storage.close()));
      await azurite?.close();
    });

    storageContract('BlobStateStorage', () => open());

    it('creates its container at open if absent, and opens an existing one', async () => {
      const container = nextContainer();
      const client = new ContainerClient(azurite.connectionString, container);
      expect(await client.exists()).to.equal(false);
      const storage = await open({ container });
      expect(await client.exists()).to.equal(true);
      await storage.write({ [KEY]: { n: 1 } });
      const again = await open({ container });
      expect((await again.read([KEY]))[KEY]!.n).to.equal(1);
    });

    it('rejects a stale eTag with an EtagConflictError that does not name the key (keys hold ids)', async () => {
      const storage = await open();
      await storage.write({ [KEY]: { n: 1 } });
      const { eTag } = (await storage.read([KEY]))[KEY]!;
      await storage.write({ [KEY]: { n: 2 } });
      const err = await rejection(storage.write({ [KEY]: { n: 3, eTag } }));
      expect(err).to.be.instanceOf(EtagConflictError);
      expect((err as Error).message).to.not.include('conversation-1');
    });

    it('writes blobs BlobsStorage reads back, created ones included', async () => {
      const container = nextContainer();
      const storage = await open({ container });
      await storage.write({ [KEY]: { n: 1, eTag: ETAG_NEW_ITEM }, 'emulator/users/user-1/': { n: 2 } });
      const plain = new BlobsStorage(azurite.connectionString, container);
      const items = await plain.read([KEY, 'emulator/users/user-1/']);
      expect([items[KEY]!.n, items['emulator/users/user-1/']!.n]).to.deep.equal([1, 2]);
    });

    it('purges state blobs last written before the cutoff, and leaves curation records alone', async () => {
      const store = await openBlobStore();
      await store.storage.write({ [KEY]: { n: 1 }, 'emulator/users/user-1/': { n: 1 } });
      await store.curation.record({ kind: 'unanswered', question: 'What is the weather?' });
      expect(await store.purgeExpired(new Date(Date.now() + 29 * DAY_MS))).to.equal(0);
      expect(await store.purgeExpired(new Date(Date.now() + 31 * DAY_MS))).to.equal(2);
      expect(await store.storage.read([KEY, 'emulator/users/user-1/'])).to.deep.equal({});
      expect(await store.curation.list()).to.have.length(1);
      await store.close();
    });

    it('keeps curation records as blobs: redacted, listed oldest first, filtered by date', async () => {
      const store = await openBlobStore();
      await store.curation.record({ kind: 'unanswered', question: 'Email me at a.b@example.org', topic: 'membership', at: new Date('2026-03-02T00:00:00Z') });
      await store.curation.record({ kind: 'feedback', entryId: 'icm-frequency', helpful: true, at: new Date('2026-03-01T00:00:00Z') });
      expect(await store.curation.list()).to.deep.equal([
        { kind: 'feedback', entryId: 'icm-frequency', helpful: true, at: new Date('2026-03-01T00:00:00Z') },
        { kind: 'unanswered', question: 'Email me at [email]', topic: 'membership', at: new Date('2026-03-02T00:00:00Z') },
      ]);
      expect((await store.curation.list(new Date('2026-03-02T00:00:00Z'))).map((r) => r.kind)).to.deep.equal(['unanswered']);
      await store.close();
    });

    it('downloads each curation record once per instance: a second listing fetches only the new ones, and forgets purged ones', async () => {
      const container = new ContainerClient(azurite.connectionString, nextContainer());
      await container.createIfNotExists();
      const downloads: string[] = [];
      // Counts the records downloaded: each download is a blob client's downloadToBuffer.
      const counted = new Proxy(container, {
        get(target, property, receiver) {
          if (property === 'getBlobClient') {
            return (name: string) => {
              const client = target.getBlobClient(name);
              const download = client.downloadToBuffer.bind(client);
              return Object.assign(client, {
                downloadToBuffer: (...args: Parameters<typeof download>) => {
                  downloads.push(name);
                  return download(...args);
                },
              });
            };
          }
          return Reflect.get(target, property, receiver) as unknown;
        },
      });
      const log = blobCurationLog(counted, 5000);
      for (const day of ['01', '02', '03'])
        await log.record({ kind: 'unanswered', question: `question of day ${day}`, at: new Date(`2026-03-${day}T00:00:00Z`) });
      expect(await log.list()).to.have.length(3);
      expect(downloads).to.have.length(3);
      await log.record({ kind: 'unanswered', question: 'a new question', at: new Date('2026-03-04T00:00:00Z') });
      expect((await log.list()).map((r) => (r.kind === 'unanswered' ? r.question : ''))).to.deep.equal([
        'question of day 01',
        'question of day 02',
        'question of day 03',
        'a new question',
      ]);
      expect(downloads).to.have.length(4);
      expect(await log.purgeOlderThan(new Date('2026-03-02T12:00:00Z'))).to.equal(2);
      expect(await log.list()).to.have.length(2);
      expect(downloads).to.have.length(4);
    });

    it('fails fast while the store is down, says so in ping, and recovers by itself when it returns', async () => {
      const storage = await open({ timeoutMs: 2000 });
      await storage.write({ [KEY]: { n: 1 } });
      const opensLater = new BlobStateStorage({ connectionString: azurite.connectionString, container: nextContainer(), timeoutMs: 2000 });

      await azurite.stop();
      expect(await storage.ping()).to.equal(false);
      expect(await rejection(storage.read([KEY]))).to.be.instanceOf(Error);
      expect(await rejection(storage.write({ [KEY]: { n: 2 } }))).to.be.instanceOf(Error);
      // First use while down: BlobsStorage would cache that failure for good; ours must not.
      expect(await rejection(opensLater.open())).to.be.instanceOf(Error);
      expect(await opensLater.ping()).to.equal(false);

      await azurite.start();
      expect(await storage.ping()).to.equal(true);
      expect((await storage.read([KEY]))[KEY]!.n).to.equal(1);
      await storage.write({ [KEY]: { n: 3 } });
      expect((await storage.read([KEY]))[KEY]!.n).to.equal(3);
      expect(await opensLater.ping()).to.equal(true);
      await opensLater.write({ [KEY]: { n: 1 } });
      await opensLater.close();
    });

    it('the reason for the wrapper: a BlobsStorage first used while the store is down stays broken after it returns', async () => {
      const plain = new BlobsStorage(azurite.connectionString, nextContainer(), { storagePipelineOptions: { retryOptions: { maxTries: 1 } } });
      await azurite.stop();
      expect(await rejection(plain.read([KEY]))).to.be.instanceOf(Error);
      await azurite.start();
      expect(await rejection(plain.read([KEY]))).to.be.instanceOf(Error);
    });

    it('bounds every call by its timeout when the store accepts connections but never answers', async () => {
      const sockets: Socket[] = [];
      const silent: Server = createServer((socket) => void sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as { port: number }).port;
      const connectionString = azurite.connectionString.replace(/BlobEndpoint=http:\/\/127\.0\.0\.1:\d+/, `BlobEndpoint=http://127.0.0.1:${port}`);
      const storage = new BlobStateStorage({ connectionString, container: 'hung', timeoutMs: 300 });
      try {
        expect(await rejection(storage.open())).to.be.instanceOf(StoreTimeoutError);
        expect(await rejection(storage.read([KEY]))).to.be.instanceOf(StoreTimeoutError);
        expect(await storage.ping()).to.equal(false);
      } finally {
        await storage.close();
        sockets.forEach((socket) => socket.destroy());
        await new Promise<void>((resolve) => silent.close(() => resolve()));
      }
    });

    it('refuses calls after close', async () => {
      const storage = await open();
      await storage.close();
      expect(String(await rejection(storage.read([KEY])))).to.include('closed');
      expect(await storage.ping()).to.equal(false);
    });
  });
});
