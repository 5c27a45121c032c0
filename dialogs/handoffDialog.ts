import type { Activity, StatePropertyAccessor, TurnContext } from 'botbuilder';
import { ComponentDialog, Dialog, WaterfallDialog } from './dialogKit';
// From its own module, as dialogKit imports the others: only this dialog prompts, and it loads only with handoff.
import { TextPrompt } from 'botbuilder-dialogs/lib/prompts/textPrompt';
import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { z } from 'zod';
import { foldMessage } from '../src/faq';
import { keptQuestion } from '../src/handoff/ticket';
import type { Utterance, Voice } from './utterance';
import { HANDOFF_CONSENT, HANDOFF_DIALOG, HANDOFF_REQUEST, type HandoffConsent, type HandoffRequest, type HandoffStart } from './handoffTurn';

const ASK = 'HandoffDialog.ask';
const CONSENT = 'HandoffDialog.consent';
const QUESTION_PROMPT = 'HandoffDialog.question';

/** Tickets one conversation may open in an hour: a supporter rarely needs two, and a script gets no more. */
export const MAX_HANDOFFS_PER_HOUR = 3;
const HOUR_MS = 60 * 60 * 1000;

export interface HandoffDialogOptions {
  /** Whether an experts' channel is there to take questions. */
  available(): Promise<boolean>;
  /** Whether to offer an email address on this channel: the website, when email is configured. */
  asksEmail(channelId: string | undefined): boolean;
  ttlDays: number;
  voice: Voice;
  /** When this conversation asked the team, for MAX_HANDOFFS_PER_HOUR. */
  handoffTimes: StatePropertyAccessor<number[]>;
  now?: () => number;
}

const consentOptions = z.object({ question: z.string(), entryId: z.string().optional(), rated: z.boolean().optional() });

/** Words that say yes or no to the consent question on a channel without cards (its suggested actions). */
const YES = new Set(['send', 'send it', 'yes', 'yes please', 'send to the team', 'ok', 'okay']);
const NO = new Set(['dont send', 'do not send', 'no', 'no thanks', 'dont', 'no dont send it']);

function consentFromText(text: string | undefined): HandoffConsent | undefined {
  const folded = foldMessage(text ?? '');
  if (YES.has(folded)) return { send: true, email: '' };
  if (NO.has(folded)) return { send: false };
  return undefined;
}

/**
 * Asking the supporter care team: the question (asked for if the offer did not bring one), then what will
 * be sent and to whom, and the supporter's yes (with an optional email address on the website) or no.
 * Nothing is sent from here: a yes is left in the turn state, and the bot opens the ticket after the
 * turn's state is saved, so a turn that runs twice opens one ticket.
 */
export class HandoffDialog extends ComponentDialog {
  private readonly now: () => number;

  constructor(private readonly options: HandoffDialogOptions) {
    super(HANDOFF_DIALOG);
    this.now = options.now ?? Date.now;
    // A card's button carries no text, which the prompt would answer by asking again; toConsent reads it.
    this.addDialog(
      new TextPrompt(QUESTION_PROMPT, async (prompt) => prompt.recognized.succeeded || prompt.context.turnState.get(HANDOFF_CONSENT) !== undefined),
    );
    this.addDialog(new WaterfallDialog(ASK, [this.askQuestion.bind(this), this.toConsent.bind(this)]));
    this.addDialog(new WaterfallDialog(CONSENT, [this.showConsent.bind(this), this.handleConsent.bind(this)]));
    this.initialDialogId = ASK;
  }

  private async askQuestion(step: WaterfallStepContext<HandoffStart>): Promise<DialogTurnResult> {
    if (!(await this.options.available())) {
      await this.say(step.context, { kind: 'handoffUnavailable' });
      return step.endDialog();
    }
    if (step.options.question) return step.next(step.options.question);
    return step.prompt(QUESTION_PROMPT, { prompt: this.render(step.context, { kind: 'handoffQuestionPrompt' }) });
  }

  private async toConsent(step: WaterfallStepContext<HandoffStart>): Promise<DialogTurnResult> {
    // A button from an older consent card while the question is asked for: "Don't send" stops this one too,
    // and "Send" has nothing to send yet.
    const consent = step.context.turnState.get<HandoffConsent | undefined>(HANDOFF_CONSENT);
    if (consent) {
      await this.say(step.context, { kind: consent.send ? 'handoffStale' : 'handoffNotSent' });
      return step.endDialog();
    }
    const question = keptQuestion(typeof step.result === 'string' ? step.result : '');
    if (!question) return step.endDialog();
    return step.replaceDialog(CONSENT, { question, entryId: step.options.entryId, rated: step.options.rated });
  }

  private async showConsent(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { question, entryId } = consentOptions.parse(step.options);
    const channelId = step.context.activity.channelId;
    await this.say(step.context, {
      kind: 'handoffConsent',
      question,
      ...(entryId ? { entryId } : {}),
      askEmail: this.options.asksEmail(channelId),
      ttlDays: this.options.ttlDays,
    });
    return Dialog.EndOfTurn;
  }

  private async handleConsent(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = consentOptions.parse(step.options);
    const consent = step.context.turnState.get<HandoffConsent | undefined>(HANDOFF_CONSENT) ?? consentFromText(step.context.activity.text);
    // Something else entirely: a new question, which MainDialog routes as usual; nothing is sent.
    if (!consent) return step.endDialog({ reroute: true });
    if (!consent.send) {
      await this.say(step.context, { kind: 'handoffNotSent' });
      return step.endDialog();
    }
    const email = this.options.asksEmail(step.context.activity.channelId) ? consent.email.trim() : '';
    if (email && !z.email().max(254).safeParse(email).success) {
      await this.say(step.context, { kind: 'handoffInvalidEmail' });
      return step.replaceDialog(CONSENT, options);
    }
    if (!(await this.withinQuota(step.context))) {
      await this.say(step.context, { kind: 'handoffTooMany', perHour: MAX_HANDOFFS_PER_HOUR });
      return step.endDialog();
    }
    const request: HandoffRequest = { ...options, ...(email ? { email } : {}) };
    step.context.turnState.set(HANDOFF_REQUEST, request);
    return step.endDialog();
  }

  private render(context: TurnContext, what: Utterance): Partial<Activity> {
    return this.options.voice.render(what, context.activity.channelId);
  }

  private async say(context: TurnContext, what: Utterance): Promise<void> {
    await context.sendActivity(this.render(context, what));
  }

  /** Counts this request against the conversation's hourly allowance, if it fits. */
  private async withinQuota(context: TurnContext): Promise<boolean> {
    const now = this.now();
    const recent = (await this.options.handoffTimes.get(context, [])).filter((at) => now - at < HOUR_MS);
    if (recent.length >= MAX_HANDOFFS_PER_HOUR) return false;
    await this.options.handoffTimes.set(context, [...recent, now]);
    return true;
  }
}
