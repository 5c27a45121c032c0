import type { KnowledgeBase } from '../knowledge/loadKnowledge';
import type { Entry, Topic, TopicInfo } from '../knowledge/schema';
import { KnowledgeIndex, type SearchResult } from '../search/knowledgeIndex';
import { recogniseCommand, recogniseSmallTalk, recogniseTopicRequest, type Command, type SmallTalk } from './intents';

/**
 * The bot answers only at or above this confidence. Set by hand for #2 and checked against the curated
 * phrasings and the out-of-scope messages in tests/search.test.ts: every curated phrasing scores well
 * above it, and messages mostly about something else ("what's the weather in London?") score below it.
 * It is not yet calibrated on an evaluation split; #3 does that.
 */
export const ANSWER_THRESHOLD = 0.62;

/**
 * Only this much of a message is read. A real question is far shorter, and reading a 64 KB body word by
 * word took over a second: a cheap way to tie the bot up.
 */
export const MAX_MESSAGE_CHARS = 500;

export type Decision =
  | { kind: 'command'; command: Command }
  | { kind: 'smallTalk'; smallTalk: SmallTalk }
  | { kind: 'topic'; topic: Topic }
  /** `picked`: chosen from a topic menu (by number or button) rather than matched from words. */
  | { kind: 'answer'; entry: Entry; confidence: number; search: SearchResult; topic?: Topic; picked?: true }
  | { kind: 'unknown'; search: SearchResult; topic?: Topic };

export interface DecideContext {
  /** The topic the conversation is in, if any: its entries win near-ties. */
  topic?: Topic;
}

/** Turns one message into what the bot should do about it. Free of botbuilder, so any channel or tool can use it. */
export class Decider {
  readonly index: KnowledgeIndex;
  readonly topics: readonly TopicInfo[];

  constructor(kb: KnowledgeBase) {
    this.index = KnowledgeIndex.fromKnowledge(kb);
    this.topics = kb.topics;
  }

  topic(topic: Topic): TopicInfo {
    const info = this.topics.find((t) => t.topic === topic);
    if (!info) throw new Error(`The knowledge base has no ${topic} topic`);
    return info;
  }

  entriesOf(topic: Topic): Entry[] {
    return this.index.entries.filter((e) => e.topic === topic);
  }

  decide(message: string, context: DecideContext = {}): Decision {
    const text = message.slice(0, MAX_MESSAGE_CHARS);
    const command = recogniseCommand(text);
    if (command) return { kind: 'command', command };
    const smallTalk = recogniseSmallTalk(text);
    if (smallTalk) return { kind: 'smallTalk', smallTalk };
    const topic = recogniseTopicRequest(text, this.topics);
    if (topic) return { kind: 'topic', topic };
    const search = this.index.search(text, { preferTopic: context.topic });
    const top = search.candidates[0];
    if (top && top.confidence >= ANSWER_THRESHOLD) return { kind: 'answer', entry: top.entry, confidence: top.confidence, search, topic: context.topic };
    return { kind: 'unknown', search, topic: context.topic };
  }
}
