import type { Activity } from 'botbuilder';
import { z } from 'zod';
import { MAX_MESSAGE_CHARS } from '../faq';

const entryId = z.string().trim().min(1).max(100);

/** What a card button sends (src/cards/adaptiveCards.ts, handoffCards.ts); anything else in `value` is ignored. */
const cardSubmitSchema = z.union([
  z.object({ ask: z.string().trim().min(1).max(MAX_MESSAGE_CHARS) }),
  // The question a 👎 carries is a message the bot read, already redacted, which placeholders can lengthen a little.
  z.object({
    feedback: z.enum(['helpful', 'unhelpful']),
    entryId,
    question: z
      .string()
      .trim()
      .min(1)
      .max(2 * MAX_MESSAGE_CHARS)
      .optional(),
  }),
  z.object({
    handoff: z.literal('offer'),
    question: z.string().trim().min(1).max(MAX_MESSAGE_CHARS).optional(),
    entryId: entryId.optional(),
    rated: z.boolean().optional(),
  }),
  // The email input arrives empty when left blank; its validity is the dialog's to judge, so it can say so.
  z.object({ handoff: z.literal('send'), email: z.string().trim().max(1000).optional() }),
  z.object({ handoff: z.literal('cancel') }),
]);

/**
 * Teams writes every @mention into the text as <at>Name</at>: the bot's own, and anyone else's. Neither
 * says what is asked, and another person's name must not reach the curators' records. A pattern rather
 * than TurnContext.removeRecipientMention, which trusts the client's entities (a mention without an id
 * throws) and strips the bot's mention only.
 */
const MENTION = /<at>[^<]{0,256}<\/at>/gi;

export type Incoming =
  | { kind: 'text'; text: string }
  /** question: what a 👎 says was asked; a client can send anything there, so it is kept as any question is, redacted. */
  | { kind: 'feedback'; entryId: string; helpful: boolean; question?: string }
  | { kind: 'handoffOffer'; question?: string; entryId?: string; rated?: boolean }
  | { kind: 'handoffSend'; email: string }
  | { kind: 'handoffCancel' }
  | { kind: 'empty' };

/**
 * What a message says, whichever way it came: typed text without @mentions (Teams puts "<at>Bot</at>" in
 * the text of channel and group messages), or a card button's data (Web Chat sends a
 * button's data with no text; Teams sends both). Text is cut to MAX_MESSAGE_CHARS here, at the edge, once:
 * everything after reads at most that much, whatever was sent.
 */
export function readIncoming(activity: Partial<Activity>): Incoming {
  // Typed text carries no value: the schema is asked only of what a button may have sent, as a failed
  // parse builds an issue for every branch of the union.
  const submitted = activity.value === undefined ? undefined : cardSubmitSchema.safeParse(activity.value);
  if (submitted?.success) {
    const data = submitted.data;
    if ('ask' in data) return { kind: 'text', text: data.ask };
    if ('feedback' in data) {
      const helpful = data.feedback === 'helpful';
      return { kind: 'feedback', entryId: data.entryId, helpful, ...(!helpful && data.question ? { question: data.question } : {}) };
    }
    if (data.handoff === 'offer') return { kind: 'handoffOffer', question: data.question, entryId: data.entryId, rated: data.rated };
    if (data.handoff === 'send') return { kind: 'handoffSend', email: data.email ?? '' };
    return { kind: 'handoffCancel' };
  }
  if (typeof activity.text !== 'string') return { kind: 'empty' };
  const text = activity.text.replace(MENTION, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_MESSAGE_CHARS).trim();
  return text ? { kind: 'text', text } : { kind: 'empty' };
}
