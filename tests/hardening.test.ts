import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { PROJECT_ROOT } from '../src/shared/projectRoot';
import { startBot, type RunningBot } from '../src/app/startBot';
import { createStorage, type StateStore } from '../src/storage/createStorage';
import { STATE_DB_FILE } from '../src/storage/sqliteStorage';
import { startBotProcess, type BotProcess } from './helpers/botProcess';
import { health, joinMembers, REPLIES, say } from './helpers/conversation';
import { ConnectorStub, emulatorActivity, memoryLogger, postJson } from './helpers/http';

/**
 * The seven ways one request could kill, stall or abuse the bot (issue #6), each tried as a hostile client
 * would, against the real HTTP endpoint. The hostile-input suite (hostileInput.test.ts) sends thousands of
 * generated requests; these are the named repros, each with what must happen instead.
 */

/** A raw POST, for bodies and headers fetch would not send as given. */
function rawPost(url: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((done, fail) => {
    const req = request(url, { method: 'POST', headers: { 'content-length': String(body.length), ...headers } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'faq-hardening-'));
  tempDirs.push(dir);
  return dir;
}
after(() => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('hardening: no request can kill, stall or abuse the bot (issue #6)', function () {
  this.timeout(60_000);

  describe('1. the HTTP edge, as a process', () => {
    let bot: BotProcess;
    before(async () => {
      bot = await startBotProcess({ STORAGE: 'memory' });
    });
    after(() => bot.terminate());

    for (const path of ['/api/messages', '/directline/conversations']) {
      it(`${path}: a body that claims gzip and is not gets 415 before it is read, and the process lives`, async () => {
        const lie = await rawPost(`${bot.url}${path}`, Buffer.from('x'), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        expect(lie.status).to.equal(415);
        expect(JSON.parse(lie.body)).to.deep.equal({
          error: 'unsupported_content_encoding',
          reason: 'request bodies must not be compressed (Content-Encoding: identity)',
        });
        // A real gzip bomb, 60 MB of zeros in about 60 KB, is refused the same way, unread.
        const bomb = await rawPost(`${bot.url}${path}`, gzipSync(Buffer.alloc(60 * 1024 * 1024)), {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
        });
        expect(bomb.status).to.equal(415);
        expect(bot.child.exitCode).to.equal(null);
        expect((await health(bot.url)).status).to.equal(200);
      });
    }

    it('other encodings are refused alike; identity is a plain body', async () => {
      for (const encoding of ['deflate', 'br', 'x-unknown', 'gzip, identity']) {
        expect(
          (await rawPost(`${bot.url}/api/messages`, Buffer.from('{}'), { 'content-type': 'application/json', 'content-encoding': encoding })).status,
        ).to.equal(415);
      }
      const plain = await rawPost(`${bot.url}/api/messages`, Buffer.from(JSON.stringify(emulatorActivity({ text: 'hi', deliveryMode: 'expectReplies' }))), {
        'content-type': 'application/json',
        'content-encoding': 'identity',
      });
      expect(plain.status).to.equal(200);
    });

    it('a body that trickles in is cut off with a 408 and the connection closed', async function () {
      this.timeout(40_000);
      const url = new URL(`${bot.url}/api/messages`);
      const answer = await new Promise<string>((done, fail) => {
        const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '1000' } }, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => done(`${res.statusCode} ${text}`));
        });
        req.on('error', fail);
        req.write('{"type":');
        // …and nothing more: the request would otherwise hold the connection as long as Node's 5-minute default.
      });
      expect(answer).to.match(/^408 .*request_timeout/);
      expect(bot.child.exitCode).to.equal(null);
    });

    it('every response says nosniff; a missing static file is not named back; no request text reaches the log', async () => {
      const canary = 'canary-file-<script>alert(1)</script>';
      const missing = await fetch(`${bot.url}/static/${encodeURIComponent(canary)}`);
      expect(missing.status).to.equal(404);
      expect(missing.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(await missing.text()).to.not.include('canary');
      const unknownRoute = await fetch(`${bot.url}/${canary}`);
      expect(unknownRoute.status).to.equal(404);
      expect(await unknownRoute.text()).to.not.include('canary');
      for (const path of ['/healthz', '/', '/static/chat.js'])
        expect((await fetch(`${bot.url}${path}`)).headers.get('x-content-type-options'), path).to.equal('nosniff');

      // A recipient nested 6,000 deep once made restify log the whole request, user text and tenant included.
      // Written out by hand: JSON.stringify itself runs out of stack at this depth.
      const deep = `{"id":"bot","n":${'{"n":'.repeat(6000)}"canary-recipient"${'}'.repeat(6001)}`;
      const body = JSON.stringify(emulatorActivity({ text: 'canary-text', recipient: 'DEEP', deliveryMode: 'expectReplies' })).replace('"DEEP"', deep);
      const nested = await postJson(`${bot.url}/api/messages`, body);
      expect(nested.status).to.equal(400);
      expect(nested.body.reason).to.match(/nests deeper than/);
      expect(bot.stderr()).to.not.include('canary');
    });
  });

  describe('2 and 3. messages that expand or repeat are decided like any other', () => {
    let bot: RunningBot;
    before(async () => {
      bot = await startBot({ PORT: '0', STORAGE: 'memory', LOG_LEVEL: 'error' }, { logger: memoryLogger() });
    });
    after(() => bot.close());

    it('500 × "㌖", which normalises to 3,000 letters, gets the normal "I don\'t know"', async () => {
      const reply = await say(bot.url, 'expanding', '㌖'.repeat(500));
      expect(reply.status).to.equal(200);
      expect(reply.messages[0]).to.include(REPLIES.dontKnow);
      expect((await health(bot.url)).status).to.equal(200);
    });

    it('"governance", then "z" and 32,000 × " x" inside the topic: a normal reply, and the topic still answers', async () => {
      expect((await say(bot.url, 'peeling', 'governance')).messages[0]).to.include(REPLIES.governanceOverview);
      // As long as fits in the 64 KB body with the rest of the activity.
      const long = await say(bot.url, 'peeling', `z${' x'.repeat(32_000)}`);
      expect(long.status).to.equal(200);
      expect(long.messages).to.have.length.greaterThan(0);
      expect((await say(bot.url, 'peeling', 'how often is the ICM held?')).messages[0]).to.include(REPLIES.icmFrequency);
    });
  });

  describe('4. not a relay', () => {
    it('without MicrosoftAppId, a network HOST refuses to start and names the opt-in', async () => {
      const child = spawn(process.execPath, ['--import=tsx', resolve(PROJECT_ROOT, 'src/app/main.ts')], {
        cwd: PROJECT_ROOT,
        env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '0.0.0.0', STORAGE: 'memory' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((done) => child.once('exit', done));
      expect(code).to.equal(1);
      expect(stderr).to.match(/^Cannot start the bot\. Invalid configuration:/);
      expect(stderr).to.include('HOST: is 0.0.0.0').and.include('ALLOW_ANONYMOUS_ON_NETWORK=true');
    });

    describe('in anonymous mode', () => {
      let bot: RunningBot;
      let connector: ConnectorStub;
      before(async () => {
        connector = await new ConnectorStub().start();
        bot = await startBot({ PORT: '0', STORAGE: 'memory', LOG_LEVEL: 'error' }, { logger: memoryLogger() });
      });
      after(async () => {
        await bot.close();
        await connector.stop();
      });

      it('answers only loopback serviceUrls: anything else gets 403 and no turn', async () => {
        for (const serviceUrl of ['http://192.0.2.1/', 'https://example.invalid/', 'ftp://127.0.0.1/', 'not a url', 'http://127.0.0.1.example.invalid/']) {
          const refused = await postJson(`${bot.url}/api/messages`, emulatorActivity({ text: 'hi', serviceUrl }));
          expect(refused.status, serviceUrl).to.equal(403);
          expect(refused.body.error).to.equal('service_url_not_allowed');
        }
        const allowed = await postJson(`${bot.url}/api/messages`, emulatorActivity({ text: 'hi', serviceUrl: connector.url, conversation: { id: 'relay' } }));
        expect(allowed.status).to.equal(200);
        await connector.waitFor(1);
      });

      it('a Connector that never answers is given up on, and its connection closed', async function () {
        this.timeout(40_000);
        const sockets: Socket[] = [];
        const blackHole: Server = createServer((socket) => {
          sockets.push(socket);
          socket.resume();
        });
        await new Promise<void>((done) => blackHole.listen(0, '127.0.0.1', done));
        try {
          const port = (blackHole.address() as { port: number }).port;
          const response = await postJson(`${bot.url}/api/messages`, emulatorActivity({ text: 'hi', serviceUrl: `http://127.0.0.1:${port}` }));
          // The turn ends (its reply and then its apology are given up), so the POST is answered...
          expect(response.status).to.equal(200);
          // ...and the bot has hung up on the black hole rather than holding its connections open.
          await new Promise((done) => setTimeout(done, 200));
          expect(sockets.length).to.be.greaterThan(0);
          expect(sockets.every((socket) => socket.readableEnded || socket.destroyed)).to.equal(true);
        } finally {
          sockets.forEach((socket) => socket.destroy());
          blackHole.close();
        }
      });

      it('4,000 members added at once get three welcomes, and what is remembered of members stays bounded', async () => {
        const store = await createStorage({ kind: 'memory', dataDir: 'unused', ttlDays: 30 });
        const bounded = await startBot({ PORT: '0', STORAGE: 'memory', LOG_LEVEL: 'error' }, { logger: memoryLogger(), store });
        try {
          // Short ids, so that 4,000 members fit in the 64 KB body.
          const crowd = (round: number) => Array.from({ length: 4000 }, (_, i) => ({ id: `m${round}${i.toString(36)}` }));
          const join = (round: number) =>
            postJson(`${bounded.url}/api/messages`, {
              type: 'conversationUpdate',
              channelId: 'emulator',
              deliveryMode: 'expectReplies',
              conversation: { id: 'crowd' },
              recipient: { id: 'bot-1' },
              membersAdded: crowd(round),
            });
          for (let round = 0; round < 10; round++) {
            const joined = await join(round);
            expect(joined.status).to.equal(200);
            expect(joined.body.activities.filter((a: { type: string }) => a.type === 'message')).to.have.length(3);
          }
          const key = `conversations/${store.pseudonymise('emulator\ncrowd')}/`;
          const stored = (await store.storage.read([key]))[key] as { welcomedMembers: string[] };
          expect(stored.welcomedMembers).to.have.length(20);
          expect(JSON.stringify(stored)).to.not.include('"m9');
        } finally {
          await bounded.close();
        }
      });
    });

    it('with credentials, a token issuer that cannot be reached gets a plain 503, and a missing token a 401', async () => {
      const closed = createServer();
      await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
      const port = (closed.address() as { port: number }).port;
      await new Promise<void>((done) => closed.close(() => done()));
      const metadata = `http://127.0.0.1:${port}/v1/.well-known/openidconfiguration`;
      const logger = memoryLogger();
      const bot = await startBot(
        {
          PORT: '0',
          STORAGE: 'memory',
          MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
          MicrosoftAppPassword: 'not-a-real-password',
          ToBotFromChannelOpenIdMetadataUrl: metadata,
          ToBotFromEmulatorOpenIdMetadataUrl: metadata,
        },
        { logger },
      );
      try {
        const unsigned = await postJson(`${bot.url}/api/messages`, emulatorActivity({ text: 'hi', channelId: 'msteams' }));
        expect(unsigned.status).to.equal(401);
        expect(unsigned.body).to.deep.equal({ error: 'unauthorized', reason: 'the request does not carry a valid Bot Framework token' });
        // Shaped like a Connector's token, so the bot must fetch the issuer's keys to check it.
        const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
        const token = [
          part({ alg: 'RS256', kid: 'key-1', typ: 'JWT' }),
          part({
            iss: 'https://api.botframework.com',
            aud: '00000000-0000-0000-0000-000000000001',
            exp: Math.floor(Date.now() / 1000) + 600,
            serviceurl: 'http://127.0.0.1:9/',
          }),
          'c2ln',
        ].join('.');
        const unreachable = await postJson(
          `${bot.url}/api/messages`,
          emulatorActivity({ text: 'hi', channelId: 'msteams', serviceUrl: 'http://127.0.0.1:9/' }),
          { authorization: `Bearer ${token}` },
        );
        expect(unreachable.status).to.be.oneOf([401, 503]);
        expect(unreachable.text).to.not.include('127.0.0.1').and.not.include('openid').and.not.include('Error');
        expect(logger.lines.join('\n')).to.not.include(String(port));
      } finally {
        await bot.close();
      }
    });
  });

  describe("5. curators' data cannot be flooded", () => {
    let bot: RunningBot;
    let store: StateStore;
    beforeEach(async () => {
      store = await createStorage({ kind: 'memory', dataDir: 'unused', ttlDays: 30 });
      bot = await startBot({ PORT: '0', STORAGE: 'memory', LOG_LEVEL: 'error' }, { logger: memoryLogger(), store });
    });
    afterEach(() => bot.close());

    it('one conversation leaves at most three unanswered questions', async () => {
      for (let i = 0; i < 12; i++) expect((await say(bot.url, 'flood', `what is the capital of nowhere number ${i}`)).messages[0]).to.include(REPLIES.dontKnow);
      expect((await store.curation.list()).filter((r) => r.kind === 'unanswered')).to.have.length(3);
      await say(bot.url, 'another', 'what is the capital of nowhere');
      expect((await store.curation.list()).filter((r) => r.kind === 'unanswered')).to.have.length(4);
    });

    it('one vote per answer per conversation', async () => {
      const vote = (conversation: string, feedback: string) =>
        postJson(
          `${bot.url}/api/messages`,
          emulatorActivity({ deliveryMode: 'expectReplies', conversation: { id: conversation }, value: { feedback, entryId: 'icm-frequency' } }),
        );
      for (let i = 0; i < 10; i++) expect((await vote('votes', 'unhelpful')).status).to.equal(200);
      await vote('votes', 'helpful');
      await vote('other-votes', 'helpful');
      const records = (await store.curation.list()).filter((r) => r.kind === 'feedback');
      expect(records.map((r) => r.kind === 'feedback' && r.helpful)).to.deep.equal([false, true]);
    });

    it('a Teams question is kept as it was matched, without @mentions', async () => {
      const activity = emulatorActivity({
        deliveryMode: 'expectReplies',
        channelId: 'msteams',
        conversation: { id: 'teams-mention', conversationType: 'channel' },
        text: '<at>Alice Smith</at> <at>FAQ bot</at> what is the capital of nowhere',
        recipient: { id: 'bot-1', name: 'FAQ bot' },
        entities: [
          { type: 'mention', mentioned: { id: 'user-9', name: 'Alice Smith' }, text: '<at>Alice Smith</at>' },
          { type: 'mention', mentioned: { id: 'bot-1', name: 'FAQ bot' }, text: '<at>FAQ bot</at>' },
        ],
      });
      expect((await postJson(`${bot.url}/api/messages`, activity)).status).to.equal(200);
      const [record] = await store.curation.list();
      // Mentions are stripped before matching, a colleague's name with the bot's; the record holds what was matched.
      expect(record).to.deep.include({ kind: 'unanswered', question: 'what is the capital of nowhere' });
    });

    it('records expire after CURATION_TTL_DAYS', async () => {
      const sqlite = await createStorage({ kind: 'sqlite', dataDir: tempDir(), ttlDays: 30, curationTtlDays: 90, schedulePurge: false });
      try {
        const day = 24 * 60 * 60 * 1000;
        await sqlite.curation.record({ kind: 'unanswered', question: 'old', at: new Date(Date.now() - 91 * day) });
        await sqlite.curation.record({ kind: 'unanswered', question: 'recent', at: new Date(Date.now() - 89 * day) });
        expect(await sqlite.purgeExpiredCuration()).to.equal(1);
        expect((await sqlite.curation.list()).map((r) => r.kind === 'unanswered' && r.question)).to.deep.equal(['recent']);
      } finally {
        await sqlite.close();
      }
    });
  });

  describe('6. honest health', () => {
    it('a store that cannot write is down: 503 from /healthz while another process holds the write lock', async () => {
      const dataDir = tempDir();
      const bot = await startBot({ PORT: '0', STORAGE: 'sqlite', DATA_DIR: dataDir, LOG_LEVEL: 'error' }, { logger: memoryLogger() });
      const locker = new Database(join(dataDir, STATE_DB_FILE));
      try {
        expect((await health(bot.url)).status).to.equal(200);
        locker.exec('BEGIN EXCLUSIVE');
        const down = await health(bot.url);
        expect(down.status).to.equal(503);
        expect(down.body).to.include({ status: 'degraded', store: 'down' });
        locker.exec('ROLLBACK');
        expect((await health(bot.url)).status).to.equal(200);
      } finally {
        locker.close();
        await bot.close();
      }
    });

    describe('on a DATA_DIR that cannot be written (a small tmpfs in a mount namespace of its own)', () => {
      let dataDir: string;
      let bot: BotProcess;
      before(function () {
        dataDir = tempDir();
      });
      afterEach(() => bot?.terminate());

      /** Starts the bot in a private mount namespace with DATA_DIR a fresh tmpfs, read-only if asked. */
      const launchOnTmpfs = (readOnly: boolean) =>
        startBotProcess(
          { STORAGE: 'sqlite', DATA_DIR: dataDir },
          {
            wrap: (command) => [
              'unshare',
              '--mount',
              '--propagation',
              'private',
              'sh',
              '-c',
              `mount -t tmpfs -o size=4m tmpfs "$DATA_DIR" ${readOnly ? '&& mount -o remount,ro "$DATA_DIR"' : ''} && exec "$@"`,
              'sh',
              ...command,
            ],
          },
        );

      it('a running bot whose disk fills reports the store down, and every turn gets the apology', async () => {
        bot = await launchOnTmpfs(false);
        expect((await health(bot.url)).status).to.equal(200);
        // A read-only remount is refused while SQLite holds its files open for writing; a full disk is not.
        await new Promise<void>((done) =>
          spawn('nsenter', ['--target', String(bot.child.pid), '--mount', 'dd', 'if=/dev/zero', `of=${join(dataDir, 'filler')}`, 'bs=64k'], {
            stdio: 'ignore',
          }).once('exit', () => done()),
        );
        const down = await health(bot.url);
        expect(down.status).to.equal(503);
        expect(down.body).to.include({ store: 'down' });
        expect((await say(bot.url, 'full-disk', 'who is the secretary general?')).messages[0]).to.include('Sorry, something went wrong');
      });

      it('a start on a read-only DATA_DIR stops with one clear line', async () => {
        let failure: Error | undefined;
        try {
          bot = await launchOnTmpfs(true);
        } catch (err) {
          failure = err as Error;
        }
        expect(failure?.message).to.match(/Cannot start the bot\. The state store did not answer \(DATA_DIR \S+ cannot be written/);
      });
    });
  });

  describe('7. privacy', () => {
    it('SQLite keys and contents hold no conversation or member id, only keyed hashes', async () => {
      const dataDir = tempDir();
      const bot = await startBot({ PORT: '0', STORAGE: 'sqlite', DATA_DIR: dataDir, LOG_LEVEL: 'error' }, { logger: memoryLogger() });
      try {
        await joinMembers(bot.url, 'conversation-canary-42', ['member-canary-7']);
        await say(bot.url, 'conversation-canary-42', 'who is the secretary general?');
      } finally {
        await bot.close();
      }
      const db = new Database(join(dataDir, STATE_DB_FILE), { readonly: true });
      try {
        const rows = db.prepare('SELECT key, value FROM state').all() as { key: string; value: string }[];
        expect(rows).to.have.length(1);
        expect(rows[0]!.key).to.match(/^conversations\/[\w-]{22}\/$/);
        expect(JSON.stringify(rows)).to.not.include('canary');
      } finally {
        db.close();
      }
      expect(readFileSync(join(dataDir, STATE_DB_FILE)).includes('canary')).to.equal(false);
    });

    it('the dialog-state trace goes back to the Emulator only, never to another channel under expectReplies', async () => {
      const bot = await startBot({ PORT: '0', STORAGE: 'memory', LOG_LEVEL: 'error' }, { logger: memoryLogger() });
      try {
        const onEmulator = await say(bot.url, 'trace-emulator', 'who is the secretary general?');
        expect(onEmulator.activities.some((a) => a.type === 'trace')).to.equal(true);
        const onDirectLine = await say(bot.url, 'trace-directline', 'who is the secretary general?', { channelId: 'directline' });
        expect(onDirectLine.messages[0]).to.include(REPLIES.currentSecretaryGeneral);
        expect(onDirectLine.activities.map((a) => a.type)).to.deep.equal(['message']);
      } finally {
        await bot.close();
      }
    });
  });
});
