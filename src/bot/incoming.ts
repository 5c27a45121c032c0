import type { Activity } from 'botbuilder';
import { z } from 'zod';
import { MAX_MESSAGE_CHARS } from '../conversation/decide';

/** What a card button sends (src/cards/adaptiveCards.ts); anything else in `value` is ignored. */
const cardSubmitSchema = z.union([
  z.object({ ask: z.string().trim().min(1).max(MAX_MESSAGE_CHARS) }),
  z.object({ feedback: z.enum(['helpful', 'unhelpful']), entryId: z.string().trim().min(1).max(100) }),
]);

/**
 * Teams writes every @mention into the text as <at>Name</at>: the bot's own, and anyone else's. Neither
 * says what is asked, and another person's name must not reach the curators' records. A pattern rather
 * than TurnContext.removeRecipientMention, which trusts the client's entities (a mention without an id
 * throws) and strips the bot's mention only.
 */
const MENTION = /<at>[^<]{0,256}<\/at>/gi;

export type Incoming = { kind: 'text'; text: string } | { kind: 'feedback'; entryId: string; helpful: boolean } | { kind: 'empty' };

/**
 * What a message says, whichever way it came: typed text without @mentions (Teams puts "<at>Bot</at>" in
 * the text of channel and group messages), or a card button's data (Web Chat sends a
 * button's data with no text; Teams sends both). Text is cut to MAX_MESSAGE_CHARS here, at the edge, once:
 * everything after reads at most that much, whatever was sent.
 */
export function readIncoming(activity: Partial<Activity>): Incoming {
  const submitted = cardSubmitSchema.safeParse(activity.value);
  if (submitted.success) {
    const data = submitted.data;
    return 'ask' in data ? { kind: 'text', text: data.ask } : { kind: 'feedback', entryId: data.entryId, helpful: data.feedback === 'helpful' };
  }
  if (typeof activity.text !== 'string') return { kind: 'empty' };
  const text = activity.text.replace(MENTION, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_MESSAGE_CHARS).trim();
  return text ? { kind: 'text', text } : { kind: 'empty' };
}
