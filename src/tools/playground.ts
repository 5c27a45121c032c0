import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { loadDotEnv } from '../app/config';
import { PROJECT_ROOT } from '../shared/projectRoot';

/**
 * `npm run playground`: Microsoft 365 Agents Playground, a Teams-like chat client, against the local bot
 * (`npm start` in another terminal). Anyone can chat with the bot as on Teams, without a tenant: the
 * playground sends Teams-shaped activities (tenant, aadObjectId, installationUpdate, conversationUpdate)
 * and plays the Bot Connector service that the bot replies to.
 *
 * The playground listens on all interfaces and has no option to change it, so it runs with a preload
 * (loopbackOnly.cjs) that binds every listener to 127.0.0.1: nobody else on the network can use it.
 */

const LOOPBACK = '127.0.0.1';
const CLI = require.resolve('@microsoft/m365agentsplayground/cli.js');
// From the project root, not __dirname: tsc does not copy .cjs files into dist/.
const PRELOAD = resolve(PROJECT_ROOT, 'src', 'tools', 'loopbackOnly.cjs');
const START_TIMEOUT_MS = 30_000;

const port = (min: number) => z.coerce.number().int().min(min).max(65535);
const envSchema = z.object({
  /** The bot's port, as `npm start` reads it. */
  PORT: port(1).default(3978),
  /** 0 picks a free port. */
  PLAYGROUND_PORT: port(0).default(56150),
});

/** The bot's port and the playground's, from the environment; a blank value means "not set", as for the bot. */
export function readPlaygroundEnv(env: NodeJS.ProcessEnv): { botPort: number; port: number } {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value?.trim())));
  if (!parsed.success) {
    throw new PlaygroundError(`invalid configuration:\n${parsed.error.issues.map((issue) => `  - ${issue.path.join('.')}: ${issue.message}`).join('\n')}`);
  }
  return { botPort: parsed.data.PORT, port: parsed.data.PLAYGROUND_PORT };
}

/** As the bot reads it: in any letter case, and blank means "not set". */
function hasAppId(env: NodeJS.ProcessEnv): boolean {
  return Object.entries(env).some(([key, value]) => key.toLowerCase() === 'microsoftappid' && Boolean(value?.trim()));
}

export class PlaygroundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlaygroundError';
  }
}

export interface PlaygroundOptions {
  /** The port of the bot's /api/messages on 127.0.0.1. */
  botPort: number;
  /** The playground's port; 0 picks a free one. */
  port: number;
  /** Where the playground writes its log; it replaces the file on start. */
  logFile?: string;
}

export interface RunningPlayground {
  /** The page to open, e.g. http://127.0.0.1:56150 */
  url: string;
  port: number;
  pid: number;
  logFile: string;
  /** The playground's exit code, once it exits for any reason. */
  exited: Promise<number | null>;
  close(): Promise<void>;
}

/** Free on 127.0.0.1 right now; the port is passed on, so a port taken in between is caught after start. */
async function claimPort(wanted: number): Promise<number> {
  const probe = createServer();
  return new Promise((resolvePort, reject) => {
    probe.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE' ? new PlaygroundError(`port ${wanted} on ${LOOPBACK} is in use: set PLAYGROUND_PORT to a free port, or 0 for any`) : err,
      );
    });
    probe.listen(wanted, LOOPBACK, () => {
      const { port: got } = probe.address() as { port: number };
      probe.close(() => {
        resolvePort(got);
      });
    });
  });
}

function lastLines(file: string, count: number): string {
  if (!existsSync(file)) return '(no log written)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
}

function stop(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  child.kill('SIGTERM');
  const forced = setTimeout(() => child.kill('SIGKILL'), 5_000);
  return exited.then(() => {
    clearTimeout(forced);
  });
}

/**
 * Starts the playground and resolves once it listens. The port is chosen here and passed on, rather
 * than left to the playground (which silently moves to a random port when its port is taken), because
 * the bot must be told where to reply: the service URL names 127.0.0.1, since the playground's default,
 * `localhost`, can resolve to ::1, where nothing listens.
 */
export async function startPlayground(options: PlaygroundOptions): Promise<RunningPlayground> {
  const port = await claimPort(options.port);
  // Not the playground's default ./devTools/ in the project: the log holds every message of the chat.
  const logFile = options.logFile ?? join(tmpdir(), `m365agentsplayground-${port}.log`);
  const args = [
    '--require',
    PRELOAD,
    CLI,
    '--app-endpoint',
    `http://${LOOPBACK}:${options.botPort}/api/messages`,
    '--channel-id',
    'msteams',
    '--port',
    String(port),
    '--service-url',
    `http://${LOOPBACK}:${port}/_connector`,
    '--disable-telemetry',
  ];
  const child = spawn(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none', M365_AGENTS_PLAYGROUND_LOGFILE: logFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolveExit) =>
    child.once('exit', (code) => {
      resolveExit(code);
    }),
  );
  // Node's own warnings land here; the playground sends everything else to its log, since stdout is not a TTY.
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4_000)));

  const listening = await new Promise<number>((resolveListen, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      reject(new PlaygroundError(`the playground did not start within ${START_TIMEOUT_MS / 1000} s`));
    }, START_TIMEOUT_MS);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout = (stdout + chunk.toString('utf8')).slice(-1_000);
      const match = /Listening on (\d+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolveListen(Number(match[1]));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new PlaygroundError(`the playground exited (code ${code}) before listening.\n${stderr.trim()}\nIts log, ${logFile}:\n${lastLines(logFile, 20)}`));
    });
  }).catch(async (err: unknown) => {
    await stop(child, exited);
    throw err;
  });

  if (listening !== port) {
    await stop(child, exited);
    throw new PlaygroundError(`port ${port} was taken while the playground started: try again, or set PLAYGROUND_PORT`);
  }
  return { url: `http://${LOOPBACK}:${port}`, port, pid: child.pid as number, logFile, exited, close: () => stop(child, exited) };
}

/** Whether the bot answers its health check: a hint for the developer, not a requirement to start. */
async function botIsUp(botPort: number): Promise<boolean> {
  try {
    return (await fetch(`http://${LOOPBACK}:${botPort}/healthz`, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  loadDotEnv();
  let botPort: number;
  let playground: RunningPlayground;
  try {
    const ports = readPlaygroundEnv(process.env);
    botPort = ports.botPort;
    playground = await startPlayground(ports);
  } catch (err) {
    if (!(err instanceof PlaygroundError)) throw err;
    process.stderr.write(`Cannot start the playground: ${err.message}\n`);
    process.exit(1);
  }
  let stopping = false;
  const shutDown = () => {
    stopping = true;
    void playground.close().then(() => process.exit(0));
  };
  process.once('SIGINT', shutDown);
  process.once('SIGTERM', shutDown);

  const lines = [
    `Microsoft 365 Agents Playground: open ${playground.url}`,
    `  It talks to the bot at http://${LOOPBACK}:${botPort}/api/messages, as the msteams channel.`,
    `  Its log (every message of the chat): ${playground.logFile}`,
  ];
  if (!(await botIsUp(botPort))) lines.push(`  The bot is not answering on port ${botPort} yet: start it with \`npm start\` in another terminal.`);
  if (hasAppId(process.env)) lines.push("  MicrosoftAppId is set, so the bot will reject the playground's unauthenticated messages: unset it to chat locally.");
  process.stdout.write(`${lines.join('\n')}\nPress Ctrl+C to stop.\n`);

  const code = await playground.exited;
  if (stopping) return; // shutDown exits once the playground has stopped
  process.stderr.write(`The playground stopped (code ${code}). Its log: ${playground.logFile}\n`);
  process.exit(code ?? 1);
}

if (require.main === module) void main();
