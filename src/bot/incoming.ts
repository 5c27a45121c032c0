import { TurnContext, type Activity } from 'botbuilder';
import { z } from 'zod';
import { MAX_MESSAGE_CHARS } from '../conversation/decide';

/** What a card button sends (src/cards/adaptiveCards.ts); anything else in `value` is ignored. */
const cardSubmitSchema = z.union([
  z.object({ ask: z.string().trim().min(1).max(MAX_MESSAGE_CHARS) }),
  z.object({ feedback: z.enum(['helpful', 'unhelpful']), entryId: z.string().trim().min(1).max(100) }),
]);

export type Incoming = { kind: 'text'; text: string } | { kind: 'feedback'; entryId: string; helpful: boolean } | { kind: 'empty' };

/**
 * What a message says, whichever way it came: typed text without the bot's @mention (Teams puts
 * "<at>Bot</at>" in the text of channel and group messages), or a card button's data (Web Chat sends a
 * button's data with no text; Teams sends both).
 */
export function readIncoming(activity: Partial<Activity>): Incoming {
  const submitted = cardSubmitSchema.safeParse(activity.value);
  if (submitted.success) {
    const data = submitted.data;
    return 'ask' in data ? { kind: 'text', text: data.ask } : { kind: 'feedback', entryId: data.entryId, helpful: data.feedback === 'helpful' };
  }
  const text = activity.entities?.some((e) => e.type === 'mention') ? TurnContext.removeRecipientMention(activity) : activity.text;
  return text?.trim() ? { kind: 'text', text: text.trim() } : { kind: 'empty' };
}
