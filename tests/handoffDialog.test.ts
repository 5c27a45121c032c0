import { resolve } from 'node:path';
import { CardFactory, ConversationState, MemoryStorage, type Activity, type Middleware, type TurnContext } from 'botbuilder';
import { DialogTurnStatus } from 'botbuilder-dialogs';
import { DialogTestClient } from 'botbuilder-testing';
import { expect } from 'chai';
import { HandoffDialog, MAX_HANDOFFS_PER_HOUR, type HandoffDialogOptions } from '../dialogs/handoffDialog';
import { HANDOFF_CONSENT, HANDOFF_REQUEST, type HandoffConsent, type HandoffRequest, type HandoffStart } from '../dialogs/handoffTurn';
import { DONT_SEND, SEND_TO_TEAM } from '../src/bot/replies';
import { botVoice } from '../src/bot/voice';
import { keptQuestion, MAX_TICKET_QUESTION_CHARS } from '../src/handoff/ticket';
import { PROJECT_ROOT } from '../src/shared/projectRoot';
import { loadKnowledge } from '../src/faq/knowledge/loadKnowledge';
import { sendAll } from './helpers/bot';
import { shownText } from './helpers/shown';

const topics = loadKnowledge(resolve(PROJECT_ROOT, 'knowledge')).topics;
const HOUR_MS = 60 * 60 * 1000;
const QUESTION = 'Are board members paid?';

type Channel = 'test' | 'directline' | 'msteams';

interface CardElement {
  type?: string;
  id?: string;
  body?: CardElement[];
  items?: CardElement[];
  columns?: CardElement[];
}

/** The consent card's buttons, as the supporter's client sends them back: a message with a value and no text. */
const sendValue = (email = ''): Partial<Activity> => ({ type: 'message', value: { handoff: 'send', question: QUESTION, email } });
const cancelValue = (): Partial<Activity> => ({ type: 'message', value: { handoff: 'cancel' } });

/**
 * What src/bot/faqBot.ts does with a consent card's button: it puts the answer in the turn state (and
 * clears the text) before the dialog runs. After the turn, whatever request the dialog left is kept, so
 * a test can see what would have been sent.
 */
class ConsentMiddleware implements Middleware {
  /** The request left by the last turn; reset at the start of each. */
  request: HandoffRequest | undefined;

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    this.request = undefined;
    const value = context.activity.value as { handoff?: string; email?: string } | undefined;
    if (value?.handoff === 'send' || value?.handoff === 'cancel') {
      const consent: HandoffConsent = value.handoff === 'send' ? { send: true, email: value.email ?? '' } : { send: false };
      context.turnState.set(HANDOFF_CONSENT, consent);
      context.activity.text = '';
    }
    await next();
    this.request = context.turnState.get(HANDOFF_REQUEST) as HandoffRequest | undefined;
  }
}

interface Harness {
  client: DialogTestClient;
  consent: ConsentMiddleware;
  conversationState: ConversationState;
  clock: { now: number };
}

function harness(
  channel: Channel,
  start: HandoffStart | undefined,
  overrides: { available?: boolean; conversationState?: ConversationState; clock?: { now: number } } = {},
): Harness {
  const conversationState = overrides.conversationState ?? new ConversationState(new MemoryStorage());
  const clock = overrides.clock ?? { now: Date.UTC(2025, 0, 1, 12) };
  const options: HandoffDialogOptions = {
    available: async () => overrides.available ?? true,
    asksEmail: (channelId) => channelId === 'directline',
    ttlDays: 14,
    voice: botVoice(topics),
    handoffTimes: conversationState.createProperty<number[]>('handoffTimes'),
    now: () => clock.now,
  };
  const consent = new ConsentMiddleware();
  // The same ConversationState goes to the client, whose AutoSaveStateMiddleware then saves handoffTimes too.
  const client = new DialogTestClient(channel, new HandoffDialog(options), start, [consent], conversationState);
  return { client, consent, conversationState, clock };
}

function adaptiveCard(activity: Partial<Activity> | undefined): CardElement {
  const attachment = activity?.attachments?.[0];
  expect(attachment, 'an attachment').to.exist;
  expect(attachment!.contentType).to.equal(CardFactory.contentTypes.adaptiveCard);
  return attachment!.content as CardElement;
}

function elements(card: CardElement): CardElement[] {
  const found: CardElement[] = [];
  const walk = (e: CardElement) => {
    found.push(e);
    for (const child of [...(e.body ?? []), ...(e.items ?? []), ...(e.columns ?? [])]) walk(child);
  };
  walk(card);
  return found;
}

const emailInputs = (card: CardElement) => elements(card).filter((e) => e.type === 'Input.Text' && e.id === 'email');

function expectConsentCard(activity: Partial<Activity> | undefined, question: string, withEmail: boolean): void {
  const card = adaptiveCard(activity);
  expect(shownText(activity!)).to.include(`“${question}”`);
  expect(emailInputs(card)).to.have.length(withEmail ? 1 : 0);
}

describe('HandoffDialog', () => {
  it('shows the question with an email input on the website, and an empty email sends without one', async () => {
    const { client, consent } = harness('directline', { question: QUESTION });
    const replies = await sendAll(client, 'start');
    expect(replies).to.have.length(1);
    expectConsentCard(replies[0], QUESTION, true);
    expect(client.dialogTurnResult.status).to.equal(DialogTurnStatus.waiting);
    expect(consent.request).to.be.undefined;

    const after = await sendAll(client, sendValue(''));
    // The bot says "Sent" once it has opened the ticket; the dialog itself says nothing more.
    expect(after).to.have.length(0);
    expect(client.dialogTurnResult.status).to.equal(DialogTurnStatus.complete);
    expect(consent.request).to.deep.equal({ question: QUESTION });
    expect(consent.request).not.to.have.property('email');
  });

  it('asks for the question when the offer brought none, then shows it for consent', async () => {
    const { client, consent } = harness('directline', {});
    const first = await sendAll(client, 'talk to a person');
    expect(first).to.have.length(1);
    expect(first[0]!.text).to.match(/^What would you like to ask /);
    expect(client.dialogTurnResult.status).to.equal(DialogTurnStatus.waiting);

    const second = await sendAll(client, 'How are section directors chosen?');
    expect(second).to.have.length(1);
    expectConsentCard(second[0], 'How are section directors chosen?', true);
    expect(consent.request).to.be.undefined;

    await sendAll(client, sendValue());
    expect(consent.request).to.deep.equal({ question: 'How are section directors chosen?' });
  });

  it('reads an older consent card\'s button while it asks for the question: "Don\'t send" stops, "Send" has nothing to send', async () => {
    for (const [button, reply] of [
      [cancelValue(), "haven't sent it"],
      [sendValue(), 'already been sent or cancelled'],
    ] as const) {
      const { client, consent } = harness('directline', {});
      await sendAll(client, 'talk to a person');
      const replies = await sendAll(client, button);
      expect(replies).to.have.length(1);
      expect(replies[0]!.text).to.include(reply);
      expect(client.dialogTurnResult.status).to.equal(DialogTurnStatus.complete);
      expect(consent.request).to.be.undefined;
    }
  });

  it('offers no email input on Teams, and ignores an email sent anyway', async () => {
    const { client, consent } = harness('msteams', { question: QUESTION });
    const replies = await sendAll(client, 'start');
    expectConsentCard(replies[0], QUESTION, false);

    // Teams supporters get the answer in Teams; an address slipped into the value must not be kept.
    await sendAll(client, sendValue('supporter@example.org'));
    expect(client.dialogTurnResult.status).to.equal(DialogTurnStatus.complete);
    expect(consent.request).to.deep.equal({ question: QUESTION });
  });

  it('carries a valid email, and asks again after an invalid one without sending', async () => {
    const valid = harness('directline', { question: QUESTION });
    await sendAll(valid.client, 'start');
    await sendAll(valid.client, sendValue('  supporter@example.org '));
    expect(valid.client.dialogTurnResult.status).to.equal(DialogTurnStatus.complete);
    expect(valid.consent.request).to.deep.equal({ question: QUESTION, email: 'supporter@example.org' });

    const invalid = harness('directline', { question: QUESTION });
    await sendAll(invalid.client, 'start');
    const replies = await sendAll(invalid.client, sendValue('not an address'));
    expect(replies).to.have.length(2);
    expect(replies[0]!.text).to.include("doesn't look right");
    expectConsentCard(replies[1], QUESTION, true);
    expect(invalid.client.dialogTurnResult.status).to.equal(DialogTurnStatus.waiting);
    expect(invalid.consent.request).to.be.undefined;

    await sendAll(invalid.client, sendValue('supporter@example.org'));
    expect(invalid.client.dialogTurnResult.status).to.equal(DialogTurnStatus.complete);
    expect(invalid.consent.request).to.deep.equal({ question: QUESTION, email: 'supporter@example.org' });
  });

  it('says it hasn\'t sent anything after "Don\'t send"', async () => {
    const { client, consent } = harness('directline', { question: QUESTION });
    await sendAll(client, 'start');
    const replies = await sendAll(client, cancelValue());
    expect(replies).to.have.length(1);
    expect(replies[0]!.text).to.include("haven't sent it");
    expect(client.dialogTurnResult.status).to.equal(DialogTurnStatus.complete);
    expect(consent.request).to.be.undefined;
  });

  it('asks in text with suggested actions on a channel without cards, and a typed "send" sends', async () => {
    const { client, consent } = harness('test', { question: QUESTION });
    const replies = await sendAll(client, 'start');
    expect(replies).to.have.length(1);
    expect(replies[0]!.attachments ?? []).to.have.length(0);
    expect(replies[0]!.text).to.include(`“${QUESTION}”`);
    expect(replies[0]!.suggestedActions?.actions.map((a) => a.title)).to.deep.equal([SEND_TO_TEAM, DONT_SEND]);

    await sendAll(client, 'send');
    expect(client.dialogTurnResult.status).to.equal(DialogTurnStatus.complete);
    expect(consent.request).to.deep.equal({ question: QUESTION });
  });

  it('hands anything else typed at the consent back to be routed, sending nothing', async () => {
    const { client, consent } = harness('directline', { question: QUESTION });
    await sendAll(client, 'start');
    const replies = await sendAll(client, 'Where is the International Secretariat?');
    expect(replies).to.have.length(0);
    expect(client.dialogTurnResult.status).to.equal(DialogTurnStatus.complete);
    expect(client.dialogTurnResult.result).to.deep.equal({ reroute: true });
    expect(consent.request).to.be.undefined;
  });

  it('redacts emails and phone numbers, and keeps at most 1000 characters, in what it shows and sends', async () => {
    const phone = harness('directline', { question: 'Call me on 07700 900123' });
    const shown = await sendAll(phone.client, 'start');
    // The card shows exactly what will be sent, so the supporter sees the redaction before agreeing.
    expect(shownText(shown[0]!)).to.include('[phone]').and.not.include('07700');
    await sendAll(phone.client, sendValue());
    expect(phone.consent.request?.question).to.include('[phone]').and.not.include('900123');

    // Typed at the prompt rather than brought by the offer: the same rule applies.
    const email = harness('directline', {});
    await sendAll(email.client, 'start');
    await sendAll(email.client, 'Please write to jo.bloggs@example.org about my membership');
    await sendAll(email.client, sendValue());
    expect(email.consent.request?.question).to.include('[email]').and.not.include('jo.bloggs');

    const long = harness('directline', {});
    await sendAll(long.client, 'start');
    await sendAll(long.client, 'Why '.repeat(1250));
    await sendAll(long.client, sendValue());
    expect(long.consent.request?.question.length).to.be.within(1, 1000);
  });

  it("says it can't pass questions on when no one is there to take them", async () => {
    const { client, consent } = harness('directline', { question: QUESTION }, { available: false });
    const replies = await sendAll(client, 'start');
    expect(replies).to.have.length(1);
    expect(replies[0]!.text).to.match(/can't pass questions .* just now/);
    expect(client.dialogTurnResult.status).to.equal(DialogTurnStatus.complete);
    expect(consent.request).to.be.undefined;
  });

  it('sends at most MAX_HANDOFFS_PER_HOUR questions an hour from one conversation', async () => {
    // One client runs the dialog again and again: once it completes, the next message begins it anew in
    // the same conversation (TestAdapter's "Convo1"), whose state the client's AutoSaveStateMiddleware saves.
    const { client, consent, conversationState, clock } = harness('directline', { question: QUESTION });
    const ask = async () => {
      const card = await sendAll(client, 'start');
      expectConsentCard(card[0], QUESTION, true);
      return sendAll(client, sendValue());
    };

    for (let i = 0; i < MAX_HANDOFFS_PER_HOUR; i += 1) {
      clock.now += 60 * 1000;
      const replies = await ask();
      expect(replies, `request ${i + 1}`).to.have.length(0);
      expect(consent.request, `request ${i + 1}`).to.deep.equal({ question: QUESTION });
    }

    const refused = await ask();
    expect(refused).to.have.length(1);
    expect(refused[0]!.text).to.include('in the last hour');
    expect(client.dialogTurnResult.status).to.equal(DialogTurnStatus.complete);
    expect(consent.request).to.be.undefined;

    // A fresh client (and dialog) on the same ConversationState and conversation reads the same times:
    // the limit lives in the conversation's stored state, not in the dialog object.
    const again = harness('directline', { question: QUESTION }, { conversationState, clock });
    await sendAll(again.client, 'start');
    const stillRefused = await sendAll(again.client, sendValue());
    expect(stillRefused[0]?.text).to.include('in the last hour');
    expect(again.consent.request).to.be.undefined;

    // An hour after the first of them, one more is allowed.
    clock.now += HOUR_MS - 60 * 1000 * (MAX_HANDOFFS_PER_HOUR - 1);
    await sendAll(again.client, 'start');
    const allowed = await sendAll(again.client, sendValue());
    expect(allowed).to.have.length(0);
    expect(again.consent.request).to.deep.equal({ question: QUESTION });

    // ...and only one: the other two are still within the hour.
    await sendAll(again.client, 'start');
    const refusedAgain = await sendAll(again.client, sendValue());
    expect(refusedAgain[0]?.text).to.include('in the last hour');
    expect(again.consent.request).to.be.undefined;
  });
});

describe('keptQuestion: what of a question reaches the team and the store', () => {
  it('redacts before it cuts, so a cut never lets part of an address or number through', () => {
    const kept = keptQuestion(`${'x'.repeat(3980)}@example.org 07700 900123`);
    expect(kept).to.equal('[email] [phone]');
  });

  it('keeps at most MAX_TICKET_QUESTION_CHARS, without a placeholder the cut split', () => {
    const kept = keptQuestion(`${'a'.repeat(MAX_TICKET_QUESTION_CHARS - 3)} 07700 900123`);
    expect(kept).to.have.length.at.most(MAX_TICKET_QUESTION_CHARS);
    expect(kept).to.not.include('[');
  });
});
