import { LRUCache } from 'lru-cache';
import type { KnowledgeBase } from './knowledge/loadKnowledge';
import { boundedMessage } from './analysis/normalise';
import type { Entry, Topic, TopicInfo } from './knowledge/schema';
import { KnowledgeIndex, RETRIEVE_LIMIT, type Candidate, type SearchResult, type Unsaid } from './retrieval/knowledgeIndex';
import { isCommonWord } from './analysis/commonWords';
import type { QuestionType } from './analysis/questionType';
import { PERSONAL_PRONOUNS } from './analysis/followUp';
import type { Question } from './analysis/question';
import type { RankingModel } from './ranking/model';
import {
  recogniseCommand,
  recogniseOfferPick,
  recogniseSmallTalk,
  recogniseSmallTalkBySentence,
  recogniseTopicRequest,
  recogniseUnanswerable,
  type Command,
  type SmallTalk,
} from './analysis/intents';

export interface Thresholds {
  /** The bot answers outright at or above this confidence. */
  answer: number;
  /** Below this it says it does not know; between this and `answer` it asks "did you mean…". */
  clarifyFloor: number;
  /** Candidates this close to the best one are offered with it rather than losing to it by a whisker. */
  clarifyMargin: number;
}

/**
 * Read off the cross-validated threshold table that `npm run eval -- --cv` prints, where the confidence
 * is the ranking model's probability. Answering from 0.55 was on the table's front (no setting beat it on
 * every figure) with under 2% wrong; from 0.45 a "did you mean" offers what the bot is less sure of, and
 * a second candidate within 0.2 of the first is offered beside it. The offers cost the out-of-scope figure
 * half a point (the eval counts an offer as not declining) for a choice the supporter makes, not a fact
 * stated; from 0.4 they cost a point and a half.
 */
export const DEFAULT_THRESHOLDS: Thresholds = { answer: 0.55, clarifyFloor: 0.45, clarifyMargin: 0.2 };
const MAX_OPTIONS = 3;

/**
 * Below the "did you mean" floor, the bot says it does not know; candidates from here are shown with that as
 * questions it can answer that may be near. Read off the cross-validated calibration table: from 0.3 the best
 * candidate is the entry wanted in most cases (11 of 16 from 0.3 to 0.5), below it in one case of six or fewer.
 */
export const NEAREST_FLOOR = 0.3;

/**
 * Decisions kept for the messages read most recently. A campaign day brings many supporters with the same
 * questions, and every suggested follow-up, topic menu and "did you mean" button sends the same words: each
 * of those is decided once per context rather than once per turn. Enough for a busy day's distinct questions
 * in each of their contexts, at a few kilobytes each; the texts stay in memory only, and go with the process.
 */
const DECISION_CACHE_SIZE = 2000;

/** How much of a message is read, for the bot layer (src/bot/incoming.ts), which knows decide rather than the search. */
export { MAX_MESSAGE_CHARS } from './analysis/normalise';

/** How an answer was reached: from the message's own words, with the previous answer's subject, or picked from a list. */
type AnswerSource = 'words' | 'follow-up' | 'picked';

export type Decision =
  | { kind: 'command'; command: Command }
  | { kind: 'smallTalk'; smallTalk: SmallTalk }
  | { kind: 'topic'; topic: Topic }
  | { kind: 'answer'; entry: Entry; confidence: number; via: AnswerSource; reason: string; search?: SearchResult; topic?: Topic }
  /**
   * The page does not say what was asked, a detail of a subject it covers ("when will the Thailand hub
   * open?"): the bot says so, and gives what the page does say about the subject.
   */
  | { kind: 'partial'; entry: Entry; unsaid: Unsaid; reason: string; search: SearchResult; topic?: Topic }
  /** "Did you mean…": the best candidates, for the user to pick from, with "none of these". */
  | { kind: 'clarify'; options: Entry[]; reason: string; search: SearchResult; topic?: Topic }
  /**
   * `declinedOffer`: the message was "none of these" to a "did you mean", not a question of its own.
   * `nearest`: questions the bot can answer that came closest, from NEAREST_FLOOR: not an answer, and not
   * offered as what was meant, but a way on from a "don't know".
   */
  | { kind: 'unknown'; reason: string; search?: SearchResult; topic?: Topic; declinedOffer?: true; nearest?: readonly Entry[] };

export interface DeciderOptions {
  /**
   * Keep every candidate the model compared in each decision's search, for `npm run ask` and training to
   * see; the bot keeps the best few.
   */
  keepAllCandidates?: boolean;
  /** For calibration; the bot uses DEFAULT_THRESHOLDS. */
  thresholds?: Thresholds;
  /** For cross-validation; the bot uses the committed model. */
  model?: RankingModel;
}

export interface DecideContext {
  /** The topic the conversation is in, if any: its entries win near-ties. */
  topic?: Topic;
  /** What the bot answered last: a follow-up such as "how often is it held?" is read against its subject. */
  lastEntry?: Entry;
  /** The entries a "did you mean" offered on the previous turn, which "2" or "none of these" refer to. */
  offered?: readonly Entry[];
}

/**
 * Retrieval hands the model only entries that match at least this well, so a search at 100,000 entries
 * reads few posting lists. On the development split the entry wanted matched below it once in 530
 * in-scope cases. Raising it to 0.4 halved search p99 at 10,000 entries but gave the out-of-scope corpus
 * 15 facts instead of 11: fewer weak candidates left the best one more of the probability.
 */
export const RETRIEVAL_FLOOR = 0.3;

const fixed = (n: number) => n.toFixed(2);

/** Asking whether something happened: "did they hit the 2015 target?", "has it reached 38% by 2015?". */
const ASKS_WHAT_HAPPENED = /\b(did|didnt|achieved|reached|managed|hit|met)\b/;

/**
 * "Did they hit the 2015 target?" asks what happened after the source was written, which it cannot tell,
 * however well an answer about the plan matches. Such an answer or offer becomes "I don't know".
 */
function withinSource({ folded }: Question, decision: Decision): Decision {
  if (decision.kind !== 'answer' && decision.kind !== 'clarify') return decision;
  if (decision.kind === 'answer' && decision.via === 'picked') return decision;
  if (!ASKS_WHAT_HAPPENED.test(folded)) return decision;
  const entries = decision.kind === 'answer' ? [decision.entry] : decision.options;
  const asOf = Math.min(...entries.map((e) => Number(e.source.asOf.slice(0, 4))));
  const later = (folded.match(/\b(19|20)\d\d\b/g) ?? []).map(Number).find((year) => year > asOf);
  if (later === undefined) return decision;
  return {
    kind: 'unknown',
    reason: `asks what happened by ${later}, after the source was written (as of ${asOf})`,
    search: decision.search,
    topic: decision.topic,
  };
}

/** Turns one message into what the bot should do about it. Free of botbuilder, so any channel or tool can use it. */
export class Decider {
  readonly index: KnowledgeIndex;
  readonly topics: readonly TopicInfo[];

  readonly thresholds: Thresholds;
  private readonly searchLimit: number | undefined;
  /** Made again for each knowledge version, as a Decider is: a curator's publish starts it empty. */
  private readonly decided = new LRUCache<string, Decision>({ max: DECISION_CACHE_SIZE });

  constructor(kb: KnowledgeBase, options: DeciderOptions = {}) {
    this.index = KnowledgeIndex.fromKnowledge(kb, options.model);
    this.topics = kb.topics;
    this.thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
    // keepAllCandidates keeps all that retrieval hands the model.
    this.searchLimit = options.keepAllCandidates ? RETRIEVE_LIMIT : undefined;
  }

  topic(topic: Topic): TopicInfo {
    const info = this.topics.find((t) => t.topic === topic);
    if (!info) throw new Error(`The knowledge base has no ${topic} topic`);
    return info;
  }

  /** The entry with this id, if the knowledge base has it. */
  entry(id: string): Entry | undefined {
    return this.index.entry(id);
  }

  entriesOf(topic: Topic): Entry[] {
    return this.index.entries.filter((e) => e.topic === topic);
  }

  /**
   * What the bot reads in a message, as a key: two messages with the same key are the same question to it
   * (the same words once stemmed and rewritten by the synonyms, whatever their order, case or punctuation).
   */
  readAs(message: string): string {
    return [...new Set(this.index.analyse(message).tokens.map((t) => t.stem))].sort().join(' ');
  }

  /** The entries nearest a message, best first, with the probability the model gives each: what it nearly answered. */
  suggest(message: string, count: number): { entry: Entry; probability: number }[] {
    const search = this.index.search(this.index.analyse(message), { minMatch: RETRIEVAL_FLOOR, limit: count });
    return search.candidates.slice(0, count).map((c) => ({ entry: c.entry, probability: c.confidence }));
  }

  /**
   * What a message means in this context. A decision depends on nothing but the part of the message the bot
   * reads and the context, and is never changed once made, so one made before for the same is given again.
   */
  decide(message: string, context: DecideContext = {}): Decision {
    const key = [context.topic ?? '', context.lastEntry?.id ?? '', context.offered?.map((e) => e.id).join(',') ?? '', boundedMessage(message)].join('\u0000');
    const known = this.decided.get(key);
    if (known) return known;
    const decision = this.decideAfresh(message, context);
    this.decided.set(key, decision);
    return decision;
  }

  private decideAfresh(message: string, context: DecideContext): Decision {
    const question = this.index.analyse(message);
    const { folded } = question;
    const { topic } = context;
    if (context.offered?.length) {
      const pick = recogniseOfferPick(folded, context.offered);
      if (pick === 'none') return { kind: 'unknown', reason: 'the user said none of the offered questions was meant', topic, declinedOffer: true };
      if (pick) return { kind: 'answer', entry: pick, confidence: 1, via: 'picked', reason: 'picked from the "did you mean" list', topic };
    }
    const { afterRemarks } = question;
    const command = recogniseCommand(folded) ?? (afterRemarks === undefined ? undefined : recogniseCommand(afterRemarks));
    if (command) return { kind: 'command', command };
    const smallTalk =
      recogniseSmallTalk(folded) ??
      recogniseSmallTalkBySentence(question.foldedSentences) ??
      // Only a question about the bot: thanks or "right?" after remarks is about what the remarks said.
      (afterRemarks !== undefined && recogniseSmallTalk(afterRemarks) === 'aboutBot' ? 'aboutBot' : undefined);
    if (smallTalk) return { kind: 'smallTalk', smallTalk };
    const requested = recogniseTopicRequest(folded, this.topics);
    if (requested) return { kind: 'topic', topic: requested };
    const unanswerable = recogniseUnanswerable(folded);
    if (unanswerable) return { kind: 'unknown', reason: unanswerable, topic };
    return withinSource(question, this.narrowed(question, this.understand(question, topic, context.lastEntry), topic, context.lastEntry));
  }

  /**
   * The question's narrower readings (Question.readings), where the whole question was not answered: one
   * is taken only if it answers with the entry the whole question came nearest to, so that cutting words
   * away can make the bot surer but never changes what it answers.
   */
  private narrowed(question: Question, decision: Decision, topic: Topic | undefined, lastEntry: Entry | undefined): Decision {
    if (question.readings.length === 0 || decision.kind === 'answer' || !('search' in decision)) return decision;
    const nearest = decision.search?.candidates[0]?.entry;
    if (!nearest) return decision;
    for (const reading of question.readings) {
      // One side of an "or" is answered only by an entry that has what the side offers.
      if (reading.offered && !this.index.mentions(nearest, reading.offered)) continue;
      const narrow = this.understand(reading, topic, lastEntry);
      if (narrow.kind === 'answer' && narrow.entry.id === nearest.id) return narrow;
    }
    return decision;
  }

  /** A question about the knowledge base, read on its own or against the previous answer. */
  private understand(question: Question, topic: Topic | undefined, lastEntry: Entry | undefined): Decision {
    const search = this.index.search(question, { preferTopic: topic, minMatch: RETRIEVAL_FLOOR, limit: this.searchLimit });
    // "How many?", "since when?": a kind of question and nothing it is about.
    const bare = question.bareType;
    if (bare) {
      return lastEntry
        ? this.bareFollowUp(question, bare, lastEntry, topic)
        : { kind: 'unknown', reason: 'the message asks a kind of question but names nothing to ask it about', search, topic };
    }
    if (!lastEntry) return this.standalone(question, search, topic);
    // A pronoun means the previous subject, unless the message names a subject of its own before it, for
    // it to mean: "and the council meeting, who goes to that?" (but "what does it do for AIUK?").
    const found = question.cue;
    const cue = found?.kind === 'pronoun' && this.index.namesOtherSubject(found.beforePronoun, lastEntry) ? undefined : found?.kind;
    const standsAlone = (search.candidates[0]?.confidence ?? 0) >= this.thresholds.answer;
    // Without a cue, a message that does not stand alone borrows the subject only if the base knows every
    // word of it ("tell me about Greenpeace" after an answer is not about that answer), or if it asks a
    // kind of question in everyday words it does not know: "roughly how many show up?".
    const borrows = search.unknownWords.every((word) => isCommonWord(word)) && (search.unknownWords.length === 0 || search.questionType !== undefined);
    if (!cue && (standsAlone || !borrows)) return judgeSearch(search, topic, 'words', this.thresholds);
    const followUp = this.followUpSearch(question, lastEntry, topic, cue === 'pronoun');
    // A pronoun can only mean the previous subject: "how many people are on it?" after the International
    // Board is about the board, and the movement's size does not answer it.
    if (cue === 'pronoun') return judgeSearch(this.byRole(followUp, question, lastEntry), topic, 'follow-up', this.thresholds);
    const better = (followUp.candidates[0]?.confidence ?? 0) > (search.candidates[0]?.confidence ?? 0);
    return better ? judgeSearch(followUp, topic, 'follow-up', this.thresholds) : judgeSearch(search, topic, 'words', this.thresholds);
  }

  /**
   * A message with no earlier answer to lean on. "Who appoints them?" is a pronoun and a verb and nothing
   * else: whatever matches best, the bot cannot know that it is what "them" means, so it offers what matched
   * rather than answering. (A message that says more, "urgent actions, who issues them?", names what its
   * pronoun means.)
   */
  private standalone(question: Question, search: SearchResult, topic: Topic | undefined): Decision {
    const decision = judgeSearch(search, topic, 'words', this.thresholds);
    if (decision.kind !== 'answer' || !question.pronounAndVerb) return decision;
    const options = search.candidates.filter((c) => c.confidence >= this.thresholds.clarifyFloor).slice(0, MAX_OPTIONS);
    const reason =
      `the best candidate scores ${fixed(decision.confidence)}, ` + 'but the message is a pronoun and a verb, with no earlier answer for the pronoun to mean';
    return { kind: 'clarify', options: options.map((c) => c.entry), reason, search, topic };
  }

  /**
   * "How many?", "since when?", "why?" after an answer: the previous answer, if it answers that kind of
   * question, or else another entry about the same subject that does; otherwise the bot does not know.
   */
  private bareFollowUp(question: Question, type: QuestionType, lastEntry: Entry, topic: Topic | undefined): Decision {
    // "Who is he?" asks who the subject is, which an answer about who appoints him does not say.
    const identity = type === 'person' && question.cue?.kind === 'pronoun';
    if (this.index.answersType(lastEntry, type) && (!identity || this.index.asksOfSubjectAlone(lastEntry, type))) {
      return {
        kind: 'answer',
        entry: lastEntry,
        confidence: 1,
        via: 'follow-up',
        reason: `the previous answer answers a "${type}" question about its subject`,
        topic,
      };
    }
    const followUp = this.followUpSearch(question, lastEntry, topic, true);
    const candidates = followUp.candidates.filter((c) => c.entry !== lastEntry && this.index.answersType(c.entry, type));
    const decision = judgeSearch({ ...followUp, candidates }, topic, 'follow-up', this.thresholds);
    return decision.kind === 'unknown' ? { ...decision, reason: `nothing about the previous answer's subject answers a "${type}" question` } : decision;
  }

  /**
   * "Who does it appoint?" after the International Board asks whom the board appoints, not who appoints
   * the board: an entry whose wordings only ever have the subject in the other role answers it less well.
   */
  private byRole(result: SearchResult, question: Question, lastEntry: Entry): SearchResult {
    const role = this.index.pronounRole(question, PERSONAL_PRONOUNS);
    if (!role) return result;
    const rolesOf = this.index.subjectRoles(lastEntry.subject, question);
    const evidence = result.candidates.map((c) => {
      const roles = rolesOf(c.entry);
      return roles.size > 0 && !roles.has(role) ? { ...c.evidence, roleMismatch: 1 } : c.evidence;
    });
    return { ...result, candidates: this.index.rescored(result.candidates, evidence) };
  }

  /**
   * The message read with words of the previous answer added. `onSubject` (a pronoun, or a bare "how
   * many?"): with its subject, and only entries that know most of that subject, or whose subject its answer
   * names, are kept, or the reading is not a follow-up at all. Otherwise (an elliptical "and in the UK?", or
   * a message that does not stand alone): with its whole question, and the message may swap the subject for
   * its own: "and how many members?" after the national sections asks about the membership.
   */
  private followUpSearch(question: Question, lastEntry: Entry, topic: Topic | undefined, onSubject: boolean): SearchResult {
    const contextText = onSubject ? lastEntry.subject : lastEntry.question;
    const result = this.index.search(question, { preferTopic: topic ?? lastEntry.topic, contextText, minMatch: RETRIEVAL_FLOOR, limit: this.searchLimit });
    if (!onSubject) return result;
    const candidates = result.candidates.filter(
      (c) => c.entry === lastEntry || this.index.isAboutSubjectOf(c.entry, lastEntry) || this.index.answerNamesSubjectOf(lastEntry, c.entry),
    );
    return { ...result, candidates };
  }
}

/**
 * What a search's candidates decide, at these thresholds: an answer, a partial reply, a "did you mean", or
 * "I don't know".
 * Exported for calibration, which re-judges recorded searches at other thresholds.
 */
export function judgeSearch(search: SearchResult, topic: Topic | undefined, via: 'words' | 'follow-up', thresholds: Thresholds): Decision {
  const { answer, clarifyFloor, clarifyMargin } = thresholds;
  const [top, ...rest] = search.candidates;
  const context = via === 'follow-up' ? " (read with the previous answer's subject)" : '';
  // An entry that would be meant but for a detail it lacks: it would then lead the others, and reach the
  // "did you mean" floor, as an offer must (the reply states no fact as the answer; it says the page lacks
  // it). A best candidate that lacks the detail is never the answer, however well it matches: "How old is
  // Salil Shetty?" is not answered by who he is.
  let partial: Candidate | undefined;
  if (top && top.confidence < answer) partial = search.candidates.find((c) => (c.ifNamed ?? 0) >= Math.max(clarifyFloor, top.confidence));
  else if (top?.ifNamed !== undefined) partial = top;
  if (partial?.ifNamed !== undefined) {
    const reason =
      `${partial.entry.id} scores ${fixed(partial.confidence)}${context}, ` +
      `but would score ${fixed(partial.ifNamed)} if it said what is asked${search.specifiers.length ? ` (${search.specifiers.join(', ')})` : ''}`;
    return { kind: 'partial', entry: partial.entry, unsaid: partial.unsaid ?? { words: [] }, reason, search, topic };
  }
  if (!top || top.confidence < clarifyFloor) {
    const reason = top
      ? `the best candidate scores ${fixed(top.confidence)}${context}, below the "did you mean" floor ${fixed(clarifyFloor)}`
      : 'no word of the message is in the knowledge base';
    const nearest = search.candidates.filter((c) => c.confidence >= NEAREST_FLOOR).slice(0, MAX_OPTIONS);
    return { kind: 'unknown', reason, search, topic, ...(nearest.length > 0 ? { nearest: nearest.map((c) => c.entry) } : {}) };
  }
  const close = [top, ...rest.filter((c: Candidate) => c.confidence >= clarifyFloor && top.confidence - c.confidence <= clarifyMargin)].slice(0, MAX_OPTIONS);
  if (top.confidence >= answer && close.length === 1) {
    const reason =
      `the best candidate scores ${fixed(top.confidence)}${context}, ` +
      `at or above the answer threshold ${fixed(answer)}, and no other is within ${fixed(clarifyMargin)}`;
    return { kind: 'answer', entry: top.entry, confidence: top.confidence, via, reason, search, topic };
  }
  const reason =
    close.length > 1
      ? `${close.length} candidates score within ${fixed(clarifyMargin)} of the best (${fixed(top.confidence)})${context}`
      : `the best candidate scores ${fixed(top.confidence)}${context}, ` +
        `between the "did you mean" floor ${fixed(clarifyFloor)} and the answer threshold ${fixed(answer)}`;
  return { kind: 'clarify', options: close.map((c) => c.entry), reason, search, topic };
}
