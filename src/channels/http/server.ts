import type { Activity } from 'botbuilder';
import restify, { type Next, type Request, type Response } from 'restify';
import type { ActivityProcessor } from '../../bot/adapter';
import type { Logger } from '../../shared/logger';
import { activityBodySchema, readActivity, sendError } from './activityBody';
import { frameworkLog } from './frameworkLog';
import { isLoopbackUrl } from '../../shared/loopback';

interface Health {
  status: 'ok' | 'degraded';
  store: 'up' | 'down';
  storage: string;
  entries: number;
  /** The knowledge version served: 1 is knowledge/ as committed, later ones were published by curators. */
  knowledge: number;
  version: string;
}

export interface ServerOptions {
  /** Authenticates and runs one Bot Framework activity. */
  process: ActivityProcessor;
  /** Without Bot Framework credentials, replies may go to loopback serviceUrls only (see the POST handler). */
  anonymous: boolean;
  /** Reports the store too: an instance whose store is down says so with a 503, so a load balancer can route around it. */
  health: () => Promise<Health>;
  logger: Logger;
  /**
   * The other channels' routes (the website chat), added by the composition root so that this layer knows
   * none of them; ownUrl is how the server reaches itself over loopback.
   */
  routes?: (server: restify.Server, ownUrl: () => string) => void;
}

/** Activities are small; a larger body is a mistake or an attack, not a question. */
const MAX_BODY_BYTES = 64 * 1024;
/**
 * A request's headers and body must both arrive within this. Node's own timeouts are set to it too, but
 * Node checks them only every 30 s, so a body still arriving at the deadline is cut off here.
 */
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * How this server reaches itself, for the local Direct Line endpoint's serviceUrl: over loopback, even when
 * it listens on every interface.
 */
function ownUrl(server: restify.Server): string {
  const { address, port } = server.address();
  const host = address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '::1' : address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * Bodies are read only as sent. restify's parser inflates gzip into an unbounded buffer (it counts the
 * compressed bytes against the limit) and lets a gzip stream that is not gzip crash the process; no client
 * of ours compresses what it posts, so a Content-Encoding other than identity is refused before any body is read.
 */
function refuseEncodedBodies(req: Request, res: Response, next: Next): void {
  const encoding = req.headers['content-encoding'];
  if (encoding === undefined) {
    next();
    return;
  }
  if (encoding.trim().toLowerCase() !== 'identity') {
    res.header('Connection', 'close');
    sendError(res, 415, 'unsupported_content_encoding', 'request bodies must not be compressed (Content-Encoding: identity)');
    next(false);
    return;
  }
  // restify's parser refuses any encoding it does not inflate, identity included, though it means "none".
  delete req.headers['content-encoding'];
  next();
}

/** A body that trickles in is cut off at the deadline: 408, and the connection closed. */
function bodyDeadline(req: Request, res: Response, next: Next): void {
  const timer = setTimeout(() => {
    if (req.complete || res.headersSent) return;
    res.header('Connection', 'close');
    sendError(res, 408, 'request_timeout', `the request did not arrive within ${REQUEST_TIMEOUT_MS / 1000} s`);
    req.socket.destroySoon();
  }, REQUEST_TIMEOUT_MS);
  timer.unref();
  req.once('end', () => {
    clearTimeout(timer);
  });
  req.once('close', () => {
    clearTimeout(timer);
  });
  next();
}

function noSniff(_req: Request, res: Response, next: Next): void {
  res.header('X-Content-Type-Options', 'nosniff');
  next();
}

export function createServer({ process, anonymous, health, logger, routes }: ServerOptions): restify.Server {
  const server = restify.createServer({ name: 'amnesty-movement-faq-bot', log: frameworkLog(logger) });
  server.server.headersTimeout = REQUEST_TIMEOUT_MS;
  server.server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.pre(noSniff);
  server.pre(refuseEncodedBodies);
  server.pre(bodyDeadline);
  server.use(restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false, rejectUnknown: true }));

  // restify's own errors (bad JSON, too large, unknown route) keep their status but share our JSON shape,
  // with restify's own wording: never the route or body that was asked for.
  server.on(
    'restifyError',
    (_req: Request, _res: Response, err: { toJSON?: () => unknown; body?: { code?: string }; statusCode?: number }, callback: () => void) => {
      const code = err.body?.code ?? 'Error';
      err.toJSON = () => ({ error: code, reason: reasonFor(code) });
      callback();
    },
  );

  server.post('/api/messages', async (req: Request, res: Response) => {
    const activity = readActivity(req, res, activityBodySchema);
    if (!activity) return;
    // Anonymous mode is for the Emulator and local tests: a reply to anywhere else would make the bot a
    // relay for whoever can reach it. With credentials, the Connector's token vouches for the serviceUrl.
    if (anonymous && activity.serviceUrl !== undefined && !isLoopbackUrl(activity.serviceUrl)) {
      sendError(res, 403, 'service_url_not_allowed', 'without Bot Framework credentials the bot replies to loopback serviceUrls only');
      return;
    }
    const authorization = req.headers.authorization;
    const result = await process(typeof authorization === 'string' ? authorization : '', activity as unknown as Activity);
    if (result.body === undefined) {
      res.status(result.status);
      res.end();
    } else {
      res.send(result.status, result.body);
    }
  });

  server.get('/healthz', async (_req: Request, res: Response) => {
    const report = await health();
    res.header('Cache-Control', 'no-store');
    res.send(report.status === 'ok' ? 200 : 503, report);
  });

  routes?.(server, () => ownUrl(server));

  return server;
}

/** What restify's error codes mean, in words that quote nothing of the request. */
function reasonFor(code: string): string {
  switch (code) {
    case 'ResourceNotFound':
      return 'no such route';
    case 'MethodNotAllowed':
      return 'this route does not take that method';
    case 'PayloadTooLarge':
    case 'RequestEntityTooLarge':
      return `the body must be at most ${MAX_BODY_BYTES / 1024} KB`;
    case 'UnsupportedMediaType':
      return 'the body must be JSON (Content-Type: application/json)';
    case 'BadRequest':
    case 'InvalidContent':
      return 'the body is not valid JSON';
    default:
      return 'the request could not be handled';
  }
}
