import { ActionTypes, CardFactory, MessageFactory, type Activity, type CardAction } from 'botbuilder';
import type { Entry, SmallTalk, Source, TopicInfo, Unsaid } from '../faq';
import { answerCard, questionListCard } from '../cards/adaptiveCards';
import { TEAM_NAME, consentCard, offerCard, type ConsentInput, type OfferInput } from '../cards/handoffCards';

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

function citation(source: Source): string {
  return `Source: [${source.title}](${source.url}), as of ${source.asOf}.`;
}

/**
 * Channels that render Adaptive Cards 1.5: Teams, Web Chat (over Direct Line or in Azure's iframe) and the
 * Emulator. Others get plain text with at most three suggested actions.
 */
const CARD_CHANNELS = new Set(['msteams', 'directline', 'webchat', 'emulator']);

function showsCards(channelId: string | undefined): boolean {
  return CARD_CHANNELS.has(channelId ?? '');
}

/**
 * An answer always carries its source and as-of date. On card channels it is an Adaptive Card with the
 * related questions as buttons and "Was this helpful?"; elsewhere, text with the related questions as
 * suggested actions. Never both suggested actions and an attachment: Teams drops the former.
 */
export function answer(entry: Entry, related: readonly Entry[], channelId: string | undefined, asked?: string): Partial<Activity> {
  if (!showsCards(channelId)) {
    return withSuggestions(
      `${entry.answer}\n\n${citation(entry.source)}`,
      related.map((r) => imBack(r.label, r.question)),
    );
  }
  const content = answerCard({ entryId: entry.id, answer: entry.answer, citation: citation(entry.source), related, ...(asked ? { asked } : {}) });
  const activity = MessageFactory.attachment(CardFactory.adaptiveCard(content));
  // What notifications and screen readers announce for a card.
  activity.summary = entry.answer;
  return activity;
}

export function feedbackThanks(helpful: boolean): Partial<Activity> {
  return MessageFactory.text(helpful ? 'Thank you, glad it helped.' : "Thank you for telling us. We'll use it to improve the answers.");
}

const NONE_OF_THESE = 'None of these';

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

/** What the page lacks for a question of each kind. */
const LACKS: Record<NonNullable<Unsaid['type']>, string> = {
  time: "doesn't say when",
  duration: "doesn't say for how long",
  place: "doesn't say where",
  person: "doesn't say who",
  reason: "doesn't say why",
  quantity: "doesn't give that number",
};

/**
 * The page covers the subject but not what was asked ("when will the Thailand hub open?"): the bot says
 * what it lacks before it gives what the page does say, so the related answer is never taken for the
 * answer, and a supporter can see which of their words it could not answer ("open") and ask another way.
 * The words quoted are only the message's words whose stem is in the knowledge base's list of details
 * (knowledge/details.yaml), never other free text.
 */
export function partial(entry: Entry, unsaid: Unsaid): Partial<Activity> {
  const words = unsaid.words.map((word) => `"${word}"`).join(' or ');
  const kind = unsaid.type ? `The page ${LACKS[unsaid.type]}` : undefined;
  const lacks = words
    ? `${kind ? `${kind}, and` : "The page doesn't say that:"} nothing it says about ${entry.subject} mentions ${words}. What it does say:`
    : `${kind ?? "The page doesn't say that"}. What it does say about ${entry.subject}:`;
  return MessageFactory.text(`${lacks} ${entry.answer}\n\n${citation(entry.source)}`);
}

/**
 * "I don't know", and the questions it can answer that came nearest, when any came near: each is listed, for
 * channels that show no suggested actions (a Teams channel), and a button that asks it. Nothing in it is
 * stated as the answer.
 */
export function dontKnow(topics: readonly TopicInfo[], nearest: readonly Entry[] = []): Partial<Activity> {
  if (nearest.length > 0) {
    const list = nearest.map((e) => `- ${e.question}`).join('\n');
    return withSuggestions(
      `Sorry, I don't know the answer to that. These questions I can answer may be near yours:\n\n${list}\n\n` +
        `Or ask another way. My answers come from ${sourceLink(topics)}.`,
      nearest.map((e) => imBack(e.label, e.question)),
    );
  }
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

const SMALL_TALK_REPLIES: Record<Exclude<SmallTalk, 'checking'>, string> = {
  greeting: "Hello! What would you like to know about Amnesty International's movement?",
  thanks: "You're welcome. Is there anything else you'd like to know?",
  bye: 'Goodbye, and thank you for your interest in Amnesty International.',
  // Honest about what it is, and nothing it cannot vouch for: no invented name, maker or age.
  aboutBot:
    "I'm an automated FAQ bot, not a person, so I have no name or age of my own. " +
    "I answer questions about how Amnesty International's movement works (its governance, membership and offices) " +
    'from Amnesty International UK\'s page "The International Movement", as of 2013.',
  acknowledged: "Is there anything else you'd like to know about Amnesty International's movement?",
};

/** "Is that right?": the bot cannot vouch beyond its source, so it says what that is and how old. */
function checking(topics: readonly TopicInfo[]): string {
  const source = topics[0]?.source;
  const asOf = source ? `, as of ${source.asOf.slice(0, 4)}` : '';
  return `My answers say what ${sourceLink(topics)} says${asOf}, and nothing more. Things may have changed since; you can read the page itself to check.`;
}

export function smallTalk(kind: SmallTalk, topics: readonly TopicInfo[]): Partial<Activity> {
  return MessageFactory.text(kind === 'checking' ? checking(topics) : SMALL_TALK_REPLIES[kind]);
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

const TOPIC_MENU_PROMPT = 'Which question would you like answered? You can also ask in your own words.';

/**
 * A topic's questions. On card channels, one button per question in an Adaptive Card: a choice prompt's
 * own hero card on Teams titles its buttons with the choice values and shows only six. Elsewhere, a
 * numbered list, which the prompt recognises by number or wording.
 */
export function topicMenu(entries: readonly Entry[], channelId: string | undefined): Partial<Activity> {
  if (showsCards(channelId)) return MessageFactory.attachment(CardFactory.adaptiveCard(questionListCard(TOPIC_MENU_PROMPT, entries)));
  return MessageFactory.text(`${TOPIC_MENU_PROMPT}\n\n${entries.map((e, i) => `${i + 1}. ${e.question}`).join('\n')}`);
}

// Asking a person (src/handoff, dialogs/handoffDialog.ts).

const ASK_THE_TEAM = 'Ask the supporter care team';
export const SEND_TO_TEAM = 'Send to the team';
export const DONT_SEND = "Don't send";

/** Under a don't-know or after 👎: a button on card channels; elsewhere a suggested action that says the same. */
export function handoffOffer(offer: OfferInput, channelId: string | undefined): Partial<Activity> {
  if (!showsCards(channelId)) return withSuggestions(`A person on ${TEAM_NAME} can answer what I can't.`, [imBack(ASK_THE_TEAM)]);
  const activity = MessageFactory.attachment(CardFactory.adaptiveCard(offerCard(offer)));
  activity.summary = `A person on ${TEAM_NAME} can answer what I can't.`;
  return activity;
}

export function handoffQuestionPrompt(): Partial<Activity> {
  return MessageFactory.text(`What would you like to ask ${TEAM_NAME}? I'll show you what will be sent before anything is.`);
}

/** The question as it will be sent, and a yes or no; on the website, an optional email address too. */
export function handoffConsent(input: ConsentInput, channelId: string | undefined): Partial<Activity> {
  if (!showsCards(channelId)) {
    return withSuggestions(`I'll send your question to ${TEAM_NAME}, and a person will answer it here:\n\n“${input.question}”\n\nShall I send it?`, [
      imBack(SEND_TO_TEAM),
      imBack(DONT_SEND),
    ]);
  }
  const activity = MessageFactory.attachment(CardFactory.adaptiveCard(consentCard(input)));
  activity.summary = `Send your question to ${TEAM_NAME}?`;
  return activity;
}

export function handoffSent(slaHours: number, byEmail: boolean): Partial<Activity> {
  const where = byEmail ? 'here, or by email if you have left the chat by then' : 'here in this chat';
  return MessageFactory.text(`Sent. A person on ${TEAM_NAME} will answer ${where}. They aim to answer within ${slaHours} hours.`);
}

export function handoffNotSent(): Partial<Activity> {
  return MessageFactory.text("OK, I haven't sent it. Ask me anything else about the movement whenever you like.");
}

export function handoffUnavailable(topics: readonly TopicInfo[]): Partial<Activity> {
  return MessageFactory.text(`Sorry, I can't pass questions to ${TEAM_NAME} just now. You may find the answer on ${sourceLink(topics)}.`);
}

export function handoffInvalidEmail(): Partial<Activity> {
  return MessageFactory.text("That email address doesn't look right, so nothing has been sent yet. Check it, or leave it empty to get the answer here.");
}

export function handoffTooMany(perHour: number): Partial<Activity> {
  return MessageFactory.text(
    `You have sent ${perHour} questions to the team in the last hour, which is as many as I can pass on. Their answers will come here; please ask again later.`,
  );
}

export function handoffStale(): Partial<Activity> {
  return MessageFactory.text('That question has already been sent or cancelled. To ask the team something else, say "talk to a person".');
}

export function expertsRegistered(): Partial<Activity> {
  return MessageFactory.text(
    "Done: supporters' questions that I cannot answer will now come to this channel, each as a card with Answer and Close. " +
      'An answer goes straight back to the supporter, marked as written by a person. ' +
      'Say "use this channel for questions" in another channel to move them there.',
  );
}

export function expertsStopped(): Partial<Activity> {
  return MessageFactory.text(
    "Done: supporters' questions will no longer come here, and supporters are no longer offered the team. " +
      'Questions already here can still be answered. Say "use this channel for questions" in a channel to start again.',
  );
}

export function expertsNotHere(): Partial<Activity> {
  return MessageFactory.text("Supporters' questions do not come to this channel, so there is nothing to stop here.");
}

const EXPERTS_REFUSALS = {
  'not a channel': 'Questions can only go to a channel of a team: say "use this channel for questions" in that channel, with an @mention of me.',
  'wrong tenant': "This team belongs to another organisation's Microsoft 365 tenant, so supporters' questions cannot go here.",
  'not an administrator': "Only the administrators named in the bot's HANDOFF_ADMIN_IDS setting can choose where supporters' questions go.",
} as const;

export function expertsRefused(reason: keyof typeof EXPERTS_REFUSALS): Partial<Activity> {
  return MessageFactory.text(EXPERTS_REFUSALS[reason]);
}
