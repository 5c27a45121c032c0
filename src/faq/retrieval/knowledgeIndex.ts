import type { KnowledgeBase } from '../knowledge/loadKnowledge';
import type { Entry, Topic } from '../knowledge/schema';
import { isCommonWord } from '../analysis/commonWords';
import { countedByNumbers, countedByQuestion } from '../analysis/counting';
import { NameFinder } from '../analysis/names';
import {
  boundedMessage,
  clauseWordsOf,
  foldText,
  isNumberWord,
  isQuestionWord,
  isStopWord,
  stem,
  STOP_WORD_LIST,
  SynonymRewriter,
  tokenize,
  type Token,
} from '../analysis/normalise';
import { mayAskType, questionType, type QuestionType } from '../analysis/questionType';
import { Analyser, asksOnlyOf, type Question, type Reading } from '../analysis/question';
import { roleOf, type Role } from '../analysis/roles';
import { TypoIndex } from '../analysis/typoIndex';
import { WordTable } from '../analysis/wordTable';
import { committedWordVectors, type WordVectors } from '../analysis/wordVectors';
import type { Evidence } from '../ranking/features';
import { committedRankingModel, RankingModel } from '../ranking/model';
import { DetailWords } from '../analysis/detailWords';
import type { RetrievalSettings } from '../ranking/retrievalSettings';
import { FieldFrequencyBuilder, FIELDS, type FieldScorer } from './fieldScores';
import { grown } from './grown';

export interface Candidate {
  entry: Entry;
  /** The ranking model's probability that this entry is the one the message asks for. */
  confidence: number;
  /** 0–1, what retrieval ranks and prunes by: how much of the message this entry explains, and how much of its best phrasing the message used. */
  match: number;
  /** What the model read. */
  evidence: Evidence;
  /**
   * For an entry that lacks only what the message asks about its subject, a detail or a kind of answer
   * ("when will the Thailand hub open?" of the hubs' entry, which names Thailand but gives no date): its
   * probability had it said that too. Where that is high and its own is not, the entry is what the page
   * says about the subject, but not the answer.
   */
  ifNamed?: number;
  /** For such an entry, the share of the message it would explain, and its meaning overlap, had it said that too. */
  ifSaid?: Pick<Evidence, 'messageCoverage' | 'semantic'>;
  /** For such an entry, what it does not say. */
  unsaid?: Unsaid;
  /** The question or phrasing of the entry that matched best. */
  matchedPhrasing: string;
}

/**
 * What an entry on the subject does not say of what a message asks: the message's words that ask for a
 * detail it never mentions ("open" in "when will the Thailand hub open?", as typed), and the kind of answer
 * it cannot give, if that is missing too.
 */
export interface Unsaid {
  words: string[];
  type?: QuestionType;
}

interface Correction {
  typed: string;
  read: string;
}

export interface SearchResult {
  candidates: Candidate[];
  /** Words the knowledge base has never seen, even allowing for typos. */
  unknownWords: string[];
  corrections: Correction[];
  /** What kind of thing the message asks for, if it says. */
  questionType?: QuestionType;
  /**
   * Places, organisations, numbers and details the message names ("in India", "the UN", "in 1990",
   * "how old"); an entry that does not name them too cannot answer it.
   */
  specifiers: string[];
  /** What a "how many" question counts ("staff"); an entry that counts none of it cannot answer it. */
  counted: string[];
  /** The part of the message read as the question, when it is not all of it (Question.text and Question.reading). */
  readAs?: { text: string; reading: Exclude<Reading, 'whole'> };
}

/** No stems taken as said: the semantic feature as the entry stands. */
const NOTHING_SAID: ReadonlySet<number> = new Set();

/** What a message asks for, besides its words. */
interface AskedFor {
  /** The message's words that ask for a detail, as typed, by stem. */
  detailWords: ReadonlyMap<string, string>;
  type?: QuestionType;
  specifiers: string[];
  /**
   * Each side of an "or", before and after it (empty without one): the details ("detail:…") it asks for,
   * and the stem ids of the words it has that the other side does not.
   */
  orSides: { details: ReadonlySet<string>; own: ReadonlySet<number> }[];
  /** Stem ids of the words of `counted` the base knows. */
  countedStems: number[];
  /** Whether it counts people qualified by a word the base has never seen: no entry counts them. */
  countsStrangers: boolean;
  /** The stems of each subject the message names. */
  namedSubjects: Set<number>[];
  /** The words typed, question words left out. */
  words: MessageWord[];
  unknownShare: number;
  correctedShare: number;
  /** The message's whole weight, its unknown words' and its context's included. */
  messageWeight: number;
  /**
   * Whether the message has words the knowledge base has never seen, besides detail words: "how often
   * does the city council meet?" is about another council, not a detail the page leaves out.
   */
  saysMoreThanDetails: boolean;
}

export interface SearchOptions {
  /** Entries of this topic win near-ties: a topic dialog's context. */
  preferTopic?: Topic;
  /**
   * Words the message is taken to be about although it does not say them: the subject of the previous
   * answer, for a follow-up such as "how often is it held?". They count for less than the user's words.
   */
  contextText?: string;
  /** Entries whose retrieval match is below this are not wanted; the index skips entries that cannot reach it. */
  minMatch?: number;
  /** How many candidates to return, best first by the model's confidence. */
  limit?: number;
}

/** Bounds are loosened by this much, so rounding can never prune an entry that scores exactly the minimum. */
const BOUND_SLACK = 1 + 1e-9;
/** What an answer needs to answer "how many", "when" or "how long": a number, or words of counting, time or duration. */
const ANSWER_SUPPORTS: Partial<Record<QuestionType, RegExp>> = {
  quantity: /\d|\b(two|three|four|five|six|seven|eight|nine|ten|dozen|hundred|thousand|million|half|quarter|majority)\b/i,
  time: /\b(19|20)\d\d\b|\b(every|years|yearly|annual|annually|month|months|week|weeks|days|since|until|biennial)\b/i,
  duration: /\b(every|years?|months?|weeks?|days?|decades?|biennial|annual|annually)\b/i,
};
const ANSWER_SUPPORT_PATTERNS = Object.entries(ANSWER_SUPPORTS) as [QuestionType, RegExp][];
/** The types whose support is looked for in the answer itself; "where" is supported by an answer that names a place. */
const ANSWER_CHECKED: ReadonlySet<QuestionType> = new Set(['quantity', 'time', 'duration', 'place']);

/** How many candidates a search returns unless asked for more. */
const DEFAULT_LIMIT = 5;
/** How many entries retrieval hands the model, at least: the best by match. */
export const RETRIEVE_LIMIT = 12;

/** An entry retrieval kept, with the match it was kept for. */
interface Retrieved {
  entryIndex: number;
  match: number;
  phrasingMatch: number;
  messageCoverage: number;
  phrasingCoverage: number;
  /** Its best phrasing's number. */
  matched: number;
}

/** A word the user typed, as the semantic feature reads it. */
interface MessageWord {
  stemId?: number;
  /** Unit length; undefined for a word the vectors lack. */
  vector?: Float32Array;
  weight: number;
}

interface ResolvedToken {
  token: Token;
  stemId?: number;
  /** The vocabulary word a misspelt word was read as. */
  read?: string;
  /** A misspelt stop word ("descrbe"): it says no more than the stop word does, so it is not read at all. */
  stopWord?: boolean;
  credit: number;
  fromContext: boolean;
}

const TYPE_BITS: Record<QuestionType, number> = { person: 1, time: 2, place: 4, quantity: 8, reason: 16, duration: 32 };

/**
 * How many entries know a word's stem, for ranking typo corrections. Made here rather than in the index's
 * constructor: a closure made there would keep the constructor's whole scope, every build-time list in
 * it, alive as long as the index (it held half the heap of a 100,000-entry index).
 */
function byDocumentFrequency(stemOfWord: ReadonlyMap<string, number>, frequency: Int32Array): (word: string) => number {
  return (word) => frequency[stemOfWord.get(word) ?? -1] ?? 0;
}

/** Best first; ties by id, so the order never depends on the order entries were read in. */
function byRank(a: Candidate, b: Candidate): number {
  return b.confidence - a.confidence || a.entry.id.localeCompare(b.entry.id);
}

/** Lists of (item, credit) pairs, one list per key, in flat typed arrays: far lighter than arrays of arrays at 100,000 entries. */
class FlatLists {
  constructor(
    readonly start: Int32Array,
    readonly items: Int32Array,
    readonly credit: Float32Array,
  ) {}

  /**
   * The same pairs grouped the other way round: list k of the result holds (i, credit) for each item k in
   * list i, with the lists i visited in `order`, so each resulting list keeps that order.
   */
  invert(keys: number, order: Int32Array): FlatLists {
    const start = new Int32Array(keys + 1);
    for (const item of this.items) start[item + 1]!++;
    for (let k = 0; k < keys; k++) start[k + 1]! += start[k]!;
    const filled = start.slice(0, keys);
    const items = new Int32Array(this.items.length);
    const credit = new Float32Array(this.items.length);
    for (const list of order) {
      for (let i = this.start[list]!; i < this.start[list + 1]!; i++) {
        const at = filled[this.items[i]!]!++;
        items[at] = list;
        credit[at] = this.credit[i]!;
      }
    }
    return new FlatLists(start, items, credit);
  }
}

/**
 * Retrieves and ranks knowledge-base entries for a message. Words are matched exactly after
 * normalisation, or, when a word is unknown, as a typo of a known word. An entry matches by the
 * inverse-document-frequency weight of the message's words it knows, from any of its phrasings (or, for
 * less, its answer and quotes), combined with how much of its best-matching phrasing the message used.
 * A word the knowledge base has never seen weighs as much as one that two entries use, ln(1 + N/2), so a
 * message that is mostly about something else ("what's the weather in London?") matches little. The best matches then get their
 * evidence (src/faq/ranking/features.ts), and the ranking model gives each its probability.
 *
 * Built for large bases: stems are numbered, lists are flat typed arrays, and a search visits only the
 * entries that contain one of the message's "essential" words, those without which no entry can reach
 * `minMatch`, so common words' long posting lists are read only when needed.
 */
export class KnowledgeIndex {
  private readonly stemIds = new Map<string, number>();
  private readonly stemOfWord = new Map<string, number>();
  private readonly idf: Float64Array;
  private readonly unknownIdf: number;
  /** Stem → the entries that know it, with the credit each gives it (1 from phrasings, less from answers). */
  private readonly postings: FlatLists;
  /** Entry → its known stems with their credit. */
  private readonly entryStems: FlatLists;
  /** Phrasing p's stems are phrasingStems[phrasingStart[p] .. phrasingStart[p + 1]). */
  private readonly phrasingStart: Int32Array;
  private readonly phrasingStems: Int32Array;
  private readonly phrasingWeight: Float64Array;
  /** Each entry's lightest phrasing: no phrasing of it can be covered more than the message's words allow. */
  private readonly entryLightestPhrasing: Float64Array;
  /** entryLightestPhrasing to the power coveragePower, for a bound that needs no Math.pow per entry. */
  private readonly entryLightestPowered: Float64Array;
  private readonly phrasingText: string[] = [];
  /** Entry e's phrasings are entryFirstPhrasing[e] .. entryFirstPhrasing[e + 1]. */
  private readonly entryFirstPhrasing: Int32Array;
  /** The question types each entry's wordings ask, as bits; 0 when none says. */
  private readonly entryTypes: Uint8Array;
  /** The question types each entry's answer could answer at all (ANSWER_SUPPORTS, and place when it names one), as bits. */
  private readonly answerTypes: Uint8Array;
  private readonly typos: TypoIndex;
  private readonly byId: Map<string, Entry>;
  private readonly entryIndex: Map<string, number>;
  /** Each entry's place in id order, sorted once: equal matches are ordered by id, compared as numbers rather than strings. */
  private readonly idOrder: Int32Array;
  /** Scratch for a search: each phrasing of the entry being scored, the message weight it uses and its coverage. */
  private readonly phrasingUse: Float64Array;
  /** What the last explainedBy found of the message's phrasing gain in the entry's question and phrasings. */
  private foundInWordings = 0;
  /** The words that ask for a particular detail (knowledge/details.yaml). */
  private readonly detailWords: DetailWords;
  /** The stems each entry counts ("members", "staff", "hubs"), for entries that count anything. */
  private readonly entryCounts = new Map<number, Set<number>>();
  /** The name groups, numbers and detail words each entry's own text mentions, for entries that mention any. */
  private readonly entrySpecifiers = new Map<number, Set<string>>();
  /**
   * The detail words any entry on the same curated subject mentions, by entry. A detail said of the
   * subject elsewhere is context, not what is asked: "how often do the sections' representatives get
   * together to vote?" asks how often the ICM meets, though only the ICM's other entries speak of voting.
   */
  private readonly subjectDetails = new Map<number, Set<string>>();
  /**
   * The distinct subjects, as content stems (entries often share one), and the subjects listed under the
   * stems that could name them.
   */
  private readonly subjects: number[][] = [];
  private readonly subjectsByStem = new Map<number, number[]>();
  /** Per-entry scratch for one search, reused: allocating it per query cost more than the search. */
  private readonly explained: Float64Array;
  /** Scratch for a search, by entry: the phrasing gain of the essential stems its question and phrasings use. */
  private readonly explainedInWordings: Float64Array;
  /** Scratch for a search: the entries met so far, in the order met. At 10,000 entries an array grown per search was 12 KB of the 81 KB a search allocated. */
  private readonly visited: Int32Array;
  /** Per-stem scratch: what each stem of the message is worth to its coverage and to a phrasing's; 0 when absent. */
  private readonly messageGain: Float64Array;
  private readonly phrasingGain: Float64Array;
  /** The unit vectors of the words the entries' wordings use, one row each, one after another. */
  private readonly vectorMatrix: Float32Array;
  /** Entry e's wording words are rows entryVectorRows[entryVectorStart[e] .. entryVectorStart[e + 1]) of vectorMatrix. */
  private readonly entryVectorStart: Int32Array;
  private readonly entryVectorRows: Int32Array;
  private readonly analyser: Analyser;
  /** Each entry's subject as content stems, by entry id, once asked for. */
  private readonly subjectStems = new Map<string, Set<number>>();
  /** Each entry's answer as content stems, by entry id, once asked for. */
  private readonly answerStems = new Map<string, Set<number>>();
  /**
   * By entry id, the kinds of question (TYPE_BITS) a wording of it asks of its subject alone: worked out
   * when a follow-up first asks, as the build would pay for analysing every wording of every entry.
   */
  private readonly typesAskedOfSubjectAlone = new Map<string, number>();
  /** Each wording's clause words, as clauseWords reads them, once asked for. */
  private readonly wordingClauses = new Map<string, readonly string[]>();
  /** BM25 of each field, for the candidates' evidence. */
  private readonly fieldScorer: FieldScorer;
  /** The retrieval match's numbers, fitted with the model. */
  private readonly settings: RetrievalSettings;
  /**
   * The pruning bounds compare x ** E * y ** (1 - E) with minMatch, E the message coverage exponent;
   * raised to the power 1 / E they compare x * y ** coveragePower with minMatch ** (1 / E), where y's
   * power can be computed once.
   */
  private readonly coveragePower: number;

  constructor(
    readonly entries: readonly Entry[],
    private readonly rewriter: SynonymRewriter,
    private readonly names: NameFinder = new NameFinder([]),
    details: readonly string[] = [],
    readonly model: RankingModel = committedRankingModel(),
    private readonly vectors: WordVectors = committedWordVectors(),
  ) {
    this.settings = model.retrieval;
    this.coveragePower = (1 - this.settings.messageCoverageExponent) / this.settings.messageCoverageExponent;
    // The map itself, filled below, not a closure: an arrow function made here would keep alive every
    // build-time array this constructor's other closures share a scope with (10 MB at 10,000 entries).
    this.detailWords = new DetailWords(details, this.stemOfWord);
    this.analyser = new Analyser(rewriter, names, this.detailWords);
    this.byId = new Map(entries.map((e) => [e.id, e]));
    this.entryIndex = new Map(entries.map((e, i) => [e.id, i]));
    this.idOrder = new Int32Array(entries.length);
    entries
      .map((e, i) => ({ id: e.id, i }))
      .sort((a, b) => a.id.localeCompare(b.id))
      .forEach(({ i }, position) => (this.idOrder[i] = position));
    const firstPhrasing: number[] = [];
    /** Every phrasing's word codes (stem id times two, plus one for a question word), one after another. */
    const phrasingCodes: number[] = [];
    const starts: number[] = [0];
    const entryStart: number[] = [0];
    // Every entry's stems and their credit, one entry after another: typed arrays grown by doubling, since
    // pushing millions of numbers onto plain arrays was a tenth of building 10,000 entries.
    let entryItems = new Int32Array(1 << 16);
    let entryCredits = new Float32Array(1 << 16);
    let entryItemCount = 0;
    this.entryTypes = new Uint8Array(entries.length);
    this.answerTypes = new Uint8Array(entries.length);

    // By stem id: how many entries know it, whether it asks for a detail, and the current entry's credit
    // for it (0 when it has none yet), a scratch array that replaces a Map per entry.
    const documentFrequency: number[] = [];
    const isDetail: boolean[] = [];
    const credit: number[] = [];
    /** By stem id: the last wording wordingCodes found it in, so each wording keeps a stem once without a search. */
    const wordingOfStem: number[] = [];
    let wordingsRead = 0;
    const stemTexts: string[] = [];
    const stemIdOf = (stemText: string): number => {
      let id = this.stemIds.get(stemText);
      if (id === undefined) {
        id = this.stemIds.size;
        this.stemIds.set(stemText, id);
        stemTexts.push(stemText);
        documentFrequency.push(0);
        isDetail.push(this.detailWords.stems.has(stemText));
        credit.push(0);
        wordingOfStem.push(-1);
      }
      return id;
    };
    // Words repeat across phrasings (a few are in most of them), so each is looked at once. Its code is its
    // stem's id times two, plus one for a question word, or -1 for a stop word; it is worked out when first
    // needed, so a word that a synonym rewrites away never becomes a stem. Its flags say whether it may
    // start a synonym or a name, or holds a number, so that the texts without one skip those tests.
    const table = new WordTable();
    const codes: number[] = [];
    const flags: number[] = [];
    const NOT_YET = -2;
    const SYNONYM = 1;
    const NAME = 2;
    const NUMBER = 4;
    const CUE = 8;
    const idsOf = (text: string, into: number[]): number[] => {
      table.idsOf(text, into);
      for (let id = codes.length; id < table.size; id++) {
        const word = table.words[id]!;
        codes.push(NOT_YET);
        flags.push(
          (rewriter.firstWords.has(word) ? SYNONYM : 0) |
            (this.names.startsName(word) ? NAME : 0) |
            (/\d{3}/.test(word) ? NUMBER : 0) |
            (mayAskType(word) ? CUE : 0),
        );
      }
      return into;
    };
    const flagsOf = (wordIds: readonly number[]): number => {
      let all = 0;
      for (const id of wordIds) all |= flags[id]!;
      return all;
    };
    const codeOf = (id: number): number => {
      if (codes[id] === NOT_YET) {
        const word = table.words[id]!;
        codes[id] = isStopWord(word) ? -1 : stemIdOf(stem(word)) * 2 + (isQuestionWord(word) ? 1 : 0);
      }
      return codes[id]!;
    };
    const ids: number[] = [];
    /** A wording's stems, each once, as tokenize would find them, without building its tokens. */
    const wordingCodes = (text: string, wordIds: readonly number[]): number[] => {
      const codes =
        flagsOf(wordIds) & SYNONYM && rewriter.rewrite(text) !== text
          ? tokenize(text, rewriter).map((t) => codeOf(idsOf(t.word, [])[0]!))
          : wordIds.map(codeOf);
      // Each stem once: a phrasing's use of a message word, and its weight, count the word once however often it says it.
      const wording = wordingsRead++;
      const found: number[] = [];
      for (const code of codes) {
        if (code < 0 || wordingOfStem[code >> 1] === wording) continue;
        wordingOfStem[code >> 1] = wording;
        found.push(code);
      }
      return found;
    };
    const entryStemIds: number[] = [];
    const fieldFrequencies = new FieldFrequencyBuilder();
    const [QUESTION, PHRASINGS, ANSWER, QUOTES] = FIELDS.map((_, f) => f) as [number, number, number, number];
    /** Per entry, the table ids of its wordings' content words (for the semantic feature), each once. */
    const wordingWordStart: number[] = [0];
    const wordingWords: number[] = [];
    const wordSeenBy: number[] = [];
    const addCredit = (id: number, value: number) => {
      if (credit[id] === 0) entryStemIds.push(id);
      if (credit[id]! < value) credit[id] = value;
    };

    entries.forEach((entry, entryIndex) => {
      firstPhrasing.push(this.phrasingText.length);
      // Names, numbers and details are looked for in what the entry says (its wordings and answer), not in
      // its quotes: the quote of the national offices' answer also names the regional hubs' countries.
      const specifiers = new Set<string>();
      /** The words the entry counts: after its answer's numbers, or after "how many" in its wordings. */
      const counts = new Set<string>();
      /** Adds the names, numbers and details in a text the entry says; returns whether it names anything. */
      const said = (text: string, wordIds: readonly number[], wordCodes: readonly number[]): boolean => {
        const wordFlags = flagsOf(wordIds);
        let named = false;
        if (wordFlags & NAME || this.names.mayNameCaseSensitive(text)) {
          for (const group of this.names.find(text)) {
            specifiers.add(`name:${this.names.label(group)}`);
            named = true;
          }
        }
        if (wordFlags & NUMBER) {
          for (const id of wordIds) for (const number of table.words[id]!.match(/\d{3,}/g) ?? []) specifiers.add(`number:${number}`);
        }
        for (const code of wordCodes) if (isDetail[code >> 1]) specifiers.add(`detail:${stemTexts[code >> 1]}`);
        return named;
      };
      for (const [wording, text] of [entry.question, ...entry.phrasings].entries()) {
        ids.length = 0;
        idsOf(text, ids);
        // Only a wording with a cue word can ask a type of question; folding it again is left to those.
        const type = flagsOf(ids) & CUE ? questionType(text) : undefined;
        if (type) this.entryTypes[entryIndex]! |= TYPE_BITS[type];
        // A curated "how many regional hubs…?" says the entry counts hubs, although its answer only lists them.
        if (type === 'quantity') for (const word of countedByQuestion(foldText(rewriter.rewrite(text)))) counts.add(word);
        const wordCodes = wordingCodes(text, ids);
        said(text, ids, wordCodes);
        for (const id of ids) {
          if (wordSeenBy[id] === entryIndex || codeOf(id) < 0 || codeOf(id) & 1) continue;
          wordSeenBy[id] = entryIndex;
          wordingWords.push(id);
        }
        if (wordCodes.length === 0) continue;
        for (const code of wordCodes) {
          phrasingCodes.push(code);
          addCredit(code >> 1, 1);
          fieldFrequencies.count(wording === 0 ? QUESTION : PHRASINGS, code >> 1);
        }
        starts.push(phrasingCodes.length);
        this.phrasingText.push(text);
      }
      // "As of 2013, …" dates the page, not the fact: it makes no answer about a time.
      const undatedAnswer = entry.answer.replace(/\bas of \d{4}\b/gi, '');
      for (const [answerType, pattern] of ANSWER_SUPPORT_PATTERNS) {
        if (pattern.test(undatedAnswer)) this.answerTypes[entryIndex]! |= TYPE_BITS[answerType];
      }
      ids.length = 0;
      const answerCodes = wordingCodes(entry.answer, idsOf(entry.answer, ids));
      // An answer that names no place or organisation cannot say where.
      if (said(entry.answer, ids, answerCodes)) this.answerTypes[entryIndex]! |= TYPE_BITS.place;
      for (const code of answerCodes) {
        if (code & 1) continue;
        addCredit(code >> 1, this.settings.answerWordCredit);
        fieldFrequencies.count(ANSWER, code >> 1);
      }
      for (const quote of entry.quotes) {
        ids.length = 0;
        for (const code of wordingCodes(quote, idsOf(quote, ids))) {
          if (code & 1) continue;
          addCredit(code >> 1, this.settings.answerWordCredit);
          fieldFrequencies.count(QUOTES, code >> 1);
        }
      }
      for (const text of [entry.answer, ...entry.quotes]) {
        if (ANSWER_SUPPORTS.quantity!.test(text)) for (const word of countedByNumbers(foldText(text))) counts.add(word);
      }
      if (counts.size > 0) this.entryCounts.set(entryIndex, new Set([...counts].map((word) => stemIdOf(stem(word)))));
      if (entryItemCount + entryStemIds.length > entryItems.length) {
        entryItems = grown(entryItems, entryItemCount + entryStemIds.length);
        entryCredits = grown(entryCredits, entryItemCount + entryStemIds.length);
      }
      // In stem order, so a search can look a stem up in an entry's list by bisection; sorted where it is
      // stored, as a typed array sorts numbers far faster than an array does with a comparator.
      const inStemOrder = entryItems.subarray(entryItemCount, entryItemCount + entryStemIds.length);
      inStemOrder.set(entryStemIds);
      inStemOrder.sort();
      fieldFrequencies.endEntry(inStemOrder);
      for (const id of inStemOrder) {
        documentFrequency[id]!++;
        entryCredits[entryItemCount++] = credit[id]!;
        credit[id] = 0;
      }
      entryStemIds.length = 0;
      entryStart.push(entryItemCount);
      wordingWordStart.push(wordingWords.length);
      if (specifiers.size > 0) this.entrySpecifiers.set(entryIndex, specifiers);
    });
    firstPhrasing.push(this.phrasingText.length);
    const detailsBySubject = new Map<string, Set<string>>();
    for (const [e, specifiers] of this.entrySpecifiers) {
      const subject = foldText(entries[e]!.subject);
      const details = detailsBySubject.get(subject) ?? new Set<string>();
      for (const s of specifiers) if (s.startsWith('detail:')) details.add(s);
      detailsBySubject.set(subject, details);
    }
    entries.forEach((entry, e) => {
      const details = detailsBySubject.get(foldText(entry.subject));
      if (details && details.size > 0) this.subjectDetails.set(e, details);
    });
    // One row per word with a vector, however many entries use it.
    const rowOf = new Int32Array(table.size).fill(-1);
    const rows: Float32Array[] = [];
    const entryVectorStart = [0];
    const entryVectorRows: number[] = [];
    for (let e = 0; e < entries.length; e++) {
      for (let i = wordingWordStart[e]!; i < wordingWordStart[e + 1]!; i++) {
        const id = wordingWords[i]!;
        if (rowOf[id] === -1) {
          const vector = vectors.vector(table.words[id]!);
          rowOf[id] = vector ? rows.push(vector) - 1 : -2;
        }
        if (rowOf[id]! >= 0) entryVectorRows.push(rowOf[id]!);
      }
      entryVectorStart.push(entryVectorRows.length);
    }
    this.vectorMatrix = new Float32Array(rows.length * vectors.dimension);
    rows.forEach((row, i) => {
      this.vectorMatrix.set(row, i * vectors.dimension);
    });
    this.entryVectorStart = Int32Array.from(entryVectorStart);
    this.entryVectorRows = Int32Array.from(entryVectorRows);
    table.words.forEach((word, id) => {
      if (codes[id]! >= 0) this.stemOfWord.set(word, codes[id]! >> 1);
    });
    // Stems are words too: "expnad" is a typo of "expand", found in the base only as "expanding".
    for (const [stemText, id] of this.stemIds) if (!this.stemOfWord.has(stemText)) this.stemOfWord.set(stemText, id);

    this.entryFirstPhrasing = Int32Array.from(firstPhrasing);
    let mostPhrasings = 0;
    for (let e = 0; e < entries.length; e++) mostPhrasings = Math.max(mostPhrasings, firstPhrasing[e + 1]! - firstPhrasing[e]!);
    this.phrasingUse = new Float64Array(2 * mostPhrasings);
    this.phrasingStems = new Int32Array(phrasingCodes.length);
    for (let i = 0; i < phrasingCodes.length; i++) this.phrasingStems[i] = phrasingCodes[i]! >> 1;
    this.phrasingStart = Int32Array.from(starts);
    const n = Math.max(entries.length, 1);
    // A question word found only in answers belongs to no entry: it weighs as a word of one.
    this.idf = Float64Array.from(documentFrequency, (df) => Math.log(1 + n / Math.max(df, 1)));
    this.unknownIdf = Math.log(1 + n / 2);
    this.phrasingWeight = new Float64Array(this.phrasingText.length);
    for (let p = 0; p < this.phrasingText.length; p++) {
      for (let i = this.phrasingStart[p]!; i < this.phrasingStart[p + 1]!; i++) {
        this.phrasingWeight[p]! += this.idf[this.phrasingStems[i]!]! * (phrasingCodes[i]! & 1 ? this.settings.questionWordWeight : 1);
      }
    }
    this.entryLightestPhrasing = new Float64Array(entries.length).fill(Infinity);
    for (let e = 0; e < entries.length; e++) {
      for (let p = this.entryFirstPhrasing[e]!; p < this.entryFirstPhrasing[e + 1]!; p++) {
        this.entryLightestPhrasing[e] = Math.min(this.entryLightestPhrasing[e]!, this.phrasingWeight[p]!);
      }
    }

    this.entryLightestPowered = this.entryLightestPhrasing.map((w) => w ** this.coveragePower);

    this.entryStems = new FlatLists(Int32Array.from(entryStart), entryItems.slice(0, entryItemCount), entryCredits.slice(0, entryItemCount));
    this.fieldScorer = fieldFrequencies.build();
    // Each posting list runs from the entry with the lightest phrasing to the heaviest, so a search stops
    // reading a list at the first entry whose phrasings are all too heavy for the message to cover.
    const lightestFirst = Int32Array.from(entries.keys()).sort((a, b) => {
      const wa = this.entryLightestPhrasing[a]!;
      const wb = this.entryLightestPhrasing[b]!;
      return wa < wb ? -1 : wa > wb ? 1 : a - b;
    });
    this.postings = this.entryStems.invert(this.stemIds.size, lightestFirst);
    this.explained = new Float64Array(entries.length).fill(-1);
    this.visited = new Int32Array(entries.length);
    this.explainedInWordings = new Float64Array(entries.length);
    this.messageGain = new Float64Array(this.stemIds.size);
    this.phrasingGain = new Float64Array(this.stemIds.size);
    // A misspelt synonym ("delgates") is read as the word it stands for.
    for (const { word, means } of rewriter.oneWordSynonyms) {
      const meant = tokenize(means, rewriter)[0];
      const id = meant && this.stemIds.get(meant.stem);
      if (id !== undefined && !this.stemOfWord.has(word)) this.stemOfWord.set(word, id);
    }
    // Stop words too, so that a misspelt one is read as what it is; ranked below every word of the base.
    const typoVocabulary = [...this.stemOfWord.keys(), ...STOP_WORD_LIST.filter((w) => !this.stemOfWord.has(w))];
    this.typos = new TypoIndex(typoVocabulary, byDocumentFrequency(this.stemOfWord, Int32Array.from(documentFrequency)));
    const seen = new Set<string>();
    for (const entry of entries) {
      const stems = [...this.contentStems(entry.subject)].sort((a, b) => a - b);
      const key = stems.join(' ');
      if (seen.has(key)) continue;
      seen.add(key);
      // A text that lacks every stem weighing more than what subjectNamedShare leaves out cannot name the
      // subject, so it is listed under those stems only (under all of them when none weighs that much).
      const total = stems.reduce((sum, id) => sum + this.idf[id]!, 0);
      const heavy = stems.filter((id) => this.idf[id]! > (1 - this.settings.subjectNamedShare) * total);
      for (const id of heavy.length > 0 ? heavy : stems) {
        const list = this.subjectsByStem.get(id);
        if (list) list.push(this.subjects.length);
        else this.subjectsByStem.set(id, [this.subjects.length]);
      }
      this.subjects.push(stems);
    }
  }

  static fromKnowledge(kb: KnowledgeBase, model?: RankingModel): KnowledgeIndex {
    return new KnowledgeIndex(kb.entries, new SynonymRewriter(kb.synonyms), new NameFinder(kb.names), kb.details, model);
  }

  /**
   * Whether the entry is about `other`'s subject: its question and phrasings hold at least half the
   * inverse-document-frequency weight of the subject's content words. Rare words decide it, so
   * "international" alone does not make the International Council Meeting about the International Board;
   * and an answer that only mentions something (the national offices' answer names the regional hubs)
   * does not make the entry about it.
   */
  isAboutSubjectOf(entry: Entry, other: Entry): boolean {
    const entryIndex = this.entryIndex.get(entry.id);
    if (entryIndex === undefined) return false;
    // A follow-up asks this of every candidate for the same subject: its stems are read once per entry.
    return this.shareKnown(entryIndex, this.subjectStemsOf(other)) >= this.settings.aboutSubjectShare;
  }

  /**
   * Whether `entry`'s answer names `other`'s subject: most of the weight of the subject's words is in it.
   * The answer on where the Secretariat is based says that its staff are being moved to the Global South,
   * so "why are staff moving away from there?" after it may be about them.
   */
  answerNamesSubjectOf(entry: Entry, other: Entry): boolean {
    let said = this.answerStems.get(entry.id);
    if (!said) {
      said = this.contentStems(entry.answer);
      this.answerStems.set(entry.id, said);
    }
    return this.namesSubject(this.subjectStemsOf(other), said);
  }

  /** An entry's subject as content stems, read once. */
  private subjectStemsOf(entry: Entry): Set<number> {
    let stems = this.subjectStems.get(entry.id);
    if (!stems) {
      stems = this.contentStems(entry.subject);
      this.subjectStems.set(entry.id, stems);
    }
    return stems;
  }

  /** The share of the weight of `stems` that entry e's question and phrasings contain. */
  private shareKnown(e: number, stems: ReadonlySet<number>): number {
    let total = 0;
    for (const id of stems) total += this.idf[id]!;
    let known = 0;
    const { start, items, credit } = this.entryStems;
    for (let i = start[e]!; i < start[e + 1]!; i++) if (credit[i] === 1 && stems.has(items[i]!)) known += this.idf[items[i]!]!;
    return total === 0 ? 0 : known / total;
  }

  /**
   * Whether `text` names the subject of some entry other than `except`'s: most of the weight of that
   * subject's words is in it. "And the council meeting, who goes to that?" names its own subject, so its
   * "that" need not mean the previous answer's.
   */
  namesOtherSubject(text: string, except: Entry): boolean {
    const excepted = this.contentStems(except.subject);
    return this.subjectsNamed(this.contentStems(boundedMessage(text))).some((subject) => !subject.every((id) => excepted.has(id)));
  }

  /** The subjects a text with these content stems names: most of their words' weight is there. */
  private subjectsNamed(said: ReadonlySet<number>): number[][] {
    const candidates = new Set<number>();
    for (const id of said) for (const subject of this.subjectsByStem.get(id) ?? []) candidates.add(subject);
    return [...candidates].map((subject) => this.subjects[subject]!).filter((subject) => this.namesSubject(subject, said));
  }

  /** Whether stems `said` name a subject: they hold at least subjectNamedShare of the weight of its stems. */
  private namesSubject(subject: Iterable<number>, said: ReadonlySet<number>): boolean {
    let total = 0;
    let found = 0;
    for (const id of subject) {
      total += this.idf[id]!;
      if (said.has(id)) found += this.idf[id]!;
    }
    return total > 0 && found / total >= this.settings.subjectNamedShare;
  }

  /**
   * Reads the roles the subject plays, in an entry's wordings, beside the message's other words: "does the
   * International Board appoint the Secretary General?" has the board acting, "who picks the International
   * Board?" has it acted on. Its subject is its rarest words (the board, not "international"). The subject
   * is read once, for all the entries asked about.
   */
  subjectRoles(subject: string, question: Question): (entry: Entry) => Set<Role> {
    const subjectStems = this.heaviestStems(subject);
    const verbs = new Set(question.tokens.filter((t) => !t.isQuestionWord && !subjectStems.has(t.stem)).map((t) => t.stem));
    return (entry) => {
      const roles = new Set<Role>();
      for (const wording of [entry.question, ...entry.phrasings]) {
        const role = roleOf(
          this.clauseWords(wording),
          (w) => subjectStems.has(stem(w)),
          (w) => verbs.has(stem(w)),
        );
        if (role) roles.add(role);
      }
      return roles;
    };
  }

  /** The role a pronoun plays in the question: "who does it appoint?" has it acting, "who appoints it?" acted on. */
  pronounRole(question: Question, pronouns: ReadonlySet<string>): Role | undefined {
    const verbs = new Set(question.tokens.filter((t) => !t.isQuestionWord).map((t) => t.stem));
    return roleOf(
      question.clauseWords,
      (w) => pronouns.has(w),
      (w) => verbs.has(stem(w)),
    );
  }

  /**
   * A wording's folded words in order, stop words kept, synonyms rewritten: what word order is read from.
   * Worked out once per wording, since a follow-up reads every wording of every candidate; the knowledge
   * base bounds how many there are.
   */
  private clauseWords(wording: string): readonly string[] {
    let words = this.wordingClauses.get(wording);
    if (!words) {
      words = clauseWordsOf(wording, this.rewriter);
      this.wordingClauses.set(wording, words);
    }
    return words;
  }

  /** The stems of a text's rarest content words: together, at least half its weight. */
  private heaviestStems(text: string): Set<string> {
    const tokens = tokenize(text, this.rewriter).filter((t) => !t.isQuestionWord && this.stemIds.has(t.stem));
    const weight = (t: Token) => this.idf[this.stemIds.get(t.stem)!]!;
    tokens.sort((a, b) => weight(b) - weight(a));
    const total = tokens.reduce((sum, t) => sum + weight(t), 0);
    const heaviest = new Set<string>();
    let taken = 0;
    for (const t of tokens) {
      if (taken >= total / 2) break;
      heaviest.add(t.stem);
      taken += weight(t);
    }
    return heaviest;
  }

  /** The known content stems of a text, question words left out. */
  private contentStems(text: string): Set<number> {
    const stems = new Set<number>();
    for (const t of tokenize(text, this.rewriter)) {
      const id = this.stemIds.get(t.stem);
      if (id !== undefined && !t.isQuestionWord) stems.add(id);
    }
    return stems;
  }

  /** Whether the entry's wordings or answer have the word's stem ("elected" in an entry that says "elect"). */
  mentions(entry: Entry, word: Token): boolean {
    const e = this.entryIndex.get(entry.id);
    const id = this.stemIds.get(word.stem);
    if (e === undefined || id === undefined) return false;
    const { start, items } = this.entryStems;
    for (let i = start[e]!; i < start[e + 1]!; i++) if (items[i] === id) return true;
    return false;
  }

  /**
   * Whether a wording of the entry asks this kind of question of its subject alone: "who is the Secretary
   * General?" does; "who appoints the Secretary General?" asks it of whoever appoints him.
   */
  asksOfSubjectAlone(entry: Entry, type: QuestionType): boolean {
    let types = this.typesAskedOfSubjectAlone.get(entry.id);
    if (types === undefined) {
      const subject = new Set(tokenize(entry.subject, this.rewriter).map((t) => t.stem));
      types = 0;
      for (const wording of [entry.question, ...entry.phrasings]) {
        const question = this.analyse(wording);
        if (question.type && asksOnlyOf(question, subject)) types |= TYPE_BITS[question.type];
      }
      this.typesAskedOfSubjectAlone.set(entry.id, types);
    }
    return (types & TYPE_BITS[type]) !== 0;
  }

  /** Whether the entry answers that kind of question: a wording of it asks it, or its answer gives a number or a time. */
  answersType(entry: Entry, type: QuestionType): boolean {
    const entryIndex = this.entryIndex.get(entry.id);
    if (entryIndex === undefined) return false;
    return ((this.entryTypes[entryIndex]! | this.answerTypes[entryIndex]!) & TYPE_BITS[type]) !== 0;
  }

  /**
   * Capitalised words inside a sentence, and acronyms anywhere, that the knowledge base has never seen,
   * even as typos: names of things it does not cover ("the Labour Party", "Amnesty Ireland", "the RSPB").
   * Skipped when most words are capitalised, as in a title-cased or shouted message.
   */
  private outsideNames(text: string): string[] {
    const words = text.split(/\s+/).filter(Boolean);
    const capitalised = words.filter((w) => /^\p{Lu}/u.test(w));
    if (capitalised.length * 2 > words.length) return [];
    const found: string[] = [];
    for (let i = 0; i < words.length; i++) {
      // An acronym anywhere ("the RSPB"), or a capitalised word that does not start a sentence.
      const acronym = /^\p{Lu}{2,6}(?![\p{L}\p{N}])/u.exec(words[i]!);
      const titled = i > 0 && !/[.!?:]$/.test(words[i - 1]!) ? /^\p{Lu}\p{Ll}+/u.exec(words[i]!) : null;
      const match = acronym?.[0] ?? titled?.[0];
      if (!match) continue;
      const word = foldText(match);
      if (this.names.isNameWord(word) || this.rewriter.rewrite(match) !== match || this.rewriter.rewrite(word) !== word) continue;
      if (this.stemIds.has(stem(word)) || (!isCommonWord(word) && this.typos.correct(word))) continue;
      found.push(match);
    }
    return found;
  }

  get size(): number {
    return this.entries.length;
  }

  entry(id: string): Entry | undefined {
    return this.byId.get(id);
  }

  /** Maps a word to the knowledge base's vocabulary: exactly, or as a typo of a known word. */
  private resolve(token: Token, fromContext: boolean): ResolvedToken {
    const exact = this.stemIds.get(token.stem);
    if (exact !== undefined) return { token, stemId: exact, credit: 1, fromContext };
    // Numbers and everyday words are meant as typed: "last" is not a slip for "list".
    if (/\d/.test(token.word) || isCommonWord(token.word)) return { token, credit: 0, fromContext };
    const match = this.typos.correct(token.word);
    if (!match) return { token, credit: 0, fromContext };
    if (isStopWord(match.word)) return { token, credit: 0, fromContext, stopWord: true };
    return { token, stemId: this.stemOfWord.get(match.word)!, read: match.word, credit: 1 - this.settings.creditPerEdit * match.edits, fromContext };
  }

  private weightOf(r: ResolvedToken): number {
    const idf = r.stemId === undefined ? this.unknownIdf : this.idf[r.stemId]!;
    return idf * (r.token.isQuestionWord ? this.settings.questionWordWeight : 1) * (r.fromContext ? this.settings.contextWeight : 1);
  }

  /** The previous answer's words that a follow-up borrows, less what the previous question counted when the message counts something itself. */
  private contextTokens(contextText: string, countsItself: boolean): Token[] {
    const tokens = tokenize(contextText, this.rewriter);
    if (!countsItself) return tokens;
    const counted = new Set(this.analyse(contextText).counted.map((word) => stem(word)));
    return tokens.filter((t) => !counted.has(t.stem));
  }

  /** A message as the search and the decision read it, with this knowledge base's synonyms and acronyms. */
  analyse(message: string): Question {
    return this.analyser.analyse(message);
  }

  /** Ranks entries for a question. */
  search(question: Question, options: SearchOptions = {}): SearchResult {
    const { whole, type } = question;
    const typed = question.tokens.map((t) => this.resolve(t, false)).filter((r) => !r.stopWord);
    const typedStems = new Set(typed.map((r) => r.token.stem));
    // The previous subject's places and organisations are left behind: "and worldwide?" after a
    // question about the UK replaces the UK, and "and in France?" must not be read as about the UK. So is
    // what the previous question counted, once the message counts something: "and how many members?"
    // after "how many national sections does amnesty have?" asks how many members Amnesty has.
    const context = options.contextText
      ? this.contextTokens(options.contextText, question.counted.length > 0)
          .filter((t) => !t.isQuestionWord && !typedStems.has(t.stem) && !this.names.isNameWord(t.word))
          .map((t) => this.resolve(t, true))
          .filter((r) => r.stemId !== undefined)
      : [];
    const unknownWords = typed.filter((r) => r.stemId === undefined).map((r) => r.token.word);
    const corrections = typed.flatMap((r) => (r.read ? [{ typed: r.token.word, read: r.read }] : []));
    const resolved = [...typed, ...context];
    const messageWeight = resolved.reduce((sum, r) => sum + this.weightOf(r), 0);
    const specifiers = [...question.namesAndNumbers, ...question.details.map((d) => `detail:${d}`), ...this.outsideNames(whole).map((w) => `outside:${w}`)];
    const counted = [...question.counted];
    const { reading } = question;
    const readAs = reading === 'whole' ? {} : { readAs: { text: question.text, reading } };
    const empty: SearchResult = { candidates: [], unknownWords, corrections, questionType: type, specifiers, counted, ...readAs };
    // Question words and numbers steer between entries but never pick one: "where when how?" and "2" ask
    // nothing (outside a menu, where "2" is a choice).
    if (messageWeight === 0 || !resolved.some((r) => r.stemId !== undefined && !r.token.isQuestionWord && !isNumberWord(r.token.stem))) return empty;

    // What each known stem of the message is worth: to the message's coverage, and to a phrasing's.
    const { messageGain, phrasingGain } = this;
    const stemsOfMessage: number[] = [];
    for (const r of resolved) {
      if (r.stemId === undefined) continue;
      const message = this.weightOf(r) * r.credit;
      if (messageGain[r.stemId] === 0) stemsOfMessage.push(r.stemId);
      else if (messageGain[r.stemId]! >= message) continue;
      messageGain[r.stemId] = message;
      phrasingGain[r.stemId] = this.idf[r.stemId]! * (r.token.isQuestionWord ? this.settings.questionWordWeight : 1) * r.credit;
    }
    try {
      // Subjects the message itself names ("the International Secretariat"): entries about something else
      // answer it less well.
      const typedIds = new Set<number>();
      for (const r of typed) if (r.stemId !== undefined && !r.token.isQuestionWord) typedIds.add(r.stemId);
      const namedSubjects = this.subjectsNamed(typedIds).map((subject) => new Set(subject));
      // Counted words the base has never seen, even as typos ("how many show up?"), say nothing of what
      // is counted: the check is for words it knows.
      const countedStems = counted.flatMap((word) => this.resolve({ word, stem: stem(word), isQuestionWord: false }, false).stemId ?? []);
      // But people qualified by a word it has never seen ("how many homeless people") are people no entry counts.
      const countsStrangers = question.peopleQualifiers.some((word) => {
        const r = this.resolve({ word, stem: stem(word), isQuestionWord: false }, false);
        return r.stemId === undefined && !r.stopWord;
      });
      // The typed words, as the semantic feature and the shares of unknown and corrected words read them.
      const words: MessageWord[] = [];
      let typedWeight = 0;
      let unknownWeight = 0;
      let correctedWeight = 0;
      for (const r of typed) {
        if (r.token.isQuestionWord) continue;
        const weight = this.weightOf(r);
        typedWeight += weight;
        if (r.stemId === undefined) unknownWeight += weight;
        else if (r.read) correctedWeight += weight;
        words.push({ stemId: r.stemId, vector: this.vectors.vector(r.read ?? r.token.word), weight });
      }
      const share = (part: number) => (typedWeight === 0 ? 0 : part / typedWeight);
      const saysMoreThanDetails = typed.some((r) => r.stemId === undefined && !r.token.isQuestionWord && !this.detailWords.asks(r.token));
      const asked = {
        detailWords: new Map(question.tokens.filter((t) => this.detailWords.asks(t)).map((t) => [t.stem, t.word])),
        type,
        specifiers,
        orSides: question.orSides.map((side, i) => {
          const otherSide = new Set(question.orSides[1 - i]?.stems);
          return {
            details: new Set(side.details.map((d) => `detail:${d}`)),
            own: new Set(side.stems.flatMap((stemText) => (otherSide.has(stemText) ? [] : (this.stemIds.get(stemText) ?? [])))),
          };
        }),
        countedStems,
        countsStrangers,
        namedSubjects,
        words,
        unknownShare: share(unknownWeight),
        correctedShare: share(correctedWeight),
        messageWeight,
        saysMoreThanDetails,
      };
      const questionStems = new Set<number>();
      for (const r of typed) if (r.token.isQuestionWord && r.stemId !== undefined) questionStems.add(r.stemId);
      return { ...empty, candidates: this.rank(stemsOfMessage, questionStems, messageWeight, asked, options) };
    } finally {
      for (const id of stemsOfMessage) messageGain[id] = phrasingGain[id] = 0;
    }
  }

  /** The best entries for a message whose known stems' gains are in messageGain and phrasingGain. */
  private rank(stemsOfMessage: number[], questionStems: ReadonlySet<number>, messageWeight: number, asked: AskedFor, options: SearchOptions): Candidate[] {
    const { messageGain, phrasingGain, explained, explainedInWordings } = this;
    // An entry reaches minMatch only if it explains at least this share of the message, so it
    // must know one of the "essential" stems: all but the cheapest ones that together fall short.
    const minMatch = options.minMatch ?? 0;
    const needed = (minMatch ** (1 / this.settings.messageCoverageExponent) * messageWeight) / BOUND_SLACK;
    const byGain = stemsOfMessage.sort((a, b) => messageGain[a]! - messageGain[b]!);
    let skipped = 0;
    let cheap = 0;
    while (skipped < byGain.length && cheap + messageGain[byGain[skipped]!]! < needed) cheap += messageGain[byGain[skipped++]!]!;
    if (skipped === byGain.length) return [];

    // However much of the message an entry explains, it cannot use more of a phrasing than the message's
    // words weigh: a message of one common word ("amnesty?") covers little of any phrasing. So an entry
    // whose lightest phrasing is heavier than this cannot reach minMatch at all.
    let messagePhrasingWeight = 0;
    for (const id of byGain) messagePhrasingWeight += phrasingGain[id]!;
    const heaviest = minMatch > 0 ? (messagePhrasingWeight / minMatch ** (1 / (1 - this.settings.messageCoverageExponent))) * BOUND_SLACK : Infinity;

    // Sum, per entry, the weight of the essential stems it knows. With the cheap stems' whole weight added,
    // that bounds what the entry can explain, so most entries met through one common word are dropped
    // before their stems and phrasings are read. Posting lists run lightest entry first, so each is read
    // only as far as the entries that could still be covered enough.
    // Question words steer between entries but never find one: an entry is met only through the message's
    // other words, and a question word's weight is added to every entry's bound instead, like a cheap stem's.
    // Their lists are the longest of all, so this is most of a search's reading saved.
    const { visited } = this;
    let visitedCount = 0;
    const { start, items, credit } = this.postings;
    for (let k = skipped; k < byGain.length; k++) {
      const id = byGain[k]!;
      const gain = messageGain[id]!;
      if (questionStems.has(id)) {
        cheap += gain;
        continue;
      }
      for (let i = start[id]!; i < start[id + 1]!; i++) {
        const e = items[i]!;
        if (this.entryLightestPhrasing[e]! > heaviest) break;
        if (explained[e] === -1) {
          explained[e] = 0;
          visited[visitedCount++] = e;
        }
        explained[e]! += gain * credit[i]!;
        // Credit 1 is a word of the entry's question or phrasings.
        if (credit[i] === 1) explainedInWordings[e]! += phrasingGain[id]!;
      }
    }
    const messagePhrasingPowered = messagePhrasingWeight ** this.coveragePower;
    const byStem = Int32Array.from(byGain).sort();
    const skippedStems = new Set(byGain.slice(0, skipped));
    const cheapByStem = byStem.filter((id) => skippedStems.has(id) || questionStems.has(id));
    let cheapPhrasingGain = 0;
    for (const id of cheapByStem) cheapPhrasingGain += phrasingGain[id]!;
    const exponent = this.settings.messageCoverageExponent;

    // The best `retrieveLimit` so far, best first. Once the list is full, an entry must beat its last to matter,
    // so the bounds tighten as better entries are found.
    // More are retrieved than returned: the model may rank an entry that retrieval put fifth first.
    const retrieveLimit = Math.max(options.limit ?? DEFAULT_LIMIT, RETRIEVE_LIMIT);
    const best: Retrieved[] = [];
    let floor = minMatch;
    // The floor raised to the power 1 / messageCoverageExponent (see coveragePower), and the share of
    // the message an entry must explain to reach it.
    let wanted = minMatch ** (1 / this.settings.messageCoverageExponent) / BOUND_SLACK;
    let neededHere = needed;
    for (let v = 0; v < visitedCount; v++) {
      const entryIndex = visited[v]!;
      const essential = explained[entryIndex]!;
      const essentialInWordings = explainedInWordings[entryIndex]!;
      explained[entryIndex] = -1;
      explainedInWordings[entryIndex] = 0;
      if (essential + cheap < neededHere) continue;
      const coverageBound = Math.min(1, messagePhrasingPowered / this.entryLightestPowered[entryIndex]!);
      if (Math.min(1, (essential + cheap) / messageWeight) * coverageBound < wanted) continue;
      // No phrasing uses more of the message's phrasing weight than the entry's wordings hold, nor more of the
      // message than the entry explains: bounds on the match that spare most entries the phrasings' scoring.
      // (Compared, as `wanted` is, raised to the power 1 / messageCoverageExponent.) First with the cheap
      // stems' whole weight, then with what the entry has of them.
      const mostInWordings = Math.min(1, (essentialInWordings + cheapPhrasingGain) / this.entryLightestPhrasing[entryIndex]!);
      if (Math.min(1, (essential + cheap) / messageWeight) * mostInWordings ** this.coveragePower < wanted) continue;
      // The cheap stems, a few, looked up in the entry rather than its many stems read through.
      const roughCoverage = (essential + this.explainedBy(entryIndex, cheapByStem)) / messageWeight;
      if (roughCoverage < wanted) continue;
      const inWordings = essentialInWordings + this.foundInWordings;
      if (roughCoverage * Math.min(1, inWordings / this.entryLightestPhrasing[entryIndex]!) ** this.coveragePower < wanted) continue;

      // The best single phrasing, scored on its own: an exact wording beats a union of several. First each
      // phrasing's share of the message and coverage; the powers that combine them wait until the entry is
      // known to matter, since most entries that get this far fall short and the powers were a fifth of a search.
      const firstPhrasing = this.entryFirstPhrasing[entryIndex]!;
      const phrasingUse = this.phrasingUse;
      let phrasingCoverage = 0;
      let mostOfMessage = 0;
      for (let p = firstPhrasing; p < this.entryFirstPhrasing[entryIndex + 1]!; p++) {
        let usedOfPhrasing = 0;
        let usedOfMessage = 0;
        for (let i = this.phrasingStart[p]!; i < this.phrasingStart[p + 1]!; i++) {
          const stemId = this.phrasingStems[i]!;
          usedOfPhrasing += phrasingGain[stemId]!;
          usedOfMessage += messageGain[stemId]!;
        }
        const coverage = usedOfMessage === 0 ? 0 : Math.min(1, usedOfPhrasing / this.phrasingWeight[p]!);
        phrasingUse[2 * (p - firstPhrasing)] = usedOfMessage;
        phrasingUse[2 * (p - firstPhrasing) + 1] = coverage;
        phrasingCoverage = Math.max(phrasingCoverage, coverage);
        mostOfMessage = Math.max(mostOfMessage, usedOfMessage);
      }
      // Summed again, stem by stem in one order however much was pruned, so that equal matches stay equal.
      const messageCoverage = this.explainedBy(entryIndex, byStem) / messageWeight;
      const wholeEntry = messageCoverage ** exponent * phrasingCoverage ** (1 - exponent);
      // No phrasing alone does better than the most of the message any of them uses at the best coverage any has.
      const bound = Math.max(wholeEntry, (mostOfMessage / messageWeight) ** exponent * phrasingCoverage ** (1 - exponent));
      if (bound < floor || (best.length === retrieveLimit && !this.ranksBefore(bound, entryIndex, best[retrieveLimit - 1]!))) continue;
      let phrasingConfidence = 0;
      let matched = firstPhrasing;
      for (let p = firstPhrasing; p < this.entryFirstPhrasing[entryIndex + 1]!; p++) {
        const usedOfMessage = phrasingUse[2 * (p - firstPhrasing)]!;
        if (usedOfMessage === 0) continue;
        const alone = (usedOfMessage / messageWeight) ** exponent * phrasingUse[2 * (p - firstPhrasing) + 1]! ** (1 - exponent);
        if (alone > phrasingConfidence) {
          phrasingConfidence = alone;
          matched = p;
        }
      }
      const match = Math.max(phrasingConfidence, wholeEntry);
      if (match < floor) continue;
      const found: Retrieved = { entryIndex, match, phrasingMatch: phrasingConfidence, messageCoverage, phrasingCoverage, matched };
      let at = best.length;
      while (at > 0 && this.byMatch(found, best[at - 1]!) < 0) at--;
      if (at >= retrieveLimit) continue;
      best.splice(at, 0, found);
      if (best.length > retrieveLimit) best.pop();
      if (best.length === retrieveLimit && best[retrieveLimit - 1]!.match > floor) {
        floor = best[retrieveLimit - 1]!.match;
        const share = floor ** (1 / this.settings.messageCoverageExponent);
        wanted = share / BOUND_SLACK;
        neededHere = (share * messageWeight) / BOUND_SLACK;
      }
    }
    return this.scored(best, asked, options);
  }

  /**
   * The message weight entry e explains: each stem's gain times the entry's credit for it; and, left in
   * foundInWordings, the phrasing gain of those stems its question and phrasings use. Both lists are in stem
   * order, so each stem is found by bisecting what is left of the entry's list after the last one.
   */
  private explainedBy(e: number, stemsInOrder: Int32Array): number {
    const { start, items, credit } = this.entryStems;
    const end = start[e + 1]!;
    let from = start[e]!;
    let explained = 0;
    let wordings = 0;
    for (const stemId of stemsInOrder) {
      let hi = end;
      while (from < hi) {
        const mid = (from + hi) >>> 1;
        if (items[mid]! < stemId) from = mid + 1;
        else hi = mid;
      }
      if (from === end) break;
      if (items[from] !== stemId) continue;
      explained += this.messageGain[stemId]! * credit[from]!;
      // Credit 1 is a word of the entry's question or phrasings.
      if (credit[from] === 1) wordings += this.phrasingGain[stemId]!;
    }
    this.foundInWordings = wordings;
    return explained;
  }

  private byMatch(a: Retrieved, b: Retrieved): number {
    return b.match - a.match || this.idOrder[a.entryIndex]! - this.idOrder[b.entryIndex]!;
  }

  /** Whether entry e with this match would rank before `other`. */
  private ranksBefore(match: number, e: number, other: Retrieved): boolean {
    return match > other.match || (match === other.match && this.idOrder[e]! < this.idOrder[other.entryIndex]!);
  }

  /** The retrieved entries with the model's confidence in each, best first, cut to the limit. */
  private scored(retrieved: readonly Retrieved[], asked: AskedFor, options: SearchOptions): Candidate[] {
    const evidence = retrieved.map((r) =>
      this.evidence(r, asked, options, r.match - retrieved.reduce((most, o) => (o === r ? most : Math.max(most, o.match)), 0)),
    );
    const candidates = retrieved.map((r, i): Candidate => {
      const entry = this.entries[r.entryIndex]!;
      const own = this.entrySpecifiers.get(r.entryIndex);
      // Only a detail or a kind of answer may be missing: an entry without the place or organisation
      // asked about is not about the subject at all.
      const lacksOnlyDetails = asked.specifiers.every((s) => own?.has(s) || s.startsWith('detail:'));
      const lacks = lacksOnlyDetails && !asked.saysMoreThanDetails && (evidence[i]!.detailMissing === 1 || evidence[i]!.typeUnanswerable === 1);
      const matchedPhrasing = this.phrasingText[r.matched] ?? entry.question;
      return {
        entry,
        confidence: 0,
        match: r.match,
        evidence: evidence[i]!,
        matchedPhrasing,
        ...(lacks ? this.lacking(r.entryIndex, evidence[i]!, asked) : {}),
      };
    });
    return this.withProbabilities(candidates, evidence).slice(0, options.limit ?? DEFAULT_LIMIT);
  }

  /** Whether entry e lacks what a specifier names: neither it nor, for a detail, another entry on its subject says it. */
  private lacks(e: number, specifier: string): boolean {
    return !this.entrySpecifiers.get(e)?.has(specifier) && !this.subjectDetails.get(e)?.has(specifier);
  }

  /**
   * Whether the entry lacks something the message asks for. A detail asked on one side of an "or" only is
   * not needed by an entry that says a word only the other side has: "Are board members paid staff or
   * volunteers?" is answered by the entry that says they volunteer.
   */
  private lacksAsked(e: number, specifier: string, asked: AskedFor): boolean {
    if (!this.lacks(e, specifier)) return false;
    const [before, after] = asked.orSides;
    if (!before || !after || before.details.has(specifier) === after.details.has(specifier)) return true;
    const other = before.details.has(specifier) ? after : before;
    const { start, items } = this.entryStems;
    for (let i = start[e]!; i < start[e + 1]!; i++) if (other.own.has(items[i]!)) return false;
    return true;
  }

  /**
   * For an entry that lacks only details or a kind of answer, from the details asked that it lacks (found
   * once for both): what it does not say of what is asked (`unsaid`), and the share of the message it would
   * explain, and its meaning overlap, had it said it (`ifSaid`): the missing detail words would be explained
   * like its others, and held in full. "When will the Thailand hub open?" leaves "open" unexplained by the
   * entry on the hubs; had it said when they open, it would not.
   */
  private lacking(e: number, evidence: Evidence, asked: AskedFor): Pick<Candidate, 'unsaid' | 'ifSaid'> {
    const details = asked.specifiers.filter((s) => s.startsWith('detail:') && this.lacksAsked(e, s, asked)).map((s) => s.slice('detail:'.length));
    const words = details.map((detail) => asked.detailWords.get(detail) ?? detail);
    const missing = new Set(details.flatMap((detail) => this.stemIds.get(detail) ?? []));
    let weight = 0;
    for (const word of asked.words) if (word.stemId !== undefined && missing.has(word.stemId)) weight += word.weight;
    return {
      unsaid: evidence.typeUnanswerable === 1 && asked.type ? { words, type: asked.type } : { words },
      ifSaid: {
        messageCoverage: Math.min(1, evidence.messageCoverage + weight / asked.messageWeight),
        semantic: this.semantic(e, asked.words, missing).semantic,
      },
    };
  }

  /** The candidates with the model's probabilities for this evidence, and `ifNamed` for those that have one, best first. */
  private withProbabilities(candidates: readonly Candidate[], evidence: readonly Evidence[]): Candidate[] {
    const utilities = evidence.map((e) => this.model.utility(e));
    const probabilities = RankingModel.shares(utilities);
    return candidates
      .map((c, i) => {
        const scored: Candidate = { ...c, evidence: evidence[i]!, confidence: probabilities[i]! };
        if (c.ifSaid !== undefined) {
          // Had it said what is asked, the detail and the kind of answer would not be missing. What is learned
          // after the search (a pronoun's role) holds then too.
          const said: Evidence = { ...evidence[i]!, detailMissing: 0, typeUnanswerable: 0, ...c.ifSaid };
          // Only this candidate's utility changes; the others' are reused.
          scored.ifNamed = RankingModel.shares(utilities.map((u, j) => (j === i ? this.model.utility(said) : u)))[i]!;
        }
        return scored;
      })
      .sort(byRank);
  }

  /** What the model reads about one retrieved entry; it runs while the message's stem gains are set. */
  private evidence(r: Retrieved, asked: AskedFor, options: SearchOptions, lead: number): Evidence {
    const { type, specifiers, countedStems, countsStrangers, namedSubjects } = asked;
    const e = r.entryIndex;
    const entryTypes = this.entryTypes[e]!;
    let typeUnanswerable = 0;
    let typeLoose = 0;
    if (type) {
      const typeAsked = (entryTypes & TYPE_BITS[type]) !== 0;
      const supported = !ANSWER_CHECKED.has(type) || (this.answerTypes[e]! & TYPE_BITS[type]) !== 0;
      if (!typeAsked && !supported) typeUnanswerable = 1;
      // A wording that asks it ("when is the board elected?") while the answer gives no time answers it
      // only loosely, as does an answer that could say but whose wordings ask something else.
      else if (!supported || (!typeAsked && entryTypes !== 0)) typeLoose = 1;
    }
    const ownCounts = this.entryCounts.get(e);
    const { start, items } = this.entryStems;
    const bm25 = this.fieldScorer.scores(e, start[e]!, start[e + 1]!, items, this.messageGain, asked.messageWeight);
    return {
      phrasingMatch: r.phrasingMatch,
      messageCoverage: r.messageCoverage,
      phrasingCoverage: r.phrasingCoverage,
      bm25Question: bm25.question,
      bm25Phrasings: bm25.phrasings,
      bm25Answer: bm25.answer,
      bm25Quotes: bm25.quotes,
      ...this.semantic(e, asked.words),
      lead,
      unknownShare: asked.unknownShare,
      correctedShare: asked.correctedShare,
      otherTopic: options.preferTopic && this.entries[e]!.topic !== options.preferTopic ? 1 : 0,
      typeUnanswerable,
      typeLoose,
      detailMissing: specifiers.some((s) => this.lacksAsked(e, s, asked)) ? 1 : 0,
      countMismatch: countsStrangers || (countedStems.length > 0 && !countedStems.some((id) => ownCounts?.has(id))) ? 1 : 0,
      otherSubject: namedSubjects.some((subject) => this.shareKnown(e, subject) < this.settings.aboutSubjectShare) ? 1 : 0,
      readWithContext: options.contextText ? 1 : 0,
      roleMismatch: 0,
    };
  }

  /**
   * How much of the message's meaning the entry's wordings hold: each word the message typed counts by its
   * weight, in full when a wording has it, otherwise by the cosine of its vector with the closest word of
   * the entry's wordings. "Who is the boss?" meets "who is the head?" here, where no word matches.
   */
  private semantic(e: number, words: readonly MessageWord[], said: ReadonlySet<number> = NOTHING_SAID): { semantic: number; unexplained: number } {
    let total = 0;
    let held = 0;
    let unexplained = 0;
    const { start, items, credit } = this.entryStems;
    const dimension = this.vectors.dimension;
    for (const word of words) {
      total += word.weight;
      let closest = 0;
      if (word.stemId !== undefined && said.has(word.stemId)) closest = 1;
      else if (word.stemId !== undefined) {
        for (let i = start[e]!; i < start[e + 1]! && closest < 1; i++) if (items[i] === word.stemId && credit[i] === 1) closest = 1;
      }
      if (closest < 1 && word.vector) {
        for (let i = this.entryVectorStart[e]!; i < this.entryVectorStart[e + 1]!; i++) {
          const row = this.entryVectorRows[i]! * dimension;
          let dot = 0;
          for (let k = 0; k < dimension; k++) dot += word.vector[k]! * this.vectorMatrix[row + k]!;
          if (dot > closest) closest = dot;
        }
      }
      held += word.weight * Math.min(1, closest);
      unexplained = Math.max(unexplained, (word.weight / this.unknownIdf) * (1 - Math.min(1, closest)));
    }
    return { semantic: total === 0 ? 0 : held / total, unexplained };
  }

  /**
   * The candidates' confidences once more is known about them than the search could see (a follow-up's
   * pronoun role), best first. Only the candidates kept are compared, so call it on a full search.
   */
  rescored(candidates: readonly Candidate[], evidence: readonly Evidence[]): Candidate[] {
    return this.withProbabilities(candidates, evidence);
  }
}
