import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Activity, CloudAdapter, TurnContext } from 'botbuilder';
import type { Request, Response, Server } from 'restify';
import { readActivity, sendError } from '../http/activityBody';
import { errorFields, type Logger } from '../../shared/logger';
import { pseudonymise } from '../../shared/privacy';
import { botActivitySchema, MAX_POSTED_ACTIVITY_CHARS, postedActivitySchema, watermarkSchema } from './activitySchemas';
import { clientAddress } from '../http/clientAddress';
import { routeParam } from '../http/routeParam';
import type { Conversation, ConversationStore, Refusal } from './conversationStore';
import { newUserId, TOKEN_LIFETIME_SECONDS, type LocalTokens } from './localTokens';
import type { RateLimiter } from '../http/rateLimiter';

/**
 * For local development and tests only. A Direct Line 3.0-compatible endpoint inside the bot, so that stock Web Chat
 * (`createDirectLine({ domain, webSocket: false })`) works with no Azure: it starts conversations, takes the
 * browser's activities and returns the transcript by watermark (polling only). The bot's replies come back
 * the way they do from any channel: the adapter POSTs them to the activity's serviceUrl, which points at
 * connector routes here. Only for anonymous mode: the activities it hands the adapter carry no Bot Framework
 * token, and the server registers it only while MicrosoftAppId is unset.
 */

export const LOCAL_DIRECT_LINE_PREFIX = '/directline';

const BOT = { id: 'amnesty-faq-bot', name: 'Amnesty FAQ bot', role: 'bot' };

export interface LocalDirectLineOptions {
  adapter: CloudAdapter;
  logic: (context: TurnContext) => Promise<void>;
  tokens: LocalTokens;
  /** Holds the conversations within their limits, and rates each conversation's posts. */
  store: ConversationStore;
  /** Limits conversation starts per client, since they need no token. */
  limiter: RateLimiter;
  trustProxy: boolean;
  /** This server's own base URL, known only once it listens; the adapter posts replies there. */
  ownUrl: () => string;
  logger: Logger;
}

function bearer(req: Request): string | undefined {
  const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
  return match?.[1];
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function registerLocalDirectLine(server: Server, options: LocalDirectLineOptions): void {
  const { adapter, logic, tokens, store, limiter, trustProxy, ownUrl, logger } = options;
  const prefix = LOCAL_DIRECT_LINE_PREFIX;
  // The connector routes are unauthenticated (anonymous mode sends no token), so an unguessable path segment
  // is what stops anyone else from posting "bot" messages into a conversation. It never leaves the server.
  const connectorKey = randomBytes(24).toString('base64url');
  const serviceUrl = () => `${ownUrl()}${prefix}/connector/${connectorKey}`;

  /** Runs the bot on an activity from the browser side; its replies arrive on the connector routes. */
  async function toBot(conversation: Conversation, activity: Partial<Activity>): Promise<boolean> {
    try {
      await adapter.processActivityDirect('', { ...activity, serviceUrl: serviceUrl() } as Activity, logic);
      return true;
    } catch (err) {
      logger.error('directline_turn_failed', { ...errorFields(err), conversation: pseudonymise(conversation.id) });
      return false;
    }
  }

  /** The conversation a request's token opens, or undefined having answered 403/404. */
  function authorised(req: Request, res: Response): Conversation | undefined {
    const token = bearer(req);
    const claims = token ? tokens.verify(token) : undefined;
    const id = routeParam(req, 'conversationId');
    if (!claims || claims.conv !== id) {
      sendError(res, 403, 'forbidden', 'the token is missing, invalid, expired or for another conversation');
      return undefined;
    }
    const conversation = store.get(id);
    if (!conversation || conversation.userId !== claims.user) {
      sendError(res, 404, 'conversation_not_found', 'the conversation has ended or expired; start a new one');
      return undefined;
    }
    return conversation;
  }

  /** A token for the conversation; near the end of its lifetime, expires_in says so rather than promise 30 minutes. */
  function conversationReply(conversation: Conversation) {
    const token = tokens.issue({ user: conversation.userId, conv: conversation.id });
    return { conversationId: conversation.id, token, expires_in: Math.min(TOKEN_LIFETIME_SECONDS, store.secondsLeft(conversation)) };
  }

  function refuseStart(res: Response, refusal: Refusal): void {
    res.header('Retry-After', String(refusal.retryAfterSeconds));
    if (refusal.reason === 'client_full') {
      sendError(
        res,
        429,
        'too_many_conversations_for_client',
        `this address holds as many conversations as it may; close one or try again in ${refusal.retryAfterSeconds} s`,
      );
    } else {
      sendError(res, 503, 'too_many_conversations', `the local endpoint holds as many conversations as it can; try again in ${refusal.retryAfterSeconds} s`);
    }
  }

  server.post(`${prefix}/conversations`, async (req: Request, res: Response) => {
    // A token from GET /api/directline/token carries the visitor's user id, which Web Chat has read from it.
    // Stock Web Chat without a token sends "Bearer undefined": that visitor gets a fresh id instead.
    const token = bearer(req);
    let userId: string;
    if (token === undefined || token === 'undefined' || token === 'null') {
      userId = newUserId();
    } else {
      const claims = tokens.verify(token);
      if (!claims || claims.conv !== undefined) {
        sendError(res, 403, 'forbidden', 'the token is invalid or expired; fetch a new one from /api/directline/token');
        return;
      }
      userId = claims.user;
    }
    const client = clientAddress(req, trustProxy);
    const decision = limiter.take(client);
    if (!decision.allowed) {
      res.header('Retry-After', String(decision.retryAfterSeconds));
      sendError(res, 429, 'rate_limited', `too many conversations started; try again in ${decision.retryAfterSeconds} s`);
      return;
    }
    const admission = store.create(userId, client);
    if (!admission.admitted) {
      logger.debug('directline_conversation_refused', { reason: admission.reason, conversations: store.size });
      refuseStart(res, admission);
      return;
    }
    const { conversation } = admission;
    logger.debug('directline_conversation_started', { conversation: pseudonymise(conversation.id), conversations: store.size });
    // As Azure Direct Line does for a token that names its user: one conversationUpdate with both members,
    // which is the bot's one welcome path. Its id is never shown, so replies to it lose their replyToId.
    await toBot(conversation, {
      type: 'conversationUpdate',
      id: randomUUID(),
      timestamp: new Date(),
      channelId: 'directline',
      conversation: { id: conversation.id },
      from: { id: userId, role: 'user' },
      recipient: BOT,
      membersAdded: [BOT, { id: userId }],
    } as Partial<Activity>);
    res.send(201, conversationReply(conversation));
  });

  server.post(`${prefix}/tokens/refresh`, async (req: Request, res: Response) => {
    const token = bearer(req);
    const claims = token ? tokens.verify(token) : undefined;
    const conversation = claims?.conv !== undefined ? store.get(claims.conv) : undefined;
    if (!claims || !conversation || conversation.userId !== claims.user) {
      sendError(res, 403, 'forbidden', 'the token is missing, invalid or expired, or its conversation has ended');
      return;
    }
    res.send(200, conversationReply(conversation));
  });

  server.post(`${prefix}/conversations/:conversationId/activities`, async (req: Request, res: Response) => {
    const conversation = authorised(req, res);
    if (!conversation) return;
    // Before anything else: a refused post costs no parsing, no transcript and no turn of the bot.
    const decision = store.admitPost(conversation);
    if (!decision.allowed) {
      // Debug only: a line for every refused post would let the flood reach the logs.
      logger.debug('directline_post_rate_limited', { conversation: pseudonymise(conversation.id) });
      res.header('Retry-After', String(decision.retryAfterSeconds));
      sendError(res, 429, 'rate_limited', `too many activities posted to this conversation; try again in ${decision.retryAfterSeconds} s`);
      return;
    }
    const posted = readActivity(req, res, postedActivitySchema);
    if (!posted) return;
    if (JSON.stringify(posted).length > MAX_POSTED_ACTIVITY_CHARS) {
      sendError(res, 413, 'activity_too_large', `the activity must be at most ${MAX_POSTED_ACTIVITY_CHARS} characters of JSON`);
      return;
    }
    // The echo: Web Chat shows the user's own message once it comes back in the transcript.
    const stored = store.append(conversation, {
      ...posted,
      channelId: 'directline',
      conversation: { id: conversation.id },
      from: { id: conversation.userId, role: 'user' },
      recipient: BOT,
    } as Partial<Activity>);
    if (!(await toBot(conversation, stored))) {
      sendError(res, 502, 'bot_failed', 'the bot could not process this activity');
      return;
    }
    res.send(200, { id: stored.id });
  });

  server.get(`${prefix}/conversations/:conversationId/activities`, async (req: Request, res: Response) => {
    const conversation = authorised(req, res);
    if (!conversation) return;
    const watermark = watermarkSchema.safeParse(new URLSearchParams(req.getQuery()).get('watermark') ?? '');
    if (!watermark.success) {
      sendError(res, 400, 'invalid_watermark', 'watermark must be a whole number (a count of activities), or empty');
      return;
    }
    res.header('Cache-Control', 'no-store');
    res.send(200, store.since(conversation, watermark.data));
  });

  async function fromBot(req: Request, res: Response): Promise<void> {
    if (!sameSecret(routeParam(req, 'key'), connectorKey)) {
      sendError(res, 403, 'forbidden', 'unknown connector');
      return;
    }
    const conversation = store.get(routeParam(req, 'conversationId'));
    if (!conversation) {
      sendError(res, 404, 'conversation_not_found', 'no such conversation');
      return;
    }
    const reply = readActivity(req, res, botActivitySchema);
    if (!reply) return;
    // serviceUrl holds the connector key; the browser needs neither it nor a replyToId it will never see
    // (Web Chat would hold such a reply back for seconds waiting for the activity it answers).
    const { serviceUrl: _serviceUrl, replyToId, ...activity } = reply;
    const stored = store.append(conversation, {
      ...activity,
      ...(replyToId !== undefined && store.holds(conversation, replyToId) ? { replyToId } : {}),
      channelId: 'directline',
      conversation: { id: conversation.id },
    } as Partial<Activity>);
    res.send(200, { id: stored.id });
  }

  server.post(`${prefix}/connector/:key/v3/conversations/:conversationId/activities`, fromBot);
  server.post(`${prefix}/connector/:key/v3/conversations/:conversationId/activities/:activityId`, fromBot);
}
