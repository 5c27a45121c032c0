import { emulatorActivity } from '../helpers/http';

/**
 * What `npm run bench:turns` says to a bot: supporters' messages of every kind the FAQ bot handles, in
 * order, so each follow-up ("who appoints them?") comes right after the question it follows.
 */
export const MESSAGES: readonly string[] = [
  'hi',
  'how often is the International Council Meeting held?',
  'who goes to it?',
  'what is the international board?',
  'how does it get chosen?',
  'who is the secretary general?',
  'who appoints them?',
  'what does he do?',
  'who apponts the secertary generl',
  'thanks',
  'how many members does amnesty have worldwide?',
  'and in the UK?',
  'what kind of organisation is amnesty international?',
  'what do amnesty members work towards?',
  "what's the weather in London",
  'how many natoinal sections does amnesty have?',
  'where did amnesty open national offices in 2011?',
  'what about the regional hubs?',
  "where is the international secretariat's main office?",
  'what share of the staff work there?',
  'why are they moving staff away from there?',
  'what does the international secretariat do?',
  'can it make policy decisions?',
  'what does it do for aiuk specifically?',
  'who is amnesty international uk accountable to?',
  'hello there',
  'how do i reset my router?',
  'can you recommend a good pizza place',
  'internatonal council meting how often',
  'who electz the internatinal board',
  "what's the ICM",
  'thank you so much',
  'governance',
  'what can you do?',
  'who won the football last night?',
  'how many people at the secretariat work in london?',
];

/** Enough that state is read and written for many conversations, as on a busy day, not a few hot ones. */
export const CONVERSATIONS = 1200;

/**
 * What the Emulator would post for `text` in conversation number `conversation`, asking for the replies
 * in the response: an anonymous bot replies to loopback only, and nothing listens there.
 */
export function turnActivity(conversation: number, text: string): Record<string, unknown> {
  return emulatorActivity({
    text,
    conversation: { id: `bench-conversation-${conversation}` },
    from: { id: `bench-user-${conversation}`, name: 'Supporter', role: 'user' },
    serviceUrl: 'http://127.0.0.1:9',
    deliveryMode: 'expectReplies',
  });
}

/**
 * One server's load, a body per call: request i speaks in conversation i mod CONVERSATIONS, so two
 * requests in one conversation are CONVERSATIONS requests apart (never both in flight on 32 connections),
 * and each conversation goes through MESSAGES in order from a point of its own. Every server gets the
 * same sequence.
 */
export function traffic(): () => string {
  let sent = 0;
  return () => {
    const conversation = sent % CONVERSATIONS;
    const turn = Math.floor(sent / CONVERSATIONS);
    sent += 1;
    return JSON.stringify(turnActivity(conversation, MESSAGES[(conversation + turn) % MESSAGES.length]!));
  };
}
