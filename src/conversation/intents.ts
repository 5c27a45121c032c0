import type { Topic, TopicInfo } from '../knowledge/schema';
import { foldText } from '../search/normalise';

/** Commands that work anywhere in a conversation, even in the middle of a topic menu. */
export type Command = 'help' | 'cancel' | 'restart';
export type SmallTalk = 'greeting' | 'thanks' | 'bye';

/** Whole-message patterns over folded text ("that's" folds to "that"): small talk is recognised only when it is all the message says. */
const COMMANDS: [Command, RegExp][] = [
  ['help', /^(help( me)?|menu|options|what can (you|i) (do|ask)( here)?|what do you (do|know)|how does (this|it) work|who are you|what are you|what can you help( me)? with)$/],
  ['cancel', /^(cancel|stop|quit|exit|never ?mind|forget it|leave)$/],
  ['restart', /^(start (over|again)|restart|reset|begin again|from the (top|start))$/],
];

const SMALL_TALK: [SmallTalk, RegExp][] = [
  ['greeting', /^((hi|hello|hey|hiya|howdy|greetings|yo|good (morning|afternoon|evening))( there| bot| amnesty)?( how are you( doing)?)?|how are you( doing)?|hows? it going)$/],
  ['thanks', /^((ok(ay)? |great |perfect |brilliant )?(thanks|thank you|thank u|thx|ta|cheers)( (a lot|so much|very much|again|bot))?|many thanks|ok(ay)?|great|perfect|brilliant|cool|nice|got it|that helps|helpful)$/],
  ['bye', /^(bye|goodbye|good bye|bye bye|see (you|ya)( later)?|cya|thats? all( thanks)?|no thanks|nothing else|im done)$/],
];

/** Words around a topic name that only say "I want that topic". */
const TOPIC_FILLER = /^(tell me( more)? about|(i want|i would like|id like) to (know|hear|learn) about|what about|how about|more (on|about)|info(rmation)? (on|about)|questions? (on|about)|lets? talk about|talk about|show me|learn about|about|topic)\s+/;

export function recogniseCommand(text: string): Command | undefined {
  const folded = foldText(text);
  return COMMANDS.find(([, pattern]) => pattern.test(folded))?.[0];
}

export function recogniseSmallTalk(text: string): SmallTalk | undefined {
  const folded = foldText(text);
  return SMALL_TALK.find(([, pattern]) => pattern.test(folded))?.[0];
}

/** "governance", "tell me about membership", "offices please": a request for a topic's menu, not a question. */
export function recogniseTopicRequest(text: string, topics: readonly TopicInfo[]): Topic | undefined {
  const folded = foldText(text).replace(/\s+please$/, '').replace(TOPIC_FILLER, '').replace(/^(the|amnesty|amnestys) /, '');
  return topics.find((t) => [t.topic, t.label, ...t.aliases].some((name) => foldText(name) === folded))?.topic;
}
