import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startAzurite, statePseudonym, TEST_PSEUDONYM_KEY, type Azurite } from './helpers/azurite';
import { BlobProxy, holdPoint } from './helpers/blobProxy';
import { startBotProcess, type BotProcess } from './helpers/botProcess';
import { REPLIES, say } from './helpers/conversation';

/** The deadline for a stopped instance: SIGTERM to exit, in-flight turn included. */
const EXIT_DEADLINE_MS = 10_000;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * True once the server's port refuses a new TCP connection, i.e. it has stopped accepting. (An HTTP
 * request would not do: fetch reuses a kept-alive connection, which the server may still serve.)
 */
function refusesConnections(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((done) => {
    const socket = createConnection({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      done(false);
    });
    socket.once('error', () => done(true));
  });
}

/** SIGTERMs the bot and resolves with its exit code and how long it took to exit. */
async function stop(bot: BotProcess): Promise<{ code: number | null; ms: number }> {
  const started = performance.now();
  const { code } = await bot.terminate();
  return { code, ms: performance.now() - started };
}

describe('restarting the bot as a process (npm start), on SQLite and on Blob storage', function () {
  this.timeout(60_000);
  let azurite: Azurite;
  const processes: BotProcess[] = [];
  const closers: (() => Promise<void>)[] = [];
  const dirs: string[] = [];

  before(async () => {
    azurite = await startAzurite();
  });
  after(async () => {
    await Promise.all(processes.splice(0).map((bot) => bot.terminate()));
    for (const close of closers.splice(0)) await close();
    await azurite?.close();
    dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  });

  const launch = async (env: Record<string, string>): Promise<BotProcess> => {
    const bot = await startBotProcess(env);
    processes.push(bot);
    return bot;
  };

  it('sqlite: the follow-up context survives SIGTERM and a restart on the same DATA_DIR, and each stop exits 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'faq-restart-'));
    dirs.push(dataDir);
    const env = { STORAGE: 'sqlite', DATA_DIR: dataDir };

    const first = await launch(env);
    expect((await say(first.url, 'restarts', 'who is the secretary general?')).messages[0]).to.include(REPLIES.currentSecretaryGeneral);
    const firstStop = await stop(first);
    expect(firstStop.code).to.equal(0);
    expect(firstStop.ms).to.be.below(EXIT_DEADLINE_MS);
    expect(first.events().map((event) => event.event)).to.include('stopped');

    const second = await launch(env);
    // "them" is read as the Secretary General only if the restarted bot remembers the last answer.
    expect((await say(second.url, 'restarts', 'who appoints them?')).messages[0]).to.include(REPLIES.secretaryGeneralAppointment);
    expect((await say(second.url, 'a-new-conversation', 'who appoints them?')).messages[0])
      .to.include(REPLIES.didYouMean)
      .and.not.include(REPLIES.secretaryGeneralAppointment);
    expect((await stop(second)).code).to.equal(0);
  });

  it('blob: SIGTERM with a turn in flight finishes that turn and exits 0 within 10 s; a new process on the same container carries on', async () => {
    const container = `restart-${process.pid}`;
    // The first process reaches Azurite through a proxy that holds its state write, so the turn is still
    // running when SIGTERM arrives, for as long as the test chooses.
    const proxy = await new BlobProxy(azurite).start();
    closers.push(() => proxy.close());
    const first = await launch({
      STORAGE: 'blob',
      AZURE_STORAGE_CONNECTION_STRING: proxy.connectionString,
      AZURE_STORAGE_CONTAINER: container,
      PSEUDONYM_KEY: TEST_PSEUDONYM_KEY,
    });
    expect((await say(first.url, 'in-flight', 'governance')).messages[0]).to.include(REPLIES.governanceOverview);

    const held = holdPoint();
    proxy.intercept = async (request) => {
      if (request.method === 'PUT' && request.blob.includes(statePseudonym('in-flight'))) await held.pass();
    };
    const inFlight = say(first.url, 'in-flight', 'who is the secretary general?');
    await held.reached;

    const stopping = stop(first);
    // It stops accepting at once, while the turn waits for the store.
    for (let waited = 0; !(await refusesConnections(first.url)); waited += 50) {
      if (waited > 5000) throw new Error('the bot still accepts connections 5 s after SIGTERM');
      await sleep(50);
    }
    expect(first.child.exitCode).to.equal(null);
    await sleep(500);
    held.release();

    const answered = await inFlight;
    expect(answered.status).to.equal(200);
    expect(answered.messages).to.have.length(1);
    expect(answered.messages[0]).to.include(REPLIES.currentSecretaryGeneral);
    const { code, ms } = await stopping;
    expect(code).to.equal(0);
    expect(ms).to.be.below(EXIT_DEADLINE_MS);

    // The in-flight turn's state was saved before the exit: its follow-up resolves on the next process.
    const second = await launch({
      STORAGE: 'blob',
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      AZURE_STORAGE_CONTAINER: container,
      PSEUDONYM_KEY: TEST_PSEUDONYM_KEY,
    });
    expect((await say(second.url, 'in-flight', 'who appoints them?')).messages[0]).to.include(REPLIES.secretaryGeneralAppointment);
    expect((await stop(second)).code).to.equal(0);
  });
});
