import type { Request, Response } from 'restify';
import { z } from 'zod';

/** Deeper than any real activity (a Teams card submit nests about six), shallow enough to walk, clone and serialise. */
const MAX_JSON_DEPTH = 32;

const text = (max: number) => z.string({ error: 'must be a string' }).max(max, `must be at most ${max} characters`);
const account = z.looseObject(
  { id: text(1024), name: text(256).optional(), aadObjectId: text(128).optional(), role: text(32).optional() },
  { error: 'must be an object with an id' },
);

/**
 * The fields of an incoming activity that botbuilder and the bot read, each with the type they assume.
 * botbuilder checks almost none of them: a number for `entities` or a `mentioned` without an id throws
 * deep inside a turn. So anything else is answered with a 400 and a reason here.
 */
export const activityBodySchema = z.looseObject({
  type: text(64).min(1, 'must not be empty'),
  id: text(256).optional(),
  channelId: text(64).min(1, 'must not be empty'),
  conversation: z.looseObject(
    {
      id: text(1024).min(1, 'must not be empty'),
      isGroup: z.boolean({ error: 'must be true or false' }).optional(),
      tenantId: text(128).optional(),
      conversationType: text(64).optional(),
    },
    { error: 'is required and must be an object with an id' },
  ),
  serviceUrl: text(2048).optional(),
  text: z.string({ error: 'must be a string' }).optional(),
  textFormat: text(32).optional(),
  locale: text(64).optional(),
  timestamp: text(64).optional(),
  localTimestamp: text(64).optional(),
  deliveryMode: text(32).optional(),
  replyToId: text(256).optional(),
  name: text(256).optional(),
  action: text(64).optional(),
  from: account.optional(),
  recipient: account.optional(),
  membersAdded: z.array(account, { error: 'must be an array of accounts' }).optional(),
  membersRemoved: z.array(account, { error: 'must be an array of accounts' }).optional(),
  entities: z
    .array(z.looseObject({ type: text(64) }), { error: 'must be an array of objects with a type' })
    .max(50, 'must have at most 50 entries')
    .optional(),
  attachments: z
    .array(z.looseObject({ contentType: text(256) }), { error: 'must be an array of objects with a contentType' })
    .max(20, 'must have at most 20 entries')
    .optional(),
  channelData: z
    .looseObject({ eventType: text(64).optional(), tenant: z.looseObject({ id: text(128).optional() }).optional() }, { error: 'must be an object' })
    .optional(),
});

function describeBodyProblems(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || 'body'} ${i.message}`)
    .join('; ');
}

/** Every error this server sends itself has one JSON shape: `{ error, reason }`. */
export function sendError(res: Response, status: number, error: string, reason: string): void {
  res.send(status, { error, reason });
}

/** Whether a parsed JSON value nests deeper than `max`; walked with a stack of its own, so any depth is safe to ask about. */
function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [current, depth] = next;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * A request's activity, checked against `schema`; undefined once a 400 with the reason has been sent.
 * Shared by the Bot Framework endpoint and the local Direct Line endpoint, so both refuse alike.
 */
export function readActivity<T>(req: Request, res: Response, schema: z.ZodType<T>): T | undefined {
  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
    sendError(res, 400, 'invalid_activity', 'the body must be a JSON object (Content-Type: application/json)');
    return undefined;
  }
  if (nestsDeeperThan(req.body, MAX_JSON_DEPTH)) {
    sendError(res, 400, 'invalid_activity', `the body nests deeper than ${MAX_JSON_DEPTH} levels`);
    return undefined;
  }
  const parsed = schema.safeParse(req.body);
  if (!parsed.success) {
    sendError(res, 400, 'invalid_activity', describeBodyProblems(parsed.error));
    return undefined;
  }
  return parsed.data;
}
