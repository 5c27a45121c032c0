import type { AdaptiveCard } from '../cards/adaptiveCards';
import type { Address } from './ticket';

/** A message the bot starts itself, outside any turn: a card, or text. */
export interface OutgoingMessage {
  text?: string;
  card?: AdaptiveCard;
  /** What notifications and screen readers announce for a card. */
  summary?: string;
}

/**
 * Sends and updates messages in conversations the bot is not in a turn with (proactive messages). The
 * desk needs only this, so it knows nothing of the Bot Framework: src/bot/proactive.ts implements it.
 */
export interface Messenger {
  /** Posts a message; resolves to the channel's id for it, if the channel gives one. */
  send(address: Address, message: OutgoingMessage): Promise<string | undefined>;
  /** Replaces a message the bot sent earlier, such as a card whose state changed. */
  update(address: Address, activityId: string, message: OutgoingMessage): Promise<void>;
}
