import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import { PROJECT_ROOT } from '../../src/shared/projectRoot';

/**
 * The two servers `npm run bench:turns` compares, each as its own process. Both run compiled, as
 * `node dist/…js`, which is what `npm start` runs after its build step. Under `node --import=tsx` every
 * module would be compiled as it loads: tsx's time would land in the cold starts, and far more of it in the
 * bot's (dozens of modules) than in the echo bot's (one), while its loader hooks sit on every require.
 */

/** The echo floor, the echo floor run through runDialog, and the FAQ bot. */
export type Side = 'echo' | 'dialogs' | 'bot';

const ECHO_SOURCE = resolve(PROJECT_ROOT, 'tests/bench/echoBot.ts');
/** Where tsc would put it, under dist/ so it finds node_modules as the bot does. */
const ECHO_OUTPUT = resolve(PROJECT_ROOT, 'dist/tests/bench/echoBot.js');
const BOT_OUTPUT = resolve(PROJECT_ROOT, 'dist/src/app/main.js');

/** A server that has not answered /healthz by then is broken, not slow. */
const START_TIMEOUT_MS = 30_000;
const POLL_MS = 10;
/** The bot drains turns in flight for up to 8 s after SIGTERM; past this it is killed. */
const STOP_TIMEOUT_MS = 10_000;

/**
 * Compiles the bot as `npm run build` does (incremental, into dist/), and the echo bot with the same
 * compiler options: it is one file with no imports of ours, and the test type-check (tsconfig.test.json)
 * already checks it, so transpiling it is enough.
 */
export function build(): void {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  const config = ts.getParsedCommandLineOfConfigFile(
    resolve(PROJECT_ROOT, 'tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  );
  if (!config) throw new Error('tsconfig.json could not be read');
  // The map would point at a file nobody writes; Node reads neither without --enable-source-maps.
  const { outputText } = ts.transpileModule(readFileSync(ECHO_SOURCE, 'utf8'), {
    compilerOptions: { ...config.options, sourceMap: false },
    fileName: ECHO_SOURCE,
  });
  mkdirSync(dirname(ECHO_OUTPUT), { recursive: true });
  writeFileSync(ECHO_OUTPUT, outputText);
}

export interface Server {
  side: Side;
  url: string;
  pid: number;
  /** From spawn to the first 200 on /healthz. */
  coldStartMs: number;
  /** Resident memory now, read from /proc. */
  rssMiB(): number;
  /**
   * Log lines since it started that say something went wrong: error and warning events, and anything that
   * is not a JSON log line.
   */
  problems: string[];
  /** How the bot's turns were decided, from its "turn" log lines. */
  decisions: Map<string, number>;
  stop(): Promise<void>;
}

const running = new Set<() => void>();
process.once('exit', () => running.forEach((kill) => kill()));

/** A port nothing listens on: the server must be given one up front to be polled from the moment it is spawned. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((done) => probe.close(() => done()));
  return port;
}

/** The status of GET /healthz, or undefined while nothing answers. Node's http, not fetch: fetch loads undici on first use, which would be timed. */
function healthStatus(url: string): Promise<number | undefined> {
  return new Promise((done) => {
    const request = get(`${url}/healthz`, { agent: false, timeout: 1000 }, (response) => {
      response.resume();
      done(response.statusCode);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => done(undefined));
  });
}

/**
 * Spawns one side with only PATH and its settings in its environment (the bot on its defaults: SQLite,
 * anonymous, in a data directory of its own), and resolves once /healthz answers 200.
 */
export async function startServer(side: Side): Promise<Server> {
  const port = await freePort();
  const dataDir = side === 'bot' ? mkdtempSync(join(tmpdir(), 'turn-bench-')) : undefined;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    PORT: String(port),
    ...(dataDir ? { DATA_DIR: dataDir } : {}),
    ...(side === 'dialogs' ? { ECHO_THROUGH_DIALOGS: '1' } : {}),
  };

  const started = performance.now();
  const child = spawn(process.execPath, [side === 'bot' ? BOT_OUTPUT : ECHO_OUTPUT], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const kill = () => child.kill('SIGKILL');
  running.add(kill);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  const problems: string[] = [];
  const decisions = new Map<string, number>();
  const recent: string[] = [];
  // Lines before the first 200 are not judged: both sides print Node's DEP0111 warning as restify loads spdy.
  let up = false;
  let partial = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      recent.push(line);
      if (recent.length > 20) recent.shift();
      if (!up) continue;
      let entry: { level?: string; event?: string; decision?: string };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        problems.push(line);
        continue;
      }
      if (entry.event === 'turn') decisions.set(entry.decision ?? 'none', (decisions.get(entry.decision ?? 'none') ?? 0) + 1);
      // Anonymous mode is what the bench asks for; the bot warns of it as it starts listening, so the line
      // may be read only after the first 200.
      else if ((entry.level === 'error' || entry.level === 'warn') && entry.event !== 'anonymous_mode') problems.push(line);
    }
  });

  const url = `http://127.0.0.1:${port}`;
  let gone = false;
  void exited.then(() => (gone = true));
  while ((await healthStatus(url)) !== 200) {
    if (gone || performance.now() - started > START_TIMEOUT_MS) {
      kill();
      throw new Error(`the ${side} did not answer /healthz ${gone ? 'before it exited' : `within ${START_TIMEOUT_MS} ms`}:\n${recent.join('\n')}`);
    }
    await new Promise((wait) => setTimeout(wait, POLL_MS));
  }
  const coldStartMs = performance.now() - started;
  up = true;

  return {
    side,
    url,
    pid: child.pid!,
    coldStartMs,
    rssMiB: () => Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024,
    problems,
    decisions,
    stop: async () => {
      if (!gone) {
        const killer = setTimeout(kill, STOP_TIMEOUT_MS);
        child.kill('SIGTERM');
        await exited;
        clearTimeout(killer);
      }
      running.delete(kill);
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
