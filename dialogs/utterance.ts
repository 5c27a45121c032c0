import type { Activity } from 'botbuilder';
import type { Entry, SmallTalk, TopicInfo, Unsaid } from '../src/faq';

/**
 * What a dialog says, as data. The dialogs choose *what* to say; the bot's voice (src/bot/voice.ts) chooses
 * how this turn's channel shows it, so the dialogs never import the bot.
 */
export type Utterance =
  | { kind: 'help' }
  | { kind: 'cancelled' }
  | { kind: 'restarted' }
  | { kind: 'smallTalk'; smallTalk: SmallTalk }
  /** asked: the question in the supporter's words, which a 👎 carries back for curators; none for a pick from a list. */
  | { kind: 'answer'; entry: Entry; related: readonly Entry[]; asked?: string }
  | { kind: 'didYouMean'; options: readonly Entry[] }
  /** unsaid: what the page does not say of what was asked, for the reply to name. */
  | { kind: 'partial'; entry: Entry; unsaid: Unsaid }
  /** nearest: questions it can answer that came closest to the one asked, if any came close. */
  | { kind: 'dontKnow'; nearest?: readonly Entry[] }
  | { kind: 'topicOverview'; topic: TopicInfo }
  | { kind: 'topicMenu'; entries: readonly Entry[] }
  /** "Ask the supporter care team", with the question and the entry it concerns when there are any. */
  | { kind: 'handoffOffer'; question?: string; entryId?: string; rated?: boolean }
  | { kind: 'handoffQuestionPrompt' }
  /** What will be sent and to whom; askEmail on the website, where the supporter may leave before the answer. */
  | { kind: 'handoffConsent'; question: string; entryId?: string; askEmail: boolean; ttlDays: number }
  | { kind: 'handoffNotSent' }
  | { kind: 'handoffUnavailable' }
  | { kind: 'handoffInvalidEmail' }
  | { kind: 'handoffTooMany'; perHour: number }
  | { kind: 'handoffStale' };

/** How an utterance becomes an activity for a channel: the one thing the dialogs need of the bot. */
export interface Voice {
  render(what: Utterance, channelId: string | undefined): Partial<Activity>;
}
