import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ContainerClient } from '@azure/storage-blob';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { apology } from '../src/bot/replies';
import { PROJECT_ROOT } from '../src/shared/projectRoot';
import { startBot, type RunningBot, type StartOptions } from '../src/app/startBot';
import { keyedPseudonymiser } from '../src/shared/privacy';
import { createStorage } from '../src/storage/createStorage';
import { CURATION_BLOB_PREFIX } from '../src/storage/blobCurationLog';
import { STATE_DB_FILE } from '../src/storage/sqliteStorage';
import { startAzurite, statePseudonym, TEST_PSEUDONYM_KEY, type Azurite } from './helpers/azurite';
import { BlobProxy, holdPoint } from './helpers/blobProxy';
import { health, joinMembers, REPLIES, say } from './helpers/conversation';
import { memoryLogger } from './helpers/http';

const runFile = promisify(execFile);
const DAY_MS = 24 * 60 * 60 * 1000;
/** The issue's deadline for the apology when the store is unreachable: a behaviour, not a benchmark. */
const APOLOGY_DEADLINE_MS = 5000;
const APOLOGY = apology().text;
const UNANSWERABLE_WITH_CONTACTS = 'can you email me at jo@example.org or call 07700 900123 about the weather';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Runs one of the command-line tools as its own process, with only PATH and `env` in its environment. */
async function tool(script: 'report.ts' | 'statePurge.ts', env: Record<string, string>): Promise<string> {
  const { stdout } = await runFile(process.execPath, ['--import', 'tsx', resolve(PROJECT_ROOT, 'src/tools', script)], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  return stdout;
}

describe('persistent state through the real bot (issue #5)', function () {
  // Azurite restarts, a store that hangs for its timeout, and tools run as processes.
  this.timeout(60_000);
  let azurite: Azurite;
  const closers: (() => Promise<void>)[] = [];
  const dirs: string[] = [];
  let containers = 0;

  before(async () => {
    azurite = await startAzurite();
  });
  after(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await azurite?.close();
    dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  });

  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'faq-storage-bot-'));
    dirs.push(dir);
    return dir;
  };
  const newContainer = () => `bot-state-${process.pid}-${(containers += 1)}`;
  const blobEnv = (container: string, connectionString = azurite.connectionString) => ({
    STORAGE: 'blob',
    AZURE_STORAGE_CONNECTION_STRING: connectionString,
    AZURE_STORAGE_CONTAINER: container,
    PSEUDONYM_KEY: TEST_PSEUDONYM_KEY,
  });
  const start = async (env: Record<string, string>, options: StartOptions = {}): Promise<RunningBot> => {
    const bot = await startBot({ PORT: '0', LOG_LEVEL: 'error', ...env }, { logger: memoryLogger(), ...options });
    closers.push(() => bot.close());
    return bot;
  };
  const startProxy = async (): Promise<BlobProxy> => {
    const proxy = await new BlobProxy(azurite).start();
    closers.push(() => proxy.close());
    return proxy;
  };
  /** The conversation's state as stored, read the way the bot reads it. */
  const storedConversation = async (container: string, channelId: string, conversationId: string) => {
    const store = await createStorage({
      kind: 'blob',
      dataDir: 'unused',
      connectionString: azurite.connectionString,
      container,
      ttlDays: 30,
      pseudonymKey: TEST_PSEUDONYM_KEY,
    });
    // Stored under a keyed hash of the ids, never the ids themselves.
    const key = `conversations/${keyedPseudonymiser(TEST_PSEUDONYM_KEY)(`${channelId}\n${conversationId}`)}/`;
    try {
      return (await store.storage.read([key]))[key];
    } finally {
      await store.close();
    }
  };

  const curationBlobNames = async (container: string): Promise<string[]> => {
    const names: string[] = [];
    for await (const blob of new ContainerClient(azurite.connectionString, container).listBlobsFlat({ prefix: CURATION_BLOB_PREFIX })) names.push(blob.name);
    return names;
  };

  describe('two bot servers sharing one Azurite container (STORAGE=blob)', () => {
    it('a conversation whose turns alternate between them keeps its dialog and its follow-up context', async () => {
      const container = newContainer();
      const a = await start(blobEnv(container));
      const b = await start(blobEnv(container));
      const speaker = { channelId: 'directline' } as const;

      expect((await say(a.url, 'alternating', 'governance', speaker)).messages[0]).to.include(REPLIES.governanceOverview);
      // "2" means something only inside the topic menu A opened: the dialog state crossed to B.
      const picked = await say(b.url, 'alternating', '2', speaker);
      expect(picked.messages).to.have.length(1);
      expect(picked.messages[0]).to.include(REPLIES.icmRole);

      expect((await say(a.url, 'alternating', 'who is the secretary general?', speaker)).messages[0]).to.include(REPLIES.currentSecretaryGeneral);
      // "them" is the Secretary General only if B knows what A answered last.
      const followUp = await say(b.url, 'alternating', 'who appoints them?', speaker);
      expect(followUp.messages).to.have.length(1);
      expect(followUp.messages[0]).to.include(REPLIES.secretaryGeneralAppointment);
      // The issue's own example; "how often is it held?" is answered the same without context, so the
      // Secretary General pair above is what proves the follow-up memory crossed.
      expect((await say(a.url, 'alternating', 'what is the international council meeting?', speaker)).messages[0]).to.include(REPLIES.icmRole);
      expect((await say(b.url, 'alternating', 'how often is it held?', speaker)).messages[0]).to.include(REPLIES.icmFrequency);

      // Without that state the same words mean something else, so the assertions above are not luck.
      expect((await say(b.url, 'fresh-on-b', '2', speaker)).messages[0]).to.include(REPLIES.dontKnow);
      const alone = (await say(b.url, 'fresh-on-b', 'who appoints them?', speaker)).messages[0];
      expect(alone).to.include(REPLIES.didYouMean).and.not.include(REPLIES.secretaryGeneralAppointment);

      const stored = await storedConversation(container, 'directline', 'alternating');
      expect(stored?.followUp).to.deep.equal({ lastEntryId: 'icm-frequency' });
      // The state keeps entry ids and dialog positions, never what the user wrote.
      expect(JSON.stringify(stored)).to.not.include('secretary general?').and.not.include('who appoints');
    });

    for (const existing of [true, false]) {
      const title =
        `two overlapping turns on ${existing ? 'a' : 'a brand-new'} conversation, ` + 'one per server, both keep their change, and each reply is sent once';
      it(title, async () => {
        const container = newContainer();
        const conversation = `overlap-${existing ? 'existing' : 'new'}`;
        // A reaches Azurite through a proxy that holds A's first state write until B's whole turn is done.
        const proxy = await startProxy();
        const a = await start(blobEnv(container, proxy.connectionString));
        const b = await start(blobEnv(container));
        if (existing) expect((await joinMembers(a.url, conversation, ['bot-1', 'user-1'])).messages).to.have.length(1);

        const firstRequest = proxy.requests.length;
        const held = holdPoint();
        let holding = true;
        proxy.intercept = async (request) => {
          if (holding && request.method === 'PUT' && request.blob.includes(statePseudonym(conversation))) {
            holding = false;
            await held.pass();
          }
        };
        // On A: user-2 joins and is welcomed (welcomedMembers changes). On B meanwhile: a question (followUp changes).
        const joined = joinMembers(a.url, conversation, ['user-2']);
        await held.reached;
        const asked = await say(b.url, conversation, 'who is the secretary general?');
        held.release();
        const welcomed = await joined;

        expect(asked.messages).to.have.length(1);
        expect(asked.messages[0]).to.include(REPLIES.currentSecretaryGeneral);
        // A's first run lost the race and ran again; its welcome was sent once, from the run that was saved.
        expect(welcomed.status).to.equal(200);
        expect(welcomed.messages).to.have.length(1);
        expect(welcomed.messages[0]).to.include(REPLIES.welcome);
        const writes = proxy.requests.slice(firstRequest).filter((r) => r.method === 'PUT' && r.blob.includes(statePseudonym(conversation)));
        expect(writes.map((r) => r.status)).to.deep.equal([existing ? 412 : 409, 201]);

        // Both changes are there: B's follow-up context, and A's welcome (user-2 is not welcomed again).
        expect((await say(a.url, conversation, 'who appoints them?')).messages[0]).to.include(REPLIES.secretaryGeneralAppointment);
        expect((await joinMembers(b.url, conversation, ['user-2'])).messages).to.deep.equal([]);
        const stored = await storedConversation(container, 'emulator', conversation);
        expect(stored?.welcomedMembers).to.have.length(existing ? 2 : 1);
      });
    }
  });

  describe('when the store fails', () => {
    it('blob: while Azurite is stopped the user gets a short apology within 5 s, /healthz says store down, and it recovers by itself', async () => {
      const logger = memoryLogger();
      const bot = await start(blobEnv(newContainer()), { logger });
      expect((await say(bot.url, 'outage', 'who is the secretary general?')).messages[0]).to.include(REPLIES.currentSecretaryGeneral);
      expect(await health(bot.url)).to.deep.include({ status: 200 });

      await azurite.stop();
      try {
        const during = await say(bot.url, 'outage', 'who appoints them?');
        expect(during.status).to.equal(200);
        expect(during.messages).to.deep.equal([APOLOGY]);
        expect(during.ms).to.be.below(APOLOGY_DEADLINE_MS);
        const down = await health(bot.url);
        expect(down.status).to.equal(503);
        expect(down.body).to.include({ status: 'degraded', store: 'down', storage: 'blob' });
        // Still serving: another turn gets its apology too, and the health check keeps answering.
        expect((await say(bot.url, 'outage', 'who appoints them?')).messages).to.have.length(1);
        expect((await health(bot.url)).status).to.equal(503);
      } finally {
        await azurite.start();
      }

      // The turn that failed changed nothing, so the follow-up still refers to the Secretary General.
      expect((await say(bot.url, 'outage', 'who appoints them?')).messages[0]).to.include(REPLIES.secretaryGeneralAppointment);
      const up = await health(bot.url);
      expect(up.status).to.equal(200);
      expect(up.body).to.include({ status: 'ok', store: 'up', storage: 'blob' });
      expect(logger.lines.join('\n')).to.include('"turn_error"').and.not.include('appoints');
    });

    it('blob: a store that accepts connections but never answers gets the apology within 5 s, and is reported down', async () => {
      const proxy = await startProxy();
      const bot = await start(blobEnv(newContainer(), proxy.connectionString));
      expect((await say(bot.url, 'hung', 'who is the secretary general?')).messages[0]).to.include(REPLIES.currentSecretaryGeneral);

      proxy.intercept = () => new Promise<void>(() => undefined);
      const during = await say(bot.url, 'hung', 'who appoints them?');
      expect(during.messages).to.deep.equal([APOLOGY]);
      expect(during.ms).to.be.below(APOLOGY_DEADLINE_MS);
      const down = await health(bot.url);
      expect([down.status, down.body.store]).to.deep.equal([503, 'down']);

      proxy.intercept = undefined;
      expect((await say(bot.url, 'hung', 'who appoints them?')).messages[0]).to.include(REPLIES.secretaryGeneralAppointment);
      expect((await health(bot.url)).status).to.equal(200);
    });

    it('blob: a store that stops answering between reading and saving the state still gets the apology within 5 s', async () => {
      const proxy = await startProxy();
      const bot = await start(blobEnv(newContainer(), proxy.connectionString));
      expect((await say(bot.url, 'hung-write', 'who is the secretary general?')).messages[0]).to.include(REPLIES.currentSecretaryGeneral);

      proxy.intercept = (request) => (request.method === 'PUT' ? new Promise<void>(() => undefined) : undefined);
      const during = await say(bot.url, 'hung-write', 'who appoints them?');
      expect(during.messages).to.deep.equal([APOLOGY]);
      expect(during.ms).to.be.below(APOLOGY_DEADLINE_MS);

      proxy.intercept = undefined;
      expect((await say(bot.url, 'hung-write', 'who appoints them?')).messages[0]).to.include(REPLIES.secretaryGeneralAppointment);
    });

    it('sqlite: while another process holds the database write lock the user gets the apology within 5 s, and it recovers by itself', async () => {
      const dataDir = tempDir();
      const bot = await start({ STORAGE: 'sqlite', DATA_DIR: dataDir });
      expect((await say(bot.url, 'locked', 'who is the secretary general?')).messages[0]).to.include(REPLIES.currentSecretaryGeneral);

      // What a curator's write transaction in the sqlite3 shell, or a stuck maintenance job, would do.
      const locker = new Database(join(dataDir, STATE_DB_FILE));
      try {
        locker.exec('BEGIN IMMEDIATE');
        const during = await say(bot.url, 'locked', 'who appoints them?');
        expect(during.messages).to.deep.equal([APOLOGY]);
        expect(during.ms).to.be.below(APOLOGY_DEADLINE_MS);
        // Still serving. (Reads still work in WAL mode, so /healthz does not call the store down.)
        expect((await health(bot.url)).body).to.include({ storage: 'sqlite' });
      } finally {
        if (locker.inTransaction) locker.exec('ROLLBACK');
        locker.close();
      }

      expect((await say(bot.url, 'locked', 'who appoints them?')).messages[0]).to.include(REPLIES.secretaryGeneralAppointment);
    });
  });

  describe('retention (STATE_TTL_DAYS)', () => {
    it('sqlite: the bot deletes conversation state older than the TTL on its schedule, and the conversation starts afresh', async () => {
      const logger = memoryLogger();
      // A 2-second TTL checked every 200 ms stands in for 30 days checked hourly.
      const store = await createStorage({ kind: 'sqlite', dataDir: tempDir(), ttlDays: 2 / 86_400, purgeIntervalMs: 200 }, logger);
      const bot = await start({ STORAGE: 'sqlite' }, { store, logger });
      expect((await say(bot.url, 'expiring', 'who is the secretary general?')).messages[0]).to.include(REPLIES.currentSecretaryGeneral);

      const purged = () => logger.lines.map((line) => JSON.parse(line)).some((line) => line.event === 'state_purged' && line.deleted >= 1);
      for (let waited = 0; !purged(); waited += 100) {
        if (waited > 10_000) throw new Error('the scheduled purge did not delete the conversation state');
        await sleep(100);
      }
      const after = (await say(bot.url, 'expiring', 'who appoints them?')).messages[0];
      expect(after).to.include(REPLIES.didYouMean).and.not.include(REPLIES.secretaryGeneralAppointment);
    });

    it('sqlite: state younger than STATE_TTL_DAYS is kept and older state is deleted (an injected clock)', async () => {
      const store = await createStorage({ kind: 'sqlite', dataDir: tempDir(), ttlDays: 30 });
      const bot = await start({ STORAGE: 'sqlite' }, { store });
      expect((await say(bot.url, 'month', 'who is the secretary general?')).messages[0]).to.include(REPLIES.currentSecretaryGeneral);
      expect(await store.purgeExpired(new Date(Date.now() + 29 * DAY_MS))).to.equal(0);
      expect((await say(bot.url, 'month', 'who appoints them?')).messages[0]).to.include(REPLIES.secretaryGeneralAppointment);
      expect(await store.purgeExpired(new Date(Date.now() + 31 * DAY_MS))).to.equal(1);
      expect((await say(bot.url, 'month', 'who appoints them?')).messages[0]).to.include(REPLIES.didYouMean);
    });

    it('blob: `npm run state:purge` as a process deletes the state the bot wrote once older than STATE_TTL_DAYS, and keeps curation records', async () => {
      const container = newContainer();
      const bot = await start(blobEnv(container));
      expect((await say(bot.url, 'to-purge', 'who is the secretary general?')).messages[0]).to.include(REPLIES.currentSecretaryGeneral);
      expect((await say(bot.url, 'to-purge', UNANSWERABLE_WITH_CONTACTS)).messages[0]).to.include(REPLIES.dontKnow);
      // Asked last, so that without the purge the follow-up below would resolve to the Secretary General.
      expect((await say(bot.url, 'to-purge', 'who is the secretary general?')).messages[0]).to.include(REPLIES.currentSecretaryGeneral);

      // A TTL of 0.00001 days is 0.86 s: the last turn is older than that once the tool lists the blobs.
      // (That state younger than the TTL is kept is tested on the store itself, in tests/storage.test.ts.)
      await sleep(1000);
      expect(await tool('statePurge.ts', { ...blobEnv(container), STATE_TTL_DAYS: '0.00001' })).to.equal(
        'Deleted 1 conversation state item(s) not written for 0.00001 days (blob storage).\nDeleted 0 curation record(s) older than 90 days.\n',
      );
      expect(await storedConversation(container, 'emulator', 'to-purge')).to.equal(undefined);
      expect((await say(bot.url, 'to-purge', 'who appoints them?')).messages[0]).to.include(REPLIES.didYouMean);
      expect(await curationBlobNames(container)).to.have.length(1);
    });
  });

  describe('curation records from a real conversation', () => {
    const expectRedactedReport = (report: string) => {
      expect(report).to.include('Most frequent unanswered questions');
      // The report reads it as the bot serving now does: nothing in the knowledge base is near it.
      expect(report).to.match(/\n1\s+\d{4}-\d\d-\d\d\s+can you email me at \[email\] or call \[phone\] about the weather\s+\(none near\)\n/);
      expect(report).to.not.include('jo@example.org').and.not.include('07700');
    };
    const expectNoIdsOrContacts = (stored: string) => {
      for (const secret of ['jo@example.org', '07700', 'supporter-7c1f', 'curation-conv-41d2']) expect(stored).to.not.include(secret);
    };
    const speaker = { userId: 'supporter-7c1f' };

    it('blob: `npm run report` as a process lists the question redacted, and the stored record holds no user or conversation id', async () => {
      const container = newContainer();
      const bot = await start(blobEnv(container));
      const reply = await say(bot.url, 'curation-conv-41d2', UNANSWERABLE_WITH_CONTACTS, speaker);
      expect(reply.messages).to.have.length(1);
      expect(reply.messages[0]).to.include(REPLIES.dontKnow);

      expectRedactedReport(await tool('report.ts', blobEnv(container)));

      const names = await curationBlobNames(container);
      expect(names).to.have.length(1);
      const body = (await new ContainerClient(azurite.connectionString, container).getBlobClient(names[0]!).downloadToBuffer()).toString('utf8');
      const record = JSON.parse(body) as Record<string, unknown>;
      expect(Object.keys(record).sort()).to.deep.equal(['at', 'kind', 'question']);
      expect(record).to.include({ kind: 'unanswered', question: 'can you email me at [email] or call [phone] about the weather' });
      expectNoIdsOrContacts(names[0]! + body);
    });

    it('sqlite: `npm run report` as a process lists the question redacted, and the stored row holds no user or conversation id', async () => {
      const dataDir = tempDir();
      const bot = await start({ STORAGE: 'sqlite', DATA_DIR: dataDir });
      expect((await say(bot.url, 'curation-conv-41d2', UNANSWERABLE_WITH_CONTACTS, speaker)).messages[0]).to.include(REPLIES.dontKnow);

      // The report reads the database while the bot has it open, as a curator would.
      expectRedactedReport(await tool('report.ts', { STORAGE: 'sqlite', DATA_DIR: dataDir }));

      const db = new Database(join(dataDir, STATE_DB_FILE), { readonly: true });
      try {
        const rows = db.prepare('SELECT * FROM curation').all() as Record<string, unknown>[];
        expect(rows).to.have.length(1);
        expect(rows[0]).to.include({ kind: 'unanswered', question: 'can you email me at [email] or call [phone] about the weather' });
        expect(Object.keys(rows[0]!).sort()).to.deep.equal(['answer', 'at', 'counts', 'entry_id', 'helpful', 'id', 'kind', 'question', 'topic']);
        expectNoIdsOrContacts(JSON.stringify(rows));
      } finally {
        db.close();
      }
    });
  });
});
