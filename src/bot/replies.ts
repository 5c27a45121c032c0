import { ActionTypes, CardFactory, MessageFactory, type Activity, type CardAction } from 'botbuilder';
import type { Choice } from 'botbuilder-dialogs';
import type { SmallTalk } from '../conversation/intents';
import type { Entry, Source, TopicInfo } from '../knowledge/schema';

/**
 * Everything the bot says, and how it is laid out. Channel differences are handled here and nowhere else,
 * so the dialogs decide *what* to say and this module decides *how* a channel shows it.
 */

/** Teams shows at most three suggested actions; Web Chat is comfortable with the same. */
const MAX_SUGGESTIONS = 3;

function imBack(title: string, value = title): CardAction {
  return { type: ActionTypes.ImBack, title, value };
}

function withSuggestions(text: string, actions: CardAction[]): Partial<Activity> {
  const activity = MessageFactory.text(text);
  if (actions.length > 0) activity.suggestedActions = { actions: actions.slice(0, MAX_SUGGESTIONS), to: [] };
  return activity;
}

function topicActions(topics: readonly TopicInfo[]): CardAction[] {
  return topics.map((t) => imBack(t.label));
}

export function citation(source: Source): string {
  return `Source: [${source.title}](${source.url}), as of ${source.asOf}.`;
}

/** An answer always carries its source and as-of date; related questions are offered as one-tap follow-ups. */
export function answer(entry: Entry, related: readonly Entry[]): Partial<Activity> {
  return withSuggestions(
    `${entry.answer}\n\n${citation(entry.source)}`,
    related.map((r) => imBack(r.label, r.question)),
  );
}

export const NONE_OF_THESE = 'None of these';

/**
 * "Did you mean…": the candidate questions in full, numbered so "2" works, with a button each and
 * "None of these". A card rather than suggested actions: three options and "none" would exceed the three
 * suggested actions Teams shows.
 */
export function didYouMean(options: readonly Entry[]): Partial<Activity> {
  const list = options.map((e, i) => `${i + 1}. ${e.question}`).join('\n\n');
  const buttons = [...options.map((e) => imBack(e.label, e.question)), imBack(NONE_OF_THESE)];
  return MessageFactory.attachment(CardFactory.heroCard('', `Did you mean one of these?\n\n${list}`, undefined, buttons));
}

function describeTopics(topics: readonly TopicInfo[]): string {
  const names = topics.map((t) => t.label.toLowerCase());
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? '');
}

function sourceLink(topics: readonly TopicInfo[]): string {
  const source = topics[0]?.source;
  return source ? `[${source.title}](${source.url})` : 'the source page';
}

export function dontKnow(topics: readonly TopicInfo[]): Partial<Activity> {
  return withSuggestions(
    `Sorry, I don't know the answer to that. I can answer questions about Amnesty International's ${describeTopics(topics)}, ` +
      `as described on ${sourceLink(topics)}. Pick a topic, or try asking another way.`,
    topicActions(topics),
  );
}

export function welcome(topics: readonly TopicInfo[]): Partial<Activity> {
  return withSuggestions(
    `Hello! I answer questions about how Amnesty International's international movement works: its ${describeTopics(topics)}. ` +
      `My answers come from ${sourceLink(topics)}. Ask a question, or pick a topic.`,
    topicActions(topics),
  );
}

export function help(topics: readonly TopicInfo[]): Partial<Activity> {
  return withSuggestions(
    `I can tell you how Amnesty International's international movement works: its ${describeTopics(topics)}. ` +
      'Ask in your own words, for example "How often is the International Council Meeting held?" or ' +
      '"How many members does Amnesty have?", or pick a topic. Say "start over" at any time to begin again.',
    topicActions(topics),
  );
}

const SMALL_TALK_REPLIES: Record<SmallTalk, string> = {
  greeting: 'Hello! What would you like to know about Amnesty International\'s movement?',
  thanks: "You're welcome. Is there anything else you'd like to know?",
  bye: 'Goodbye, and thank you for your interest in Amnesty International.',
};

export function smallTalk(kind: SmallTalk): Partial<Activity> {
  return MessageFactory.text(SMALL_TALK_REPLIES[kind]);
}

export function cancelled(): Partial<Activity> {
  return MessageFactory.text("OK, I've stopped that. Ask me anything about the movement whenever you like.");
}

export function restarted(topics: readonly TopicInfo[]): Partial<Activity> {
  return withSuggestions("Let's start again. Ask me a question, or pick a topic.", topicActions(topics));
}

export function apology(): Partial<Activity> {
  return MessageFactory.text('Sorry, something went wrong on my side. Please try again in a moment.');
}

export function textOnly(): Partial<Activity> {
  return MessageFactory.text('I can only read typed questions. What would you like to know about the movement?');
}

export function topicOverview(topic: TopicInfo): Partial<Activity> {
  return MessageFactory.text(topic.overview);
}

export const TOPIC_MENU_PROMPT = 'Which question would you like answered? You can also ask in your own words.';

/** Topic questions as choices: a click sends the full question, so it is routed exactly like typed text. */
export function topicChoices(entries: readonly Entry[]): Choice[] {
  return entries.map((e) => ({ value: e.id, action: imBack(e.label, e.question), synonyms: [e.label, e.question] }));
}
