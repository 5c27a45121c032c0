import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { Logger } from '../../shared/logger';
import { sendError } from '../http/activityBody';
import { clientAddress } from '../http/clientAddress';
import { newUserId, TOKEN_LIFETIME_SECONDS, type LocalTokens } from '../local-directline/localTokens';
import type { RateLimiter } from '../http/rateLimiter';

const TOKEN_PATH = '/api/directline/token';

/** Where the page's chat connects: Azure Direct Line, the bot's own local endpoint, or nowhere. */
export type ChatBackend =
  { kind: 'azure'; secret: string; tokenUrl: string; domain: string } | { kind: 'local'; tokens: LocalTokens; domain: string } | { kind: 'off' };

export interface TokenEndpointOptions {
  backend: ChatBackend;
  /** Other sites allowed to call this endpoint from a browser. */
  allowedOrigins: readonly string[];
  limiter: RateLimiter;
  trustProxy: boolean;
  logger: Logger;
}

/** What Azure's tokens/generate answers; anything else is treated as the service failing. */
const upstreamReplySchema = z.object({
  token: z.string().min(1),
  conversationId: z.string().min(1).optional(),
  expires_in: z.number().int().positive(),
});

const UPSTREAM_TIMEOUT_MS = 10_000;

/** A same-origin request (the page served here) or one from a listed site. Origin "null" is neither. */
function originAccepted(origin: string, req: Request, allowed: readonly string[]): 'same' | 'listed' | undefined {
  if (allowed.includes(origin)) return 'listed';
  try {
    return new URL(origin).host === req.headers.host ? 'same' : undefined;
  } catch {
    return undefined;
  }
}

/**
 * GET /api/directline/token: a short-lived Direct Line token for one visitor, bound to a fresh unguessable
 * user id, so that the Direct Line secret never leaves this server. Without a secret, the token opens the
 * bot's own local endpoint instead, so the page works the same way in both cases.
 */
export function registerTokenEndpoint(server: Server, options: TokenEndpointOptions): void {
  const { backend, allowedOrigins, limiter, trustProxy, logger } = options;

  /**
   * Answers CORS for listed origins only. The token request is a plain GET without custom headers, which
   * browsers send without a preflight, so there is no OPTIONS route. Returns false (having answered 403) for
   * a browser on a site that is not listed: refusing outright spares the token service calls whose answers
   * that browser could not read anyway.
   */
  function cors(req: Request, res: Response): boolean {
    res.header('Vary', 'Origin');
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    const accepted = originAccepted(origin, req, allowedOrigins);
    if (!accepted) {
      sendError(res, 403, 'origin_not_allowed', 'this origin is not in ALLOWED_ORIGINS');
      return false;
    }
    if (accepted === 'listed') res.header('Access-Control-Allow-Origin', origin);
    return true;
  }

  server.get(TOKEN_PATH, async (req: Request, res: Response) => {
    res.header('Cache-Control', 'no-store');
    if (!cors(req, res)) return;
    const decision = limiter.take(clientAddress(req, trustProxy));
    if (!decision.allowed) {
      res.header('Retry-After', String(decision.retryAfterSeconds));
      sendError(res, 429, 'rate_limited', `too many token requests; try again in ${decision.retryAfterSeconds} s`);
      return;
    }

    switch (backend.kind) {
      case 'off':
        sendError(res, 503, 'chat_unavailable', 'web chat is not configured: set DIRECT_LINE_SECRET (the local endpoint is off while MicrosoftAppId is set)');
        return;
      case 'local': {
        const userId = newUserId();
        res.send(200, { mode: 'local', token: backend.tokens.issue({ user: userId }), expires_in: TOKEN_LIFETIME_SECONDS, userId, domain: backend.domain });
        return;
      }
      case 'azure': {
        const userId = newUserId();
        const reply = await exchangeSecret(backend, userId, logger);
        if (!reply) {
          sendError(res, 502, 'token_service_failed', 'the Direct Line token service did not give a token; try again later');
          return;
        }
        res.send(200, { mode: 'azure', ...reply, userId, domain: backend.domain });
        return;
      }
    }
  });
}

/** The token service's answer, or undefined if it failed. Logs only what went wrong, never the secret or the token. */
async function exchangeSecret(
  backend: Extract<ChatBackend, { kind: 'azure' }>,
  userId: string,
  logger: Logger,
): Promise<z.infer<typeof upstreamReplySchema> | undefined> {
  let response: globalThis.Response;
  try {
    response = await fetch(backend.tokenUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${backend.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user: { id: userId } }),
      signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
    });
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? (err.cause as NodeJS.ErrnoException).code : undefined;
    logger.warn('token_service_unreachable', { error: err instanceof Error ? err.name : typeof err, cause });
    return undefined;
  }
  const text = await response.text().catch(() => '');
  if (!response.ok) {
    logger.warn('token_service_refused', { status: response.status });
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const reply = upstreamReplySchema.safeParse(json);
  if (!reply.success) {
    logger.warn('token_service_bad_reply', { status: response.status });
    return undefined;
  }
  return reply.data;
}
