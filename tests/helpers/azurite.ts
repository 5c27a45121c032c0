import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyedPseudonymiser } from '../../src/shared/privacy';

/** Azurite's well-known development account; it is public and only ever valid against the emulator. */
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 20_000;
/** Azurite closes its HTTP server on SIGTERM and saves its metadata; a hung process is killed after this. */
const STOP_GRACE_MS = 8_000;

export interface Azurite {
  connectionString: string;
  port: number;
  /** Stops the emulator, keeping its data, as a crashed or restarted storage service would look. */
  stop(): Promise<void>;
  /** Starts it again on the same port and location, so the data written before stop() is still there. */
  start(): Promise<void>;
  /** Stops it for good and removes its data. */
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('could not find a free port');
  return address.port;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts Azurite's blob service on a free 127.0.0.1 port with its data in a new temporary folder, and
 * resolves once it accepts connections. Tests call close() when done.
 */
export async function startAzurite(): Promise<Azurite> {
  const location = mkdtempSync(join(tmpdir(), 'azurite-'));
  const main = require.resolve('azurite/dist/src/blob/main.js');
  let port = 0;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  // If the test run dies without close(), no emulator or data outlives it.
  const killOnExit = () => {
    child?.kill('SIGKILL');
    rmSync(location, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);

  async function launch(): Promise<void> {
    let output = '';
    const proc = spawn(
      process.execPath,
      [main, '--blobHost', HOST, '--blobPort', String(port), '--location', location, '--skipApiVersionCheck', '--disableTelemetry', '--silent'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    // Keep only the tail: it is what explains a failed start.
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    let hasExited = false;
    exited = new Promise((resolve) =>
      proc.once('exit', () => {
        hasExited = true;
        resolve();
      }),
    );
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await accepts(port))) {
      if (hasExited) throw new Error(`Azurite exited while starting on port ${port}:\n${output}`);
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(`Azurite did not accept connections on port ${port} within ${START_TIMEOUT_MS} ms:\n${output}`);
      }
      await sleep(50);
    }
  }

  async function stop(): Promise<void> {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const killer = setTimeout(() => proc.kill('SIGKILL'), STOP_GRACE_MS);
    proc.kill('SIGTERM');
    await exited;
    clearTimeout(killer);
    child = undefined;
  }

  // Another process may take the port between freePort() and Azurite binding it; a new port fixes that.
  for (let attempt = 1; ; attempt += 1) {
    port = await freePort();
    try {
      await launch();
      break;
    } catch (err) {
      await stop();
      if (attempt >= 3) {
        process.removeListener('exit', killOnExit);
        rmSync(location, { recursive: true, force: true });
        throw err;
      }
    }
  }

  return {
    port,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};BlobEndpoint=http://${HOST}:${port}/${ACCOUNT};`,
    stop,
    start: async () => {
      if (child && child.exitCode === null && child.signalCode === null) return;
      await launch();
    },
    close: async () => {
      await stop();
      process.removeListener('exit', killOnExit);
      rmSync(location, { recursive: true, force: true });
    },
  };
}

/** The pseudonym key every bot and store on the tests' Azurite shares, as instances of one deployment do. */
export const TEST_PSEUDONYM_KEY = 'a pseudonym key the blob tests share, 32+ characters';

/** The pseudonym an emulator conversation's state blob is named after, for tests that hold its write. */
export function statePseudonym(conversationId: string, channelId = 'emulator'): string {
  return keyedPseudonymiser(TEST_PSEUDONYM_KEY)(`${channelId}\n${conversationId}`);
}
