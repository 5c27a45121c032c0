import { z } from 'zod';

/**
 * What a browser may post to the local Direct Line endpoint. Only these fields reach the bot: identity,
 * channel and addressing are set by the endpoint, so a client cannot pose as someone else or as the bot, and
 * cannot fake a conversationUpdate.
 */
export const postedActivitySchema = z.object({
  type: z.enum(['message', 'event'], { error: 'must be "message" or "event"' }),
  /** Web Chat's own limit (styleOptions.maxMessageLength). */
  text: z.string({ error: 'must be a string' }).max(2000, 'must be at most 2,000 characters').optional(),
  textFormat: z.enum(['plain', 'markdown', 'xml'], { error: 'must be plain, markdown or xml' }).optional(),
  locale: z.string({ error: 'must be a string' }).max(35).optional(),
  localTimestamp: z.string({ error: 'must be a string' }).max(40).optional(),
  localTimezone: z.string({ error: 'must be a string' }).max(64).optional(),
  /** An event's name. */
  name: z.string({ error: 'must be a string' }).max(200).optional(),
  /** A card's submitted data. */
  value: z.unknown().optional(),
  /** Web Chat's clientActivityID lives here; it must come back in the echo or Web Chat reports "Send failed". */
  channelData: z.looseObject({}, { error: 'must be an object' }).optional(),
  entities: z
    .array(z.looseObject({ type: z.string() }), { error: 'must be an array of objects with a type' })
    .max(20)
    .optional(),
  attachments: z
    .array(z.looseObject({ contentType: z.string() }), { error: 'must be an array of objects with a contentType' })
    .max(10)
    .optional(),
});

/** The most a posted activity may take once parsed, so the transcripts' memory stays bounded. */
export const MAX_POSTED_ACTIVITY_CHARS = 8 * 1024;

/** A reply the bot posts back through the connector routes: the least it must be to be shown. */
export const botActivitySchema = z.looseObject({
  type: z.string({ error: 'is required and must be a string' }).min(1, 'must not be empty'),
  replyToId: z.string({ error: 'must be a string' }).optional(),
});

/** Direct Line's watermark: a count of activities, or empty (from the start). */
export const watermarkSchema = z
  .string()
  .regex(/^\d{0,9}$/)
  .transform((value) => (value === '' ? 0 : Number(value)));
