import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../../src/shared/projectRoot';
import type { Target } from './rawHttp';

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;
/** Context kept either side of a leaked canary, and of each stream's end, for the report. */
const CONTEXT_CHARS = 100;
const TAIL_CHARS = 4000;

export type Stream = 'stdout' | 'stderr';

export interface Leak {
  /** The request the canary came from. */
  index: number;
  canary: string;
  stream: Stream;
  excerpt: string;
}

/**
 * Every byte the bot writes, on both streams, scanned for the run's canaries as it arrives; only the first
 * leak per request and each stream's tail are kept, so a server that logs whole bodies cannot fill memory.
 */
export class LogWatch {
  readonly leaks = new Map<number, Leak>();
  private readonly tails: Record<Stream, string> = { stdout: '', stderr: '' };

  constructor(private readonly canaries: RegExp) {}

  feed(stream: Stream, chunk: string): void {
    // The previous tail goes in front, so a canary split between two chunks is still whole here.
    const text = this.tails[stream].slice(-2 * CONTEXT_CHARS) + chunk;
    for (const match of text.matchAll(this.canaries)) {
      const index = Number(match[1]);
      if (this.leaks.has(index)) continue;
      const at = match.index;
      const excerpt = text.slice(Math.max(0, at - CONTEXT_CHARS), at + match[0].length + CONTEXT_CHARS);
      this.leaks.set(index, { index, canary: match[0], stream, excerpt: JSON.stringify(excerpt) });
    }
    this.tails[stream] = (this.tails[stream] + chunk).slice(-TAIL_CHARS);
  }

  tail(stream: Stream): string {
    return this.tails[stream];
  }
}

const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

/**
 * The real bot as its own process, as `npm start` runs it. Unlike tests/helpers/botProcess.ts this keeps
 * stdout as well as stderr: restify's own logger (pino) writes to stdout, and a body it logs is as much a
 * leak as one in our JSON lines.
 */
export class BotUnderTest {
  /** Resolves when the process has gone, however it went. */
  readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly target: Target,
  ) {
    this.exited = new Promise((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
    });
  }

  static async start(env: Record<string, string>, watch: LogWatch): Promise<BotUnderTest> {
    const child = spawn(process.execPath, ['--import=tsx', resolve(PROJECT_ROOT, 'src/app/main.ts')], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    child.once('exit', () => running.delete(child));
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => watch.feed('stdout', chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => watch.feed('stderr', chunk));

    const url = await new Promise<URL>((done, fail) => {
      let lines = '';
      const timer = setTimeout(() => fail(new Error(`the bot did not start within ${START_TIMEOUT_MS} ms:\n${watch.tail('stderr')}`)), START_TIMEOUT_MS);
      const onLine = (chunk: string) => {
        lines += chunk;
        const listening = /\{[^\n]*"event":"listening"[^\n]*\}/.exec(lines);
        if (!listening) return;
        clearTimeout(timer);
        child.stderr!.off('data', onLine);
        done(new URL(String((JSON.parse(listening[0]) as { url: string }).url)));
      };
      child.stderr!.on('data', onLine);
      child.once('exit', () => {
        clearTimeout(timer);
        fail(new Error(`the bot exited while starting:\n${watch.tail('stderr')}`));
      });
    }).catch((err: unknown) => {
      child.kill('SIGKILL');
      throw err;
    });
    return new BotUnderTest(child, { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) });
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  describeExit(): string {
    const { exitCode, signalCode } = this.child;
    return signalCode ? `killed by ${signalCode}` : `exited with code ${exitCode}`;
  }

  /** SIGTERM, as a platform stops an instance; SIGKILL if it has not gone within 10 s. */
  async stop(): Promise<void> {
    if (!this.alive) return;
    const killer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    this.child.kill('SIGTERM');
    await this.exited;
    clearTimeout(killer);
  }

  /** For a bot that no longer answers: there is nothing left to drain. */
  async kill(): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}
