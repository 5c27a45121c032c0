import type { KnowledgeBase } from '../faq/knowledge/loadKnowledge';
import type { Entry, Topic, TopicInfo } from '../faq/knowledge/schema';
import { byRank, KnowledgeIndex, type Candidate, type SearchResult } from '../search/knowledgeIndex';
import { isCommonWord } from '../faq/analysis/commonWords';
import { boundedMessage, foldText } from '../faq/analysis/normalise';
import type { QuestionType } from '../faq/analysis/questionType';
import { followUpCue, PERSONAL_PRONOUNS } from '../faq/analysis/followUp';
import { recogniseCommand, recogniseOfferPick, recogniseSmallTalk, recogniseTopicRequest, recogniseUnanswerable, type Command, type SmallTalk } from '../faq/analysis/intents';

export interface Thresholds {
  /** The bot answers outright at or above this confidence. */
  answer: number;
  /** Below this it says it does not know; between this and `answer` it asks "did you mean…". */
  clarifyFloor: number;
  /** Candidates this close to the best one are offered with it rather than losing to it by a whisker. */
  clarifyMargin: number;
}

/**
 * Calibrated on tests/eval/dev.yaml with `npm run eval -- --calibrate`, whose table shows the trade-off
 * at each setting; never on the held-out split.
 */
export const DEFAULT_THRESHOLDS: Thresholds = { answer: 0.56, clarifyFloor: 0.55, clarifyMargin: 0.02 };
export const MAX_OPTIONS = 3;

/** How much of a message is read, for the bot layer (src/bot/incoming.ts), which knows decide rather than the search. */
export { MAX_MESSAGE_CHARS } from '../faq/analysis/normalise';

/** How an answer was reached: from the message's own words, with the previous answer's subject, or picked from a list. */
export type AnswerSource = 'words' | 'follow-up' | 'picked';

export type Decision =
  | { kind: 'command'; command: Command }
  | { kind: 'smallTalk'; smallTalk: SmallTalk }
  | { kind: 'topic'; topic: Topic }
  | { kind: 'answer'; entry: Entry; confidence: number; via: AnswerSource; reason: string; search?: SearchResult; topic?: Topic }
  /** "Did you mean…": the best candidates, for the user to pick from, with "none of these". */
  | { kind: 'clarify'; options: Entry[]; reason: string; search: SearchResult; topic?: Topic }
  | { kind: 'unknown'; reason: string; search?: SearchResult; topic?: Topic };

export interface DeciderOptions {
  /**
   * Keep candidates below the "did you mean" floor in each decision's search, for `npm run ask` to show.
   * Off in the bot: skipping entries that cannot reach the floor is what keeps search fast on large bases.
   */
  keepWeakCandidates?: boolean;
  /** For calibration; the bot uses DEFAULT_THRESHOLDS. */
  thresholds?: Thresholds;
}

export interface DecideContext {
  /** The topic the conversation is in, if any: its entries win near-ties. */
  topic?: Topic;
  /** What the bot answered last: a follow-up such as "how often is it held?" is read against its subject. */
  lastEntry?: Entry;
  /** The entries a "did you mean" offered on the previous turn, which "2" or "none of these" refer to. */
  offered?: readonly Entry[];
}

/** A follow-up answered by an entry that has its subject in the other role (acting, or acted on) is discounted by this factor. */
const ROLE_MISMATCH_FACTOR = 0.7;

const fixed = (n: number) => n.toFixed(2);

/** Asking whether something happened: "did they hit the 2015 target?", "has it reached 38% by 2015?". */
const ASKS_WHAT_HAPPENED = /\b(did|didnt|achieved|reached|managed|hit|met)\b/;

/**
 * "Did they hit the 2015 target?" asks what happened after the source was written, which it cannot tell,
 * however well an answer about the plan matches. Such an answer or offer becomes "I don't know".
 */
function withinSource(text: string, decision: Decision): Decision {
  if (decision.kind !== 'answer' && decision.kind !== 'clarify') return decision;
  if (decision.kind === 'answer' && decision.via === 'picked') return decision;
  const folded = foldText(text);
  if (!ASKS_WHAT_HAPPENED.test(folded)) return decision;
  const entries = decision.kind === 'answer' ? [decision.entry] : decision.options;
  const asOf = Math.min(...entries.map((e) => Number(e.source.asOf.slice(0, 4))));
  const later = (folded.match(/\b(19|20)\d\d\b/g) ?? []).map(Number).find((year) => year > asOf);
  if (later === undefined) return decision;
  return { kind: 'unknown', reason: `asks what happened by ${later}, after the source was written (as of ${asOf})`, search: decision.search, topic: decision.topic };
}

/** Turns one message into what the bot should do about it. Free of botbuilder, so any channel or tool can use it. */
export class Decider {
  readonly index: KnowledgeIndex;
  readonly topics: readonly TopicInfo[];

  readonly thresholds: Thresholds;
  private readonly searchFloor: number;

  constructor(kb: KnowledgeBase, options: DeciderOptions = {}) {
    this.index = KnowledgeIndex.fromKnowledge(kb);
    this.topics = kb.topics;
    this.thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
    this.searchFloor = options.keepWeakCandidates ? 0 : this.thresholds.clarifyFloor;
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
    const text = boundedMessage(message);
    const { topic } = context;
    if (context.offered?.length) {
      const pick = recogniseOfferPick(text, context.offered);
      if (pick === 'none') return { kind: 'unknown', reason: 'the user said none of the offered questions was meant', topic };
      if (pick) return { kind: 'answer', entry: pick, confidence: 1, via: 'picked', reason: 'picked from the "did you mean" list', topic };
    }
    const command = recogniseCommand(text);
    if (command) return { kind: 'command', command };
    const smallTalk = recogniseSmallTalk(text);
    if (smallTalk) return { kind: 'smallTalk', smallTalk };
    const requested = recogniseTopicRequest(text, this.topics);
    if (requested) return { kind: 'topic', topic: requested };
    const unanswerable = recogniseUnanswerable(text);
    if (unanswerable) return { kind: 'unknown', reason: unanswerable, topic };
    return withinSource(text, this.understand(text, topic, context.lastEntry));
  }

  /** A question about the knowledge base, read on its own or against the previous answer. */
  private understand(text: string, topic: Topic | undefined, lastEntry: Entry | undefined): Decision {
    const search = this.index.search(text, { preferTopic: topic, minConfidence: this.searchFloor });
    // "How many?", "since when?": a kind of question and nothing it is about.
    const bare = this.index.bareQuestionType(text);
    if (bare) {
      return lastEntry ? this.bareFollowUp(text, bare, lastEntry, topic) : { kind: 'unknown', reason: 'the message asks a kind of question but names nothing to ask it about', search, topic };
    }
    if (!lastEntry) return this.judge(search, topic, 'words');
    // A pronoun means the previous subject, unless the message names a subject of its own before it, for
    // it to mean: "and the council meeting, who goes to that?" (but "what does it do for AIUK?").
    const found = followUpCue(text);
    const cue = found?.kind === 'pronoun' && this.index.namesOtherSubject(found.beforePronoun, lastEntry) ? undefined : found?.kind;
    const standsAlone = (search.candidates[0]?.confidence ?? 0) >= this.thresholds.answer;
    // Without a cue, a message that does not stand alone borrows the subject only if the base knows every
    // word of it ("tell me about Greenpeace" after an answer is not about that answer), or if it asks a
    // kind of question in everyday words it does not know: "roughly how many show up?".
    const borrows = search.unknownWords.every((word) => isCommonWord(word)) && (search.unknownWords.length === 0 || search.questionType !== undefined);
    if (!cue && (standsAlone || !borrows)) return this.judge(search, topic, 'words');
    const followUp = this.followUpSearch(text, lastEntry, topic, cue === 'pronoun' ? lastEntry.subject : lastEntry.question);
    // A pronoun can only mean the previous subject: "how many people are on it?" after the International
    // Board is about the board, and the movement's size does not answer it.
    if (cue === 'pronoun') return this.judge(this.byRole(followUp, text, lastEntry), topic, 'follow-up');
    const better = (followUp.candidates[0]?.confidence ?? 0) > (search.candidates[0]?.confidence ?? 0);
    return better ? this.judge(followUp, topic, 'follow-up') : this.judge(search, topic, 'words');
  }

  /**
   * "How many?", "since when?", "why?" after an answer: the previous answer, if it answers that kind of
   * question, or else another entry about the same subject that does; otherwise the bot does not know.
   */
  private bareFollowUp(text: string, type: QuestionType, lastEntry: Entry, topic: Topic | undefined): Decision {
    if (this.index.answersType(lastEntry, type)) {
      return { kind: 'answer', entry: lastEntry, confidence: 1, via: 'follow-up', reason: `the previous answer answers a "${type}" question about its subject`, topic };
    }
    const followUp = this.followUpSearch(text, lastEntry, topic, lastEntry.subject);
    const candidates = followUp.candidates.filter((c) => c.entry !== lastEntry && this.index.answersType(c.entry, type));
    const decision = this.judge({ ...followUp, candidates }, topic, 'follow-up');
    return decision.kind === 'unknown' ? { ...decision, reason: `nothing about the previous answer's subject answers a "${type}" question` } : decision;
  }

  /**
   * "Who does it appoint?" after the International Board asks whom the board appoints, not who appoints
   * the board: an entry whose wordings only ever have the subject in the other role answers it less well.
   */
  private byRole(result: SearchResult, text: string, lastEntry: Entry): SearchResult {
    const role = this.index.pronounRole(text, PERSONAL_PRONOUNS);
    if (!role) return result;
    const rolesOf = this.index.subjectRoles(lastEntry.subject, text);
    const candidates = result.candidates.map((c) => {
      const roles = rolesOf(c.entry);
      return roles.size > 0 && !roles.has(role) ? { ...c, confidence: c.confidence * ROLE_MISMATCH_FACTOR } : c;
    });
    return { ...result, candidates: candidates.sort(byRank) };
  }

  /**
   * The message read with words of the previous answer added (its subject, or its whole question for an
   * elliptical "and in the UK?"); only entries that know most of that answer's subject are kept, or the
   * reading is not a follow-up at all.
   */
  private followUpSearch(text: string, lastEntry: Entry, topic: Topic | undefined, contextText: string): SearchResult {
    const result = this.index.search(text, { preferTopic: topic ?? lastEntry.topic, contextText, minConfidence: this.searchFloor });
    const candidates = result.candidates.filter((c) => c.entry === lastEntry || this.index.isAbout(c.entry, lastEntry.subject));
    return { ...result, candidates };
  }

  private judge(search: SearchResult, topic: Topic | undefined, via: 'words' | 'follow-up'): Decision {
    const { answer, clarifyFloor, clarifyMargin } = this.thresholds;
    const [top, ...rest] = search.candidates;
    const context = via === 'follow-up' ? ' (read with the previous answer\'s subject)' : '';
    if (!top || top.confidence < clarifyFloor) {
      const reason = top
        ? `the best candidate scores ${fixed(top.confidence)}${context}, below the "did you mean" floor ${fixed(clarifyFloor)}`
        : 'no word of the message is in the knowledge base';
      return { kind: 'unknown', reason, search, topic };
    }
    const close = [top, ...rest.filter((c: Candidate) => c.confidence >= clarifyFloor && top.confidence - c.confidence <= clarifyMargin)].slice(0, MAX_OPTIONS);
    if (top.confidence >= answer && close.length === 1) {
      const reason = `the best candidate scores ${fixed(top.confidence)}${context}, at or above the answer threshold ${fixed(answer)}, and no other is within ${fixed(clarifyMargin)}`;
      return { kind: 'answer', entry: top.entry, confidence: top.confidence, via, reason, search, topic };
    }
    const reason =
      close.length > 1
        ? `${close.length} candidates score within ${fixed(clarifyMargin)} of the best (${fixed(top.confidence)})${context}`
        : `the best candidate scores ${fixed(top.confidence)}${context}, between the "did you mean" floor ${fixed(clarifyFloor)} and the answer threshold ${fixed(answer)}`;
    return { kind: 'clarify', options: close.map((c) => c.entry), reason, search, topic };
  }
}
