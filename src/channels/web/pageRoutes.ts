import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Request, Response, Server } from 'restify';
import { PROJECT_ROOT } from '../../shared/projectRoot';
import { routeParam } from '../http/routeParam';

/**
 * The supporter-facing page at GET /, its script and style, and the pinned Web Chat bundle, all from this
 * server: no CDN, so the page works offline and a compromised CDN cannot change what supporters run.
 */

const PUBLIC_DIR = resolve(PROJECT_ROOT, 'public');

/** Web Chat's package exports no file paths, so its bundle is found beside its resolvable entry point. */
const WEBCHAT_ROOT = resolve(dirname(require.resolve('botframework-webchat')), '..');
const WEBCHAT_VERSION = (JSON.parse(readFileSync(resolve(WEBCHAT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
/** The version is in the URL, so the bundle can be cached for good and an upgrade still reaches every browser. */
const WEBCHAT_URL = `/static/webchat-${WEBCHAT_VERSION}.js`;

export interface PageOptions {
  /** Origins the browser's chat connects to besides this server (Azure Direct Line, in production). */
  connectOrigins: readonly string[];
  /** Sites allowed to show the page in a frame. */
  frameAncestors: readonly string[];
}

const EMPTY_STYLE_HASH = `sha256-${createHash('sha256').update('').digest('base64')}`;

function contentSecurityPolicy(nonce: string, { connectOrigins, frameAncestors }: PageOptions): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    // Web Chat writes its styles into <style> elements at run time; the nonce admits those. Its transcript's
    // scroll panel (react-scroll-to-bottom) makes its own <style> without the nonce, empty, then fills it
    // through CSSOM, which CSP does not police: the hash of empty content admits that empty element and no
    // other inline style.
    `style-src 'self' 'nonce-${nonce}' '${EMPTY_STYLE_HASH}'`,
    // Web Chat draws its external-link icon from a data: URL and its typing and spinner animations from blob: URLs.
    "img-src 'self' data: blob:",
    ['connect-src', "'self'", ...connectOrigins].join(' '),
    "base-uri 'none'",
    "form-action 'none'",
    ['frame-ancestors', "'self'", ...frameAncestors].join(' '),
  ].join('; ');
}

/** The WebSocket origin that goes with an http(s) origin: Azure Direct Line streams over wss://. */
export function withWebSocketOrigin(origin: string): string[] {
  return [origin, origin.replace(/^http/, 'ws')];
}

export function registerPageRoutes(server: Server, options: PageOptions): void {
  const template = readFileSync(resolve(PUBLIC_DIR, 'index.html'), 'utf8').replaceAll('__WEBCHAT_URL__', WEBCHAT_URL);
  const assets = new Map([
    ['chat.js', { body: readFileSync(resolve(PUBLIC_DIR, 'chat.js')), type: 'text/javascript; charset=utf-8' }],
    ['chat.css', { body: readFileSync(resolve(PUBLIC_DIR, 'chat.css')), type: 'text/css; charset=utf-8' }],
  ]);
  const webChatBundle = readFileSync(resolve(WEBCHAT_ROOT, 'dist', 'webchat.js'));
  // About 3.9 MB, a quarter of that gzipped; compressed once, on first use, not at every start-up.
  let webChatGzipped: Promise<Buffer> | undefined;

  // nosniff is on every response already (src/channels/http/server.ts).
  const common = { 'Referrer-Policy': 'strict-origin-when-cross-origin' };

  server.get('/', async (_req: Request, res: Response) => {
    const nonce = randomBytes(16).toString('base64');
    res.sendRaw(200, template.replaceAll('__NONCE__', nonce), {
      ...common,
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': contentSecurityPolicy(nonce, options),
      // A fresh nonce each time, so the page itself is never cached.
      'Cache-Control': 'no-store',
    });
  });

  server.get('/static/:file', async (req: Request, res: Response) => {
    const file = routeParam(req, 'file');
    if (`/static/${file}` === WEBCHAT_URL) {
      const gzipped = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
      const body = gzipped ? await (webChatGzipped ??= promisify(gzip)(webChatBundle)) : webChatBundle;
      res.sendRaw(200, body, {
        ...common,
        'Content-Type': 'text/javascript; charset=utf-8',
        ...(gzipped ? { 'Content-Encoding': 'gzip' } : {}),
        Vary: 'Accept-Encoding',
        'Cache-Control': 'public, max-age=31536000, immutable',
      });
      return;
    }
    const asset = assets.get(file);
    if (!asset) {
      res.send(404, { error: 'not_found', reason: 'no such static file' });
      return;
    }
    // Unversioned names: browsers revalidate, so a deployment's changes show at once.
    res.sendRaw(200, asset.body, { ...common, 'Content-Type': asset.type, 'Cache-Control': 'no-cache' });
  });
}
