import type { Request, Response } from 'restify';
import { z } from 'zod';

/**
 * The least an incoming request must be for the adapter to process it. Anything less is answered with a
 * 400 and a reason here, instead of failing deep inside the adapter.
 */
export const activityBodySchema = z.looseObject({
  type: z.string({ error: 'is required and must be a string' }).min(1, 'must not be empty'),
  conversation: z.looseObject(
    { id: z.string({ error: 'is required and must be a string' }).min(1, 'must not be empty') },
    { error: 'is required and must be an object with an id' },
  ),
  serviceUrl: z.string({ error: 'must be a string' }).optional(),
  text: z.string({ error: 'must be a string' }).optional(),
  from: z.looseObject({ id: z.string({ error: 'must be a string' }) }, { error: 'must be an object with an id' }).optional(),
  recipient: z.looseObject({ id: z.string({ error: 'must be a string' }) }, { error: 'must be an object with an id' }).optional(),
  membersAdded: z.array(z.looseObject({ id: z.string({ error: 'must be a string' }) })).optional(),
});

function describeBodyProblems(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ');
}

/** Every error this server sends itself has one JSON shape: `{ error, reason }`. */
export function sendError(res: Response, status: number, error: string, reason: string): void {
  res.send(status, { error, reason });
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
  const parsed = schema.safeParse(req.body);
  if (!parsed.success) {
    sendError(res, 400, 'invalid_activity', describeBodyProblems(parsed.error));
    return undefined;
  }
  return parsed.data;
}
