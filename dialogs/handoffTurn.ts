/**
 * What the bot and MainDialog tell the dialog of asking a person in a turn, and what it tells them back. Kept
 * apart from the dialog itself, which a bot loads only when handoff is configured (it and its TextPrompt are
 * about 40 ms of every start), so that the bot and MainDialog can read these without loading it.
 */

export const HANDOFF_DIALOG = 'HandoffDialog';

/** What starts the dialog: the question (redacted) and the entry it concerns, when the offer came with them. */
export interface HandoffStart {
  question?: string;
  entryId?: string;
  rated?: boolean;
}

/** The supporter's answer to the consent card this turn, which the bot reads off the card's button. */
export type HandoffConsent = { send: true; email: string } | { send: false };

/** What the supporter agreed to send; the bot opens the ticket once the turn's state is saved. */
export interface HandoffRequest {
  question: string;
  email?: string;
  entryId?: string;
  rated?: boolean;
}

/** Set by the bot when "Ask the supporter care team" was clicked: MainDialog begins the dialog with it. */
export const HANDOFF_START = Symbol('handoffStart');
/** Set by the bot when the consent card's "Send" or "Don't send" was clicked. */
export const HANDOFF_CONSENT = Symbol('handoffConsent');
/** Set by the dialog when the supporter said yes; read by the bot after the turn. */
export const HANDOFF_REQUEST = Symbol('handoffRequest');
