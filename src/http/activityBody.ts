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

export function describeBodyProblems(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; ');
}
