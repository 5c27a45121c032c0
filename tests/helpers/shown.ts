import type { Activity } from 'botbuilder';

interface CardElement {
  type?: string;
  text?: string;
  items?: CardElement[];
  columns?: CardElement[];
  body?: CardElement[];
  actions?: CardAction[];
}

interface CardAction {
  title?: string;
  data?: {
    ask?: string;
    feedback?: string;
    entryId?: string;
    question?: string;
    msteams?: unknown;
    cardAction?: unknown;
    __isBotFrameworkCardAction?: boolean;
  };
}

function walk(element: CardElement, visit: (e: CardElement) => void): void {
  visit(element);
  for (const child of [...(element.body ?? []), ...(element.items ?? []), ...(element.columns ?? [])]) walk(child, visit);
}

function cards(activity: Partial<Activity>): CardElement[] {
  return (activity.attachments ?? []).map((a) => a.content as CardElement).filter((c) => c && typeof c === 'object');
}

/** The text a user sees in a reply: its text, or the text blocks of its cards, in order. */
export function shownText(activity: Partial<Activity>): string {
  const parts = activity.text ? [activity.text] : [];
  for (const card of cards(activity)) {
    walk(card, (e) => {
      if (typeof e.text === 'string' && e.text) parts.push(e.text);
    });
  }
  return parts.join('\n\n');
}

/** Every button of a reply's cards, or of its suggested actions, with what it sends. */
export function shownButtons(activity: Partial<Activity>): { title: string; ask?: string; feedback?: string; entryId?: string; question?: string }[] {
  const buttons: { title: string; ask?: string; feedback?: string; entryId?: string; question?: string }[] = [];
  for (const card of cards(activity)) {
    walk(card, (e) => {
      for (const a of e.actions ?? [])
        buttons.push({ title: a.title ?? '', ask: a.data?.ask, feedback: a.data?.feedback, entryId: a.data?.entryId, question: a.data?.question });
    });
  }
  for (const a of activity.suggestedActions?.actions ?? []) buttons.push({ title: a.title ?? '', ask: String(a.value) });
  return buttons;
}
