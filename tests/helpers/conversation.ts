import type { Activity } from 'botbuilder';
import { emulatorActivity, postJson } from './http';

/** What a user would read in a reply: its text and the text blocks of its cards, not button data. */
export function visibleText(activity: Partial<Activity>): string {
  const texts: string[] = activity.text ? [activity.text] : [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'TextBlock' && typeof record.text === 'string') texts.push(record.text);
      for (const [key, value] of Object.entries(record)) if (key !== 'data') walk(value);
    }
  };
  walk(activity.attachments?.map((attachment) => attachment.content));
  // A hero card (the "did you mean" list) shows its title and text.
  for (const attachment of activity.attachments ?? []) {
    if (attachment.contentType !== 'application/vnd.microsoft.card.hero') continue;
    const { title, text } = attachment.content as { title?: string; text?: string };
    texts.push(...[title, text].filter((t): t is string => Boolean(t)));
  }
  return texts.join('\n');
}

export interface Exchange {
  status: number;
  /** The replies returned under deliveryMode expectReplies, traces included. */
  activities: Partial<Activity>[];
  /** The visible text of each message reply. */
  messages: string[];
  /** Wall time of the POST, for the behavioural deadlines the issue sets (an apology within 5 s). */
  ms: number;
}

export interface Speaker {
  channelId?: 'emulator' | 'directline';
  userId?: string;
}

/** Posts an activity to a bot's /api/messages with deliveryMode expectReplies and returns its replies. */
async function post(baseUrl: string, activity: Record<string, unknown>): Promise<Exchange> {
  const started = performance.now();
  const response = await postJson(`${baseUrl}/api/messages`, emulatorActivity({ deliveryMode: 'expectReplies', ...activity }));
  const ms = performance.now() - started;
  const activities: Partial<Activity>[] = response.body?.activities ?? [];
  return { status: response.status, activities, messages: activities.filter((a) => a.type === 'message').map(visibleText), ms };
}

/** One user message in a conversation, on whichever server `baseUrl` names. */
export function say(baseUrl: string, conversationId: string, text: string, speaker: Speaker = {}): Promise<Exchange> {
  return post(baseUrl, {
    text,
    channelId: speaker.channelId ?? 'emulator',
    conversation: { id: conversationId },
    from: { id: speaker.userId ?? 'user-1', name: 'Supporter', role: 'user' },
  });
}

/** Members joining a conversation (the bot welcomes each person once). */
export function joinMembers(baseUrl: string, conversationId: string, memberIds: string[], speaker: Speaker = {}): Promise<Exchange> {
  return post(baseUrl, {
    type: 'conversationUpdate',
    channelId: speaker.channelId ?? 'emulator',
    conversation: { id: conversationId },
    membersAdded: memberIds.map((id) => ({ id, name: id })),
  });
}

/** GET /healthz: its status and JSON body. */
export async function health(baseUrl: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}/healthz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Distinctive words of the replies the tests look for. */
export const REPLIES = {
  governanceOverview: 'How Amnesty International is governed',
  /** The second governance question, What is the International Council Meeting? */
  icmRole: 'overall decision-making body',
  icmFrequency: 'every two years',
  currentSecretaryGeneral: 'Salil Shetty',
  /** "who appoints them?" after the Secretary General; on its own it is read as the Board's election. */
  secretaryGeneralAppointment: 'is appointed by the International Board',
  didYouMean: 'Did you mean one of these?',
  dontKnow: "Sorry, I don't know the answer to that.",
  welcome: 'Hello! I answer questions',
} as const;
