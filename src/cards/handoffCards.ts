import { card, type AdaptiveCard } from './adaptiveCards';

/**
 * The cards of asking a person. The supporter's cards use Action.Submit, which Web Chat and Teams both
 * send back as a message whose `value` holds the data and the inputs. The experts' card lives in Teams
 * only, so it uses Action.Execute (Universal Actions): Teams sends an `adaptiveCard/action` invoke and
 * shows the card the bot returns in its place.
 */

export const TEAM_NAME = "Amnesty International UK's supporter care team";
export const ANSWER_VERB = 'handoff.answer';
export const CLOSE_VERB = 'handoff.close';
/** An expert's answer; the input's own limit, and the one the bot enforces. */
export const MAX_EXPERT_ANSWER_CHARS = 2000;

const text = (value: string, extra: Record<string, unknown> = {}) => ({ type: 'TextBlock', text: value, wrap: true, ...extra });

export interface OfferInput {
  question?: string;
  entryId?: string;
  /** The entry was answered and rated 👎, rather than nearly answered. */
  rated?: boolean;
}

/** "Ask the supporter care team", under a don't-know or after 👎. */
export function offerCard(offer: OfferInput): AdaptiveCard {
  return card(
    [text(`A person on ${TEAM_NAME} can answer what I can't.`)],
    [{ type: 'Action.Submit', title: 'Ask the supporter care team', data: { handoff: 'offer', ...offer } }],
  );
}

export interface ConsentInput {
  question: string;
  entryId?: string;
  /** Whether to ask for an email address: on the website, where the supporter may have left before the answer. */
  askEmail: boolean;
  ttlDays: number;
}

/** What will be sent, and to whom, before anything is: the supporter says yes or no. */
export function consentCard({ question, entryId, askEmail, ttlDays }: ConsentInput): AdaptiveCard {
  const where = askEmail ? 'here in the chat, or by email if you leave one below' : 'here in this chat';
  return card(
    [
      text('Ask the supporter care team', { weight: 'Bolder' }),
      text(`I'll send your question to ${TEAM_NAME}, and a person will answer it ${where}.`),
      text(`“${question}”`, { isSubtle: true }),
      ...(askEmail
        ? [
            { type: 'Input.Text', id: 'email', style: 'Email', label: 'Your email address (optional)', maxLength: 254 },
            text(
              'We use it only to send you the answer, and delete it as soon as your question is answered or closed, ' +
                `and after ${ttlDays} days at the latest. It never appears in our logs.`,
              { size: 'Small', isSubtle: true, spacing: 'Small' },
            ),
          ]
        : []),
    ],
    [
      { type: 'Action.Submit', title: 'Send to the team', data: { handoff: 'send', question, ...(entryId ? { entryId } : {}) } },
      { type: 'Action.Submit', title: "Don't send", data: { handoff: 'cancel' } },
    ],
  );
}

export interface ExpertAnswerInput {
  question: string;
  answer: string;
}

/** The expert's answer in the asker's conversation, plainly marked as a person's and not the knowledge base's. */
export function expertAnswerCard({ question, answer }: ExpertAnswerInput): AdaptiveCard {
  return card([
    text('Answer from the supporter care team', { weight: 'Bolder' }),
    text(`To your question “${question}”:`, { isSubtle: true, size: 'Small' }),
    text(answer),
    text(`Written by a person on ${TEAM_NAME}, not taken from this bot's knowledge base.`, { size: 'Small', isSubtle: true }),
  ]);
}

export interface TicketView {
  ticketId: string;
  question: string;
  /** "the website" or "Teams". */
  from: string;
  askedAt: string;
  /** What the bot said, or would have said, if anything. */
  botAnswer?: string;
}

function ticketBody(view: TicketView, status: string): Record<string, unknown>[] {
  return [
    text("A supporter's question", { weight: 'Bolder', size: 'Medium' }),
    {
      type: 'FactSet',
      facts: [
        { title: 'From', value: view.from },
        { title: 'Asked', value: view.askedAt },
        { title: 'Status', value: status },
      ],
    },
    text(view.question),
    ...(view.botAnswer ? [text(view.botAnswer, { size: 'Small', isSubtle: true })] : []),
  ];
}

/** A new question in the experts' channel: "Answer" opens a text box on the card itself. */
export function openTicketCard(view: TicketView): AdaptiveCard {
  const data = { ticketId: view.ticketId };
  return card(ticketBody(view, 'Open'), [
    {
      type: 'Action.ShowCard',
      title: 'Answer',
      card: card(
        [
          {
            type: 'Input.Text',
            id: 'answer',
            label: 'Your answer to the supporter',
            isMultiline: true,
            isRequired: true,
            errorMessage: 'Write an answer first',
            maxLength: MAX_EXPERT_ANSWER_CHARS,
          },
          { type: 'Input.Toggle', id: 'suggest', title: 'Suggest for the knowledge base', value: 'false', valueOn: 'true', valueOff: 'false' },
        ],
        [{ type: 'Action.Execute', title: 'Send answer', verb: ANSWER_VERB, data }],
      ),
    },
    { type: 'Action.Execute', title: 'Close without answering', verb: CLOSE_VERB, data },
  ]);
}

/** The card once settled, in place of the open one: who settled it and when, and the answer given. */
export function settledTicketCard(view: TicketView, status: string, answer?: string): AdaptiveCard {
  return card([...ticketBody(view, status), ...(answer ? [text('Answer sent', { weight: 'Bolder', spacing: 'Medium' }), text(answer)] : [])]);
}
