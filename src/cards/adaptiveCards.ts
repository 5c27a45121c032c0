/**
 * Adaptive Cards as plain JSON, free of botbuilder types so they survive a move to another SDK. Schema
 * 1.5 is the newest Teams renders, and Web Chat 4.16+ renders it too. Buttons are Action.Submit whose
 * data says the same thing twice, once per client: `msteams` is a messageBack for Teams, and
 * `__isBotFrameworkCardAction` with `cardAction` is Web Chat's way to send a messageBack instead of a bare
 * postBack. Either way the click shows as the user's own words and the bot gets the data as `value`.
 */

export const CARD_VERSION = '1.5';
const CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
/** Teams shows at most six actions in one set. */
const MAX_ACTIONS_PER_SET = 5;

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: string;
  body: Record<string, unknown>[];
  actions?: Record<string, unknown>[];
}

export interface QuestionButton {
  label: string;
  question: string;
}

/** Rating buttons: the emoji, and a word for screens and fonts without it. */
const HELPFUL = { helpful: { emoji: '👍', title: '👍 Yes' }, unhelpful: { emoji: '👎', title: '👎 No' } } as const;

function submit(title: string, displayText: string, text: string, value: Record<string, string>, tooltip?: string): Record<string, unknown> {
  const messageBack = { type: 'messageBack', text, displayText, value };
  return {
    type: 'Action.Submit',
    title,
    ...(tooltip ? { tooltip } : {}),
    data: { ...value, msteams: messageBack, __isBotFrameworkCardAction: true, cardAction: messageBack },
  };
}

/** A button that asks a question, exactly as if it had been typed. */
function askAction({ label, question }: QuestionButton): Record<string, unknown> {
  return submit(label, question, question, { ask: question });
}

/** A rating button; 👎 carries the question asked back with it, for curators to see what the answer failed. */
function feedbackAction(entryId: string, rating: keyof typeof HELPFUL, asked: string | undefined): Record<string, unknown> {
  const tooltip = rating === 'helpful' ? 'This answer was helpful' : 'This answer was not helpful';
  const question: Record<string, string> = rating === 'unhelpful' && asked ? { question: asked } : {};
  return submit(HELPFUL[rating].title, HELPFUL[rating].emoji, 'feedback', { feedback: rating, entryId, ...question }, tooltip);
}

export function card(body: Record<string, unknown>[], actions?: Record<string, unknown>[]): AdaptiveCard {
  return { type: 'AdaptiveCard', $schema: CARD_SCHEMA, version: CARD_VERSION, body, ...(actions?.length ? { actions } : {}) };
}

function actionSets(actions: Record<string, unknown>[]): Record<string, unknown>[] {
  const sets: Record<string, unknown>[] = [];
  for (let i = 0; i < actions.length; i += MAX_ACTIONS_PER_SET) sets.push({ type: 'ActionSet', actions: actions.slice(i, i + MAX_ACTIONS_PER_SET) });
  return sets;
}

export interface AnswerCardInput {
  entryId: string;
  answer: string;
  /** "Source: [title](url), as of 2013." in Markdown, which TextBlocks render in Teams and Web Chat. */
  citation: string;
  related: readonly QuestionButton[];
  /** The question as the supporter asked it, which the 👎 button sends back; absent for a pick from a list. */
  asked?: string;
}

/** An answer, its source and as-of date, follow-up questions, and "Was this helpful?". */
export function answerCard({ entryId, answer, citation, related, asked }: AnswerCardInput): AdaptiveCard {
  return card([
    { type: 'TextBlock', text: answer, wrap: true },
    { type: 'TextBlock', text: citation, wrap: true, size: 'Small', isSubtle: true, spacing: 'Small' },
    ...(related.length
      ? [
          { type: 'TextBlock', text: 'Related questions', wrap: true, weight: 'Bolder', size: 'Small', spacing: 'Medium' },
          ...actionSets(related.map(askAction)),
        ]
      : []),
    {
      type: 'ColumnSet',
      spacing: 'Medium',
      columns: [
        {
          type: 'Column',
          width: 'auto',
          verticalContentAlignment: 'Center',
          items: [{ type: 'TextBlock', text: 'Was this helpful?', wrap: true, size: 'Small' }],
        },
        { type: 'Column', width: 'auto', items: [{ type: 'ActionSet', actions: [feedbackAction(entryId, 'helpful', asked)] }] },
        { type: 'Column', width: 'auto', items: [{ type: 'ActionSet', actions: [feedbackAction(entryId, 'unhelpful', asked)] }] },
      ],
    },
  ]);
}

/** A prompt and one button per question: a topic's menu. */
export function questionListCard(prompt: string, questions: readonly QuestionButton[]): AdaptiveCard {
  return card([{ type: 'TextBlock', text: prompt, wrap: true }, ...actionSets(questions.map(askAction))]);
}
