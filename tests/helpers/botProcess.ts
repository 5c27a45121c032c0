import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../../src/shared/projectRoot';

const START_TIMEOUT_MS = 20_000;
/** A bot that has not exited this long after SIGTERM is killed, so a failing test leaves no process behind. */
const KILL_AFTER_MS = 15_000;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface BotProcess {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  child: ChildProcess;
  /** Every stderr line so far (the bot's JSON log lines, and Node's own warnings). */
  stderr(): string;
  /** The JSON log lines so far, parsed. */
  events(): Record<string, unknown>[];
  /** Resolves when the process has exited. */
  exited: Promise<Exit>;
  /** Sends SIGTERM and resolves with how it exited. */
  terminate(): Promise<Exit>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

export interface LaunchOptions {
  /** Wraps the command line, e.g. to run the bot in a mount namespace of its own; the wrapper must exec it. */
  wrap?: (command: string[]) => string[];
}

/**
 * Runs the bot the way `npm start` does, as its own process (`node --import=tsx src/app/main.ts`), with only
 * PATH and `env` in its environment, and resolves once it logs that it is listening.
 */
export async function startBotProcess(env: Record<string, string>, options: LaunchOptions = {}): Promise<BotProcess> {
  const command = [process.execPath, '--import=tsx', resolve(PROJECT_ROOT, 'src/app/main.ts')];
  const [file, ...args] = options.wrap ? options.wrap(command) : command;
  const child = spawn(file!, args, {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  running.add(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Exit>((done) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      done({ code, signal });
    }),
  );
  const events = () =>
    stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`the bot did not start within ${START_TIMEOUT_MS} ms:\n${stderr}`));
    }, START_TIMEOUT_MS);
    const check = () => {
      const listening = events().find((event) => event.event === 'listening');
      if (!listening) return;
      clearTimeout(timer);
      child.stderr!.off('data', check);
      done(String(listening.url).replace(/\/api\/messages$/, ''));
    };
    child.stderr!.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      fail(new Error(`the bot exited while starting:\n${stderr}`));
    });
  });

  return {
    url,
    child,
    stderr: () => stderr,
    events,
    exited,
    terminate: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const killer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
        child.kill('SIGTERM');
        void exited.then(() => clearTimeout(killer));
      }
      return exited;
    },
  };
}
