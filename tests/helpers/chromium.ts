import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext } from 'playwright-core';

const CHROMIUM_PATH = '/usr/bin/chromium';

/** How long installing Chromium may take, for the hooks that call ensureChromium. */
export const CHROMIUM_INSTALL_TIMEOUT_MS = 15 * 60 * 1000;

const run = promisify(execFile);

/**
 * Debian's Chromium, installed with apt-get if it is missing (CI and developers run as root): browser tests
 * install what they need rather than skip. Playwright's own browser download is not used: it cannot reach
 * its CDN here.
 */
async function ensureChromium(): Promise<string> {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const options = { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, maxBuffer: 64 * 1024 * 1024 };
  try {
    await run('apt-get', ['update'], options);
    await run('apt-get', ['install', '-y', 'chromium'], options);
  } catch (err) {
    const { stderr } = err as { stderr?: string };
    throw new Error(`could not install Chromium with apt-get: ${(stderr ?? String(err)).slice(-2000)}`);
  }
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is missing`);
  return CHROMIUM_PATH;
}

export interface Browser {
  context: BrowserContext;
  /** Every URL the pages asked for, in order, including WebSocket connections. */
  requests: string[];
  close(): Promise<void>;
}

/** Headless Chromium in a throwaway profile, recording every request its pages make. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = await ensureChromium();
  const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Belt and braces: no host name but loopback resolves, so nothing can reach beyond this machine.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
  const requests: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  context.on('page', (page) => page.on('websocket', (socket) => requests.push(socket.url())));
  for (const page of context.pages()) page.on('websocket', (socket) => requests.push(socket.url()));
  return {
    context,
    requests,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
