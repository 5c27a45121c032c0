import type { AddressInfo } from 'node:net';
import type { CloudAdapter, TurnContext } from 'botbuilder';
import restify, { type Request, type Response } from 'restify';
import { registerWebChat, type WebChatOptions } from '../directline/webChat';
import { errorFields, type Logger } from '../logger';
import { activityBodySchema, readActivity, sendError } from './activityBody';

export interface Health {
  status: 'ok' | 'degraded';
  store: 'up' | 'down';
  storage: string;
  entries: number;
  version: string;
}

export interface ServerOptions {
  adapter: CloudAdapter;
  logic: (context: TurnContext) => Promise<void>;
  /** Reports the store too: an instance whose store is down says so with a 503, so a load balancer can route around it. */
  health: () => Promise<Health>;
  logger: Logger;
  webChat: WebChatOptions;
}

/** Activities are small; a larger body is a mistake or an attack, not a question. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * How this server reaches itself, for the local Direct Line endpoint's serviceUrl: over loopback, even when
 * it listens on every interface.
 */
function ownUrl(server: restify.Server): string {
  const { address, port } = server.address() as AddressInfo;
  const host = address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '::1' : address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function createServer({ adapter, logic, health, logger, webChat }: ServerOptions): restify.Server {
  const server = restify.createServer({ name: 'amnesty-movement-faq-bot' });
  server.use(restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false, rejectUnknown: true }));

  // restify's own errors (bad JSON, too large, unknown route) keep their status but share our JSON shape.
  server.on('restifyError', (_req: Request, _res: Response, err: { toJSON?: () => unknown; body?: { code?: string; message?: string }; message: string }, callback: () => void) => {
    const code = err.body?.code ?? 'Error';
    err.toJSON = () => ({ error: code, reason: err.message });
    callback();
  });

  server.post('/api/messages', async (req: Request, res: Response) => {
    if (!readActivity(req, res, activityBodySchema)) return;
    try {
      await adapter.process(req, res, logic);
    } catch (err) {
      logger.error('process_failed', errorFields(err));
      if (!res.headersSent) sendError(res, 500, 'internal_error', 'the bot could not process this activity');
    }
  });

  server.get('/healthz', async (_req: Request, res: Response) => {
    const report = await health();
    res.send(report.status === 'ok' ? 200 : 503, report);
  });

  registerWebChat(server, { adapter, logic, logger, ownUrl: () => ownUrl(server) }, webChat);

  return server;
}
