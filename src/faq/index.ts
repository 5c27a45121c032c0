/**
 * The matching core's one public face: everything outside src/faq imports from here. It imports nothing from
 * botbuilder, so a channel, a dialog or a tool can use it alike.
 */
export { recogniseExpertsSetup, recognisePersonRequest } from './analysis/intents';
export type { SmallTalk } from './analysis/intents';
export type { Reading } from './analysis/question';
export { foldMessage, foldText } from './analysis/normalise';
export { DEFAULT_WORD_VECTORS_FILE, encodeWordVectors } from './analysis/wordVectors';
export { Decider, MAX_MESSAGE_CHARS } from './decide';
export type { Unsaid } from './retrieval/knowledgeIndex';
export type { DeciderOptions, Decision } from './decide';
export { loadKnowledge, OUT_OF_SCOPE_FILE, phrasingKey, readKnowledgeDir, textFiles } from './knowledge/loadKnowledge';
export { formatProblem, KnowledgeError } from './knowledge/problems';
export type { KnowledgeProblem } from './knowledge/problems';
export type { KnowledgeBase } from './knowledge/loadKnowledge';
export { entrySchema, MIN_PHRASINGS, TOPICS } from './knowledge/schema';
export type { Entry, Source, Topic, TopicInfo } from './knowledge/schema';
export { committedRankingModel } from './ranking/model';
