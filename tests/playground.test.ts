import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'chai';
import { PROJECT_ROOT } from '../src/shared/projectRoot';
import { startBot, type RunningBot } from '../src/app/startBot';
import { loadKnowledge } from '../src/faq/knowledge/loadKnowledge';
import { PlaygroundError, readPlaygroundEnv, startPlayground, type RunningPlayground } from '../src/tools/playground';
import { memoryLogger } from './helpers/http';
import { playgroundConfig, repliesInLog } from './helpers/playgroundLog';

/** Polls until `check` holds; the limit only stops a broken run from hanging. */
async function waitFor(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether a TCP connection to host:port is refused (nothing listens there for us). */
function refused(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port, timeout: 5_000 });
    socket.once('connect', () => {
      socket.destroy();
      done(false);
    });
    socket.once('timeout', () => {
      socket.destroy();
      done(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED'));
  });
}

/** host:port of every TCP socket the process listens on, read from /proc (Linux). */
function listeningSockets(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match?.[1]) inodes.add(match[1]);
    } catch {
      // The descriptor closed while we listed them.
    }
  }
  const sockets: string[] = [];
  for (const table of ['tcp', 'tcp6']) {
    for (const line of readFileSync(`/proc/${pid}/net/${table}`, 'utf8').trim().split('\n').slice(1)) {
      const [, local = '', , state, , , , , , inode = ''] = line.trim().split(/\s+/);
      if (state !== '0A' || !inodes.has(inode)) continue; // 0A: LISTEN
      const [hexHost = '', hexPort = ''] = local.split(':');
      const host =
        table === 'tcp'
          ? (hexHost.match(/../g) ?? [])
              .reverse()
              .map((b) => parseInt(b, 16))
              .join('.')
          : `[${hexHost}]`;
      sockets.push(`${host}:${parseInt(hexPort, 16)}`);
    }
  }
  return sockets;
}

/** Sits between the playground and the bot and keeps the activities the playground posts, to check their shape. */
function recordingProxy(target: string): { server: Server; received: Record<string, unknown>[] } {
  const received: Record<string, unknown>[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      let body = '';
      for await (const chunk of req) body += chunk;
      // The playground also probes the endpoint without a body when it starts: pass that on untouched.
      if (req.method === 'POST' && body) received.push(JSON.parse(body) as Record<string, unknown>);
      const response = await fetch(`${target}${req.url}`, {
        method: req.method,
        headers: {
          'content-type': req.headers['content-type'] ?? 'application/json',
          ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        },
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
      });
      res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? 'application/json' });
      res.end(await response.text());
    })().catch(() => {
      res.writeHead(502);
      res.end();
    });
  });
  return { server, received };
}

describe('npm run playground: configuration', () => {
  it('defaults to the bot on 3978 and the playground on 56150, and a blank value means the default', () => {
    expect(readPlaygroundEnv({})).to.deep.equal({ botPort: 3978, port: 56150 });
    expect(readPlaygroundEnv({ PORT: ' ', PLAYGROUND_PORT: '' })).to.deep.equal({ botPort: 3978, port: 56150 });
    expect(readPlaygroundEnv({ PORT: '4000', PLAYGROUND_PORT: '0' })).to.deep.equal({ botPort: 4000, port: 0 });
  });

  it('names the variable that is wrong', () => {
    expect(() => readPlaygroundEnv({ PLAYGROUND_PORT: 'soon' })).to.throw(PlaygroundError, /PLAYGROUND_PORT/);
    // The bot cannot be reached on "any free port".
    expect(() => readPlaygroundEnv({ PORT: '0' })).to.throw(PlaygroundError, /- PORT: /);
  });
});

describe('npm run playground (Microsoft 365 Agents Playground)', () => {
  let dir: string;
  let bot: RunningBot;
  let proxy: ReturnType<typeof recordingProxy>;
  let playground: RunningPlayground;
  const botLog = memoryLogger();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'playground-'));
    bot = await startBot({ STORAGE: 'memory', PORT: '0', LOG_LEVEL: 'error' }, { logger: botLog });
    proxy = recordingProxy(bot.url);
    await new Promise<void>((done) => proxy.server.listen(0, '127.0.0.1', done));
    playground = await startPlayground({ botPort: (proxy.server.address() as AddressInfo).port, port: 0, logFile: join(dir, 'playground.log') });
  });

  after(async () => {
    await playground?.close();
    proxy?.server.closeAllConnections();
    await new Promise((done) => proxy?.server.close(done));
    await bot?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves its Teams-like client on 127.0.0.1', async () => {
    expect(playground.url).to.equal(`http://127.0.0.1:${playground.port}`);
    const response = await fetch(playground.url);
    expect(response.status).to.equal(200);
    expect(await response.text()).to.contain('<title>Microsoft 365 Agents Playground</title>');
  });

  it('cannot be reached on any other interface', async () => {
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((nic) => nic && nic.family === 'IPv4' && !nic.internal)
      .map((nic) => nic!.address);
    for (const address of others) expect(await refused(address, playground.port), address).to.equal(true);

    const hasProc = existsSync(`/proc/${playground.pid}/net/tcp`);
    if (hasProc) {
      const sockets = listeningSockets(playground.pid);
      expect(sockets).to.include(`127.0.0.1:${playground.port}`);
      for (const socket of sockets) expect(socket).to.match(/^127\.0\.0\.1:\d+$/);
    }
    // One of the two checks must have run: a machine with neither proves nothing.
    expect(others.length > 0 || hasProc, 'no non-loopback IPv4 interface and no /proc to inspect').to.equal(true);
  });

  it('passes a Teams-shaped message to the real bot and takes its replies', async () => {
    const { config } = playgroundConfig.parse(await (await fetch(`${playground.url}/_internal/v1/config`)).json());
    const conversationId = config.personalChat.id;
    const sent = await fetch(`${playground.url}/_conversation/v1/conversations/${conversationId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: { id: config.currentUser.id }, text: 'governance', textFormat: 'plain' }),
    });
    expect(sent.status).to.equal(200);

    await waitFor('the message at the bot', () => proxy.received.some((a) => a.type === 'message'));
    const activity = proxy.received.find((a) => a.type === 'message')!;
    expect(activity).to.deep.include({ channelId: 'msteams', text: 'governance', serviceUrl: `${playground.url}/_connector` });
    expect(activity.conversation).to.deep.include({ id: conversationId, conversationType: 'personal' });
    expect(activity.conversation).to.have.property('tenantId').that.is.a('string').and.not.empty;
    expect(activity.from).to.have.property('aadObjectId').that.is.a('string').and.not.empty;
    expect(activity.channelData).to.have.nested.property('tenant.id').that.is.a('string').and.not.empty;

    await waitFor('the bot to decide the turn', () => botLog.lines.some((l) => l.includes('"event":"turn"')));
    const turn = JSON.parse(botLog.lines.find((l) => l.includes('"event":"turn"'))!) as Record<string, unknown>;
    expect(turn).to.deep.include({ channelId: 'msteams', activityType: 'message', decision: 'topic' });

    // The bot replies to the playground's stand-in Connector; the playground logs each reply it accepted.
    const overview = loadKnowledge(resolve(PROJECT_ROOT, 'knowledge')).topics.find((t) => t.topic === 'governance')!.overview;
    await waitFor('the replies at the playground', () => repliesInLog(playground.logFile, conversationId).length >= 2);
    const replies = repliesInLog(playground.logFile, conversationId);
    expect(replies.map((r) => r.statusCode)).to.satisfy((codes: number[]) => codes.every((c) => c >= 200 && c < 300));
    expect(replies.map((r) => r.activity.text)).to.include(overview);
    expect(botLog.lines.filter((l) => l.includes('"level":"error"'))).to.deep.equal([]);
  });

  it('refuses a port that is taken, instead of moving to another', async () => {
    const err = await startPlayground({ botPort: 9, port: playground.port }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(PlaygroundError);
    expect((err as Error).message).to.contain(`port ${playground.port} on 127.0.0.1 is in use`);
  });

  it('stops cleanly', async () => {
    await playground.close();
    expect(await playground.exited).to.not.equal(undefined);
    expect(await refused('127.0.0.1', playground.port)).to.equal(true);
  });
});
