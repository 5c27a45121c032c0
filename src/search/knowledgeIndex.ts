import type { KnowledgeBase } from '../knowledge/loadKnowledge';
import type { Entry, Topic } from '../knowledge/schema';
import { NameFinder } from './names';
import { foldText, isQuestionWord, isStopWord, stem, SynonymRewriter, tokenize, type Token } from './normalise';
import { questionType, type QuestionType } from './questionType';
import { TypoIndex } from './typoIndex';

export interface Candidate {
  entry: Entry;
  /** 0–1: how much of the message this entry explains, and how much of the entry's phrasing the message used. */
  confidence: number;
  /** The question or phrasing of the entry that matched best. */
  matchedPhrasing: string;
}

export interface Correction {
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
}

export interface SearchOptions {
  /** Entries of this topic win near-ties: a topic dialog's context. */
  preferTopic?: Topic;
  /**
   * Words the message is taken to be about although it does not say them: the subject of the previous
   * answer, for a follow-up such as "how often is it held?". They count for less than the user's words.
   */
  contextText?: string;
  /** Candidates below this confidence are not wanted; the index skips entries that cannot reach it. */
  minConfidence?: number;
  limit?: number;
}

/** Question words steer between entries but must not pick one on their own. */
const QUESTION_WORD_WEIGHT = 0.35;
/** How much the share of the message explained counts, against the share of the best phrasing used. */
const MESSAGE_COVERAGE_EXPONENT = 0.6;
/**
 * A word found only in an entry's answer or quotes explains this much of a word found in its phrasings:
 * supporters reuse the page's own words ("underrepresented", "presence"), but a curated phrasing is the
 * stronger sign of what an entry is for.
 */
const ANSWER_WORD_CREDIT = 0.6;
/**
 * An entry scored on all its words at once, when no single phrasing of it covers the message, is
 * discounted by this factor, so the entry with a phrasing that matches outright wins a tie.
 */
const ENTRY_UNION_FACTOR = 0.92;
/** Entries outside the preferred topic are discounted by this factor. */
const OTHER_TOPIC_FACTOR = 0.9;
/** An entry that never answers the kind of question asked ("when" to a "who" entry) is discounted by this factor. */
const QUESTION_TYPE_MISMATCH_FACTOR = 0.8;
/** ...and by this one when its answer could not answer it at all: "how many" to an answer without a number. */
const UNANSWERABLE_TYPE_FACTOR = 0.6;
/** What an answer needs to answer "how many" or "when": a number, or words of counting or time. */
const ANSWER_SUPPORTS: Partial<Record<QuestionType, RegExp>> = {
  quantity: /\d|\b(two|three|four|five|six|seven|eight|nine|ten|dozen|hundred|thousand|million|half|quarter|majority)\b/i,
  time: /\b(19|20)\d\d\b|\b(every|years|yearly|annual|annually|month|months|week|weeks|days|since|until|biennial)\b/i,
};
/** An entry that does not name a place, organisation or number the message names is discounted by this factor. */
const SPECIFIER_MISMATCH_FACTOR = 0.5;
/** A context word counts this much of a word the user typed. */
const CONTEXT_WEIGHT = 0.5;
/** A typo-corrected word earns this much of a correctly spelt one, per edit. */
const CREDIT_PER_EDIT = 0.12;

interface ResolvedToken {
  token: Token;
  stemId?: number;
  /** The vocabulary word a misspelt word was read as. */
  read?: string;
  credit: number;
  fromContext: boolean;
}

const TYPE_BITS: Record<QuestionType, number> = { person: 1, time: 2, place: 4, quantity: 8, reason: 16 };

/** Lists of (item, credit) pairs, one list per key, in flat typed arrays: far lighter than arrays of arrays at 100,000 entries. */
class FlatLists {
  constructor(
    readonly start: Int32Array,
    readonly items: Int32Array,
    readonly credit: Float32Array,
  ) {}

  /** The same pairs grouped the other way round: list k of the result holds (i, credit) for each item k in list i. */
  invert(keys: number): FlatLists {
    const start = new Int32Array(keys + 1);
    for (const item of this.items) start[item + 1]!++;
    for (let k = 0; k < keys; k++) start[k + 1]! += start[k]!;
    const filled = start.slice(0, keys);
    const items = new Int32Array(this.items.length);
    const credit = new Float32Array(this.items.length);
    for (let list = 0; list + 1 < this.start.length; list++) {
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
 * Ranks knowledge-base entries for a message. Words are matched exactly after normalisation, or, when a
 * word is unknown, as a typo of a known word. An entry scores by the inverse-document-frequency weight
 * of the message's words it knows, from any of its phrasings (or, for less, its answer and quotes),
 * combined with how much of its best-matching phrasing the message used. Words the knowledge base has
 * never seen weigh more than any known word, so a message that is mostly about something else ("what's
 * the weather in London?") scores low.
 *
 * Built for large bases: stems are numbered, lists are flat typed arrays, and a search visits only the
 * entries that contain one of the message's "essential" words, those without which no entry can reach
 * `minConfidence`, so common words' long posting lists are read only when needed.
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
  private readonly phrasingText: string[] = [];
  /** Entry e's phrasings are entryFirstPhrasing[e] .. entryFirstPhrasing[e + 1]. */
  private readonly entryFirstPhrasing: Int32Array;
  /** The question types each entry's wordings ask, as bits; 0 when none says. */
  private readonly entryTypes: Uint8Array;
  /** The question types each entry's answer could answer at all (ANSWER_SUPPORTS), as bits. */
  private readonly answerTypes: Uint8Array;
  private readonly typos: TypoIndex;
  private readonly byId: Map<string, Entry>;
  private readonly entryIndex: Map<string, number>;
  /** Stems of the words that ask for a particular detail (knowledge/details.yaml). */
  private readonly detailStems: Set<string>;
  /** The name groups, numbers and detail words each entry's own text mentions, for entries that mention any. */
  private readonly entrySpecifiers = new Map<number, Set<string>>();
  /** Per-entry scratch for one search, reused: allocating it per query cost more than the search. */
  private readonly explained: Float64Array;

  constructor(
    readonly entries: readonly Entry[],
    private readonly rewriter: SynonymRewriter,
    private readonly names: NameFinder = new NameFinder([]),
    details: readonly string[] = [],
  ) {
    this.detailStems = new Set(details.map((d) => stem(foldText(d))));
    this.byId = new Map(entries.map((e) => [e.id, e]));
    this.entryIndex = new Map(entries.map((e, i) => [e.id, i]));
    const firstPhrasing: number[] = [];
    const stems: number[] = [];
    const questionWords: boolean[] = [];
    const starts: number[] = [0];
    const entryStart: number[] = [0];
    const entryItems: number[] = [];
    const entryCredits: number[] = [];
    const documentFrequency: number[] = [];
    this.entryTypes = new Uint8Array(entries.length);
    this.answerTypes = new Uint8Array(entries.length);
    // Words repeat across phrasings (a few are in most of them), so each is looked at once: its code is
    // its stem's id times two, plus one for a question word, or -1 for a stop word.
    const wordCode = new Map<string, number>();
    const codeOf = (word: string): number => {
      let code = wordCode.get(word);
      if (code === undefined) {
        code = isStopWord(word) ? -1 : this.stemIdOf(stem(word)) * 2 + (isQuestionWord(word) ? 1 : 0);
        wordCode.set(word, code);
      }
      return code;
    };
    /** A wording's stems, each once, as tokenize would find them, without building its tokens. */
    const wordingCodes = (text: string, folded: string): number[] => {
      if (rewriter.rewrite(text) !== text) return tokenize(text, rewriter).map((t) => codeOf(t.word));
      const codes: number[] = [];
      for (const word of folded.split(' ')) {
        if (!word) continue;
        const code = codeOf(word);
        if (code < 0) continue;
        let seen = false;
        for (let i = 0; i < codes.length && !seen; i++) seen = codes[i]! >> 1 === code >> 1;
        if (!seen) codes.push(code);
      }
      return codes;
    };

    entries.forEach((entry, entryIndex) => {
      firstPhrasing.push(this.phrasingText.length);
      const credits = new Map<number, number>();
      const foldedWordings: string[] = [];
      for (const text of [entry.question, ...entry.phrasings]) {
        const folded = foldText(text);
        foldedWordings.push(folded);
        const type = questionType(text, folded);
        if (type) this.entryTypes[entryIndex]! |= TYPE_BITS[type];
        const codes = wordingCodes(text, folded);
        if (codes.length === 0) continue;
        for (const code of codes) {
          stems.push(code >> 1);
          questionWords.push((code & 1) === 1);
          credits.set(code >> 1, 1);
        }
        starts.push(stems.length);
        this.phrasingText.push(text);
      }
      for (const [answerType, pattern] of Object.entries(ANSWER_SUPPORTS)) {
        // "As of 2013, …" dates the page, not the fact: it makes no answer about a time.
        if (pattern.test(entry.answer.replace(/\bas of \d{4}\b/gi, ''))) this.answerTypes[entryIndex]! |= TYPE_BITS[answerType as QuestionType];
      }
      // What the entry says (its wordings and answer, not its quotes) is where its details are looked for.
      const said = new Set(credits.keys());
      const foldedAnswer = foldText(entry.answer);
      const answerCodes = wordingCodes(entry.answer, foldedAnswer);
      for (const code of answerCodes) said.add(code >> 1);
      const quotes = entry.quotes.join(' . ');
      for (const code of [...answerCodes, ...wordingCodes(quotes, foldText(quotes))]) {
        if ((code & 1) === 0 && !credits.has(code >> 1)) credits.set(code >> 1, ANSWER_WORD_CREDIT);
      }
      for (const id of credits.keys()) documentFrequency[id] = (documentFrequency[id] ?? 0) + 1;
      for (const [id, credit] of credits) {
        entryItems.push(id);
        entryCredits.push(credit);
      }
      entryStart.push(entryItems.length);
      // Names, numbers and details are looked for in what the entry says, not in its quotes: the quote
      // of the national offices' answer also names the regional hubs' countries.
      const specifiers = this.specifiersOf([entry.question, ...entry.phrasings, entry.answer].join(' . '), [...foldedWordings, foldedAnswer].join(' '));
      for (const detail of this.detailStems) {
        const id = this.stemIds.get(detail);
        if (id !== undefined && said.has(id)) specifiers.add(`detail:${detail}`);
      }
      if (specifiers.size > 0) this.entrySpecifiers.set(entryIndex, specifiers);
    });
    firstPhrasing.push(this.phrasingText.length);
    for (const [word, code] of wordCode) if (code >= 0) this.stemOfWord.set(word, code >> 1);
    // Stems are words too: "expnad" is a typo of "expand", found in the base only as "expanding".
    for (const [stemText, id] of this.stemIds) if (!this.stemOfWord.has(stemText)) this.stemOfWord.set(stemText, id);

    this.entryFirstPhrasing = Int32Array.from(firstPhrasing);
    this.phrasingStems = Int32Array.from(stems);
    this.phrasingStart = Int32Array.from(starts);
    const n = Math.max(entries.length, 1);
    this.idf = Float64Array.from(documentFrequency, (df) => Math.log(1 + n / (df ?? 1)));
    this.unknownIdf = Math.log(1 + n / 2);
    this.phrasingWeight = new Float64Array(this.phrasingText.length);
    for (let p = 0; p < this.phrasingText.length; p++) {
      for (let i = this.phrasingStart[p]!; i < this.phrasingStart[p + 1]!; i++) {
        this.phrasingWeight[p]! += this.idf[this.phrasingStems[i]!]! * (questionWords[i] ? QUESTION_WORD_WEIGHT : 1);
      }
    }
    this.entryLightestPhrasing = new Float64Array(entries.length).fill(Infinity);
    for (let e = 0; e < entries.length; e++) {
      for (let p = this.entryFirstPhrasing[e]!; p < this.entryFirstPhrasing[e + 1]!; p++) {
        this.entryLightestPhrasing[e] = Math.min(this.entryLightestPhrasing[e]!, this.phrasingWeight[p]!);
      }
    }

    this.entryStems = new FlatLists(Int32Array.from(entryStart), Int32Array.from(entryItems), Float32Array.from(entryCredits));
    this.postings = this.entryStems.invert(this.stemIds.size);
    this.explained = new Float64Array(entries.length).fill(-1);
    // A misspelt synonym ("delgates") is read as the word it stands for.
    for (const { word, means } of rewriter.oneWordSynonyms) {
      const meant = tokenize(means, rewriter)[0];
      const id = meant && this.stemIds.get(meant.stem);
      if (id !== undefined && !this.stemOfWord.has(word)) this.stemOfWord.set(word, id);
    }
    this.typos = new TypoIndex([...this.stemOfWord.keys()], (word) => documentFrequency[this.stemOfWord.get(word)!] ?? 0);
  }

  static fromKnowledge(kb: KnowledgeBase): KnowledgeIndex {
    return new KnowledgeIndex(kb.entries, new SynonymRewriter(kb.synonyms), new NameFinder(kb.names), kb.details);
  }

  /** Whether the entry knows any content word of `text`. */
  sharesWords(entry: Entry, text: string): boolean {
    const entryIndex = this.entryIndex.get(entry.id);
    if (entryIndex === undefined) return false;
    const wanted = new Set(
      tokenize(text, this.rewriter)
        .filter((t) => !t.isQuestionWord)
        .map((t) => this.stemIds.get(t.stem)),
    );
    const { start, items } = this.entryStems;
    for (let i = start[entryIndex]!; i < start[entryIndex + 1]!; i++) if (wanted.has(items[i]!)) return true;
    return false;
  }


  /** Named places and organisations (by group) and numbers in a text. */
  private specifiersOf(text: string, folded = foldText(text)): Set<string> {
    const found = new Set<string>();
    for (const group of this.names.find(text, folded)) found.add(`name:${this.names.label(group)}`);
    // Years and large counts ("in 1990", "300 staff"); a small number is more often part of the question ("which 2 countries").
    for (const number of folded.match(/\d{3,}/g) ?? []) found.add(`number:${number}`);
    return found;
  }

  /**
   * Capitalised words inside a sentence that the knowledge base has never seen, even as typos: names of
   * things it does not cover ("the Labour Party", "Amnesty Ireland"). Skipped when most words are
   * capitalised, as in a title-cased message.
   */
  private outsideNames(text: string): string[] {
    const words = text.split(/\s+/).filter(Boolean);
    const capitalised = words.filter((w) => /^\p{Lu}/u.test(w));
    if (capitalised.length * 2 > words.length) return [];
    const found: string[] = [];
    for (let i = 1; i < words.length; i++) {
      if (/[.!?:]$/.test(words[i - 1]!)) continue;
      const match = /^\p{Lu}\p{Ll}+/u.exec(words[i]!);
      if (!match) continue;
      const word = foldText(match[0]);
      if (this.names.isNameWord(word) || this.rewriter.rewrite(word) !== word) continue;
      if (this.stemIds.has(stem(word)) || this.typos.correct(word)) continue;
      found.push(match[0]);
    }
    return found;
  }

  get size(): number {
    return this.entries.length;
  }

  entry(id: string): Entry | undefined {
    return this.byId.get(id);
  }

  private stemIdOf(stem: string): number {
    let id = this.stemIds.get(stem);
    if (id === undefined) {
      id = this.stemIds.size;
      this.stemIds.set(stem, id);
    }
    return id;
  }

  /** Maps a word to the knowledge base's vocabulary: exactly, or as a typo of a known word. */
  private resolve(token: Token, fromContext: boolean): ResolvedToken {
    const exact = this.stemIds.get(token.stem);
    if (exact !== undefined) return { token, stemId: exact, credit: 1, fromContext };
    if (/\d/.test(token.word)) return { token, credit: 0, fromContext };
    const match = this.typos.correct(token.word);
    if (!match) return { token, credit: 0, fromContext };
    return { token, stemId: this.stemOfWord.get(match.word)!, read: match.word, credit: 1 - CREDIT_PER_EDIT * match.edits, fromContext };
  }

  private weightOf(r: ResolvedToken): number {
    const idf = r.stemId === undefined ? this.unknownIdf : this.idf[r.stemId]!;
    return idf * (r.token.isQuestionWord ? QUESTION_WORD_WEIGHT : 1) * (r.fromContext ? CONTEXT_WEIGHT : 1);
  }

  search(text: string, options: SearchOptions = {}): SearchResult {
    const typed = tokenize(text, this.rewriter).map((t) => this.resolve(t, false));
    const typedStems = new Set(typed.map((r) => r.token.stem));
    // The previous subject's places and organisations are left behind: "and worldwide?" after a
    // question about the UK replaces the UK, and "and in France?" must not be read as about the UK.
    const context = options.contextText
      ? tokenize(options.contextText, this.rewriter)
          .filter((t) => !t.isQuestionWord && !typedStems.has(t.stem) && !this.names.isNameWord(t.word))
          .map((t) => this.resolve(t, true))
          .filter((r) => r.stemId !== undefined)
      : [];
    const type = questionType(text);
    const unknownWords = typed.filter((r) => r.stemId === undefined).map((r) => r.token.word);
    const corrections = typed.flatMap((r) => (r.read ? [{ typed: r.token.word, read: r.read }] : []));
    const resolved = [...typed, ...context];
    const messageWeight = resolved.reduce((sum, r) => sum + this.weightOf(r), 0);
    const asked = this.specifiersOf(text);
    const details = typed.filter((r) => this.detailStems.has(r.token.stem)).map((r) => `detail:${r.token.stem}`);
    const specifiers = [...asked, ...details, ...this.outsideNames(text).map((w) => `outside:${w}`)];
    const empty: SearchResult = { candidates: [], unknownWords, corrections, questionType: type, specifiers };
    // Question words steer between entries but never pick one: "where when how?" asks nothing.
    if (messageWeight === 0 || !resolved.some((r) => r.stemId !== undefined && !r.token.isQuestionWord)) return empty;

    // What each known stem of the message is worth: to the message's coverage, and to a phrasing's.
    const gains = new Map<number, { message: number; phrasing: number }>();
    for (const r of resolved) {
      if (r.stemId === undefined) continue;
      const message = this.weightOf(r) * r.credit;
      const phrasing = this.idf[r.stemId]! * (r.token.isQuestionWord ? QUESTION_WORD_WEIGHT : 1) * r.credit;
      const current = gains.get(r.stemId);
      if (!current || current.message < message) gains.set(r.stemId, { message, phrasing });
    }

    // An entry reaches minConfidence only if it explains at least this share of the message, so it
    // must know one of the "essential" stems: all but the cheapest ones that together fall short.
    const minConfidence = options.minConfidence ?? 0;
    const needed = minConfidence > 0 ? minConfidence ** (1 / MESSAGE_COVERAGE_EXPONENT) * messageWeight : 0;
    const byGain = [...gains].sort((a, b) => a[1].message - b[1].message);
    let skipped = 0;
    let cheap = 0;
    while (skipped < byGain.length && cheap + byGain[skipped]![1].message < needed) cheap += byGain[skipped++]![1].message;
    if (skipped === byGain.length) return empty;

    // Sum, per entry, the weight of the essential stems it knows. With the cheap stems' whole weight added,
    // that bounds what the entry can explain, so most entries met through one common word are dropped
    // before their stems and phrasings are read.
    const visited: number[] = [];
    for (let k = skipped; k < byGain.length; k++) {
      const { start, items, credit } = this.postings;
      const [id, gain] = byGain[k]!;
      for (let i = start[id]!; i < start[id + 1]!; i++) {
        const e = items[i]!;
        if (this.explained[e] === -1) {
          this.explained[e] = 0;
          visited.push(e);
        }
        this.explained[e]! += gain.message * credit[i]!;
      }
    }
    const bound = (minConfidence > 0 ? minConfidence : 0) ** (1 / MESSAGE_COVERAGE_EXPONENT) * messageWeight;
    // However much of the message an entry explains, it cannot use more of a phrasing than the message's
    // words weigh: a message of one common word ("amnesty?") covers little of any phrasing.
    let messagePhrasingWeight = 0;
    for (const gain of gains.values()) messagePhrasingWeight += gain.phrasing;

    const best = new Map<number, Candidate>();
    for (const entryIndex of visited) {
      const essential = this.explained[entryIndex]!;
      this.explained[entryIndex] = -1;
      if (essential + cheap < bound) continue;
      const coverageBound = Math.min(1, messagePhrasingWeight / this.entryLightestPhrasing[entryIndex]!);
      if (Math.min(1, (essential + cheap) / messageWeight) ** MESSAGE_COVERAGE_EXPONENT * coverageBound ** (1 - MESSAGE_COVERAGE_EXPONENT) < minConfidence) continue;
      let message = 0;
      const { start, items, credit } = this.entryStems;
      for (let i = start[entryIndex]!; i < start[entryIndex + 1]!; i++) {
        const gain = gains.get(items[i]!);
        if (gain) message += gain.message * credit[i]!;
      }
      const messageCoverage = message / messageWeight;
      if (messageCoverage ** MESSAGE_COVERAGE_EXPONENT < minConfidence) continue;

      // The best single phrasing, scored on its own: an exact wording beats a union of several.
      let phrasingCoverage = 0;
      let phrasingConfidence = 0;
      let matched = this.entryFirstPhrasing[entryIndex]!;
      for (let p = this.entryFirstPhrasing[entryIndex]!; p < this.entryFirstPhrasing[entryIndex + 1]!; p++) {
        let usedOfPhrasing = 0;
        let usedOfMessage = 0;
        for (let i = this.phrasingStart[p]!; i < this.phrasingStart[p + 1]!; i++) {
          const gain = gains.get(this.phrasingStems[i]!);
          if (!gain) continue;
          usedOfPhrasing += gain.phrasing;
          usedOfMessage += gain.message;
        }
        const coverage = Math.min(1, usedOfPhrasing / this.phrasingWeight[p]!);
        const alone = (usedOfMessage / messageWeight) ** MESSAGE_COVERAGE_EXPONENT * coverage ** (1 - MESSAGE_COVERAGE_EXPONENT);
        phrasingCoverage = Math.max(phrasingCoverage, coverage);
        if (alone > phrasingConfidence) {
          phrasingConfidence = alone;
          matched = p;
        }
      }
      const entry = this.entries[entryIndex]!;
      const wholeEntry = ENTRY_UNION_FACTOR * messageCoverage ** MESSAGE_COVERAGE_EXPONENT * phrasingCoverage ** (1 - MESSAGE_COVERAGE_EXPONENT);
      let confidence = Math.max(phrasingConfidence, wholeEntry);
      if (options.preferTopic && entry.topic !== options.preferTopic) confidence *= OTHER_TOPIC_FACTOR;
      if (type && (this.entryTypes[entryIndex]! & TYPE_BITS[type]) === 0) {
        if (ANSWER_SUPPORTS[type] && (this.answerTypes[entryIndex]! & TYPE_BITS[type]) === 0) confidence *= UNANSWERABLE_TYPE_FACTOR;
        else if (this.entryTypes[entryIndex] !== 0) confidence *= QUESTION_TYPE_MISMATCH_FACTOR;
      }
      if (specifiers.length > 0) {
        const own = this.entrySpecifiers.get(entryIndex);
        if (specifiers.some((s) => !own?.has(s))) confidence *= SPECIFIER_MISMATCH_FACTOR;
      }
      if (confidence < minConfidence) continue;
      best.set(entryIndex, { entry, confidence, matchedPhrasing: this.phrasingText[matched] ?? entry.question });
    }
    const candidates = [...best.values()]
      .sort((a, b) => b.confidence - a.confidence || a.entry.id.localeCompare(b.entry.id))
      .slice(0, options.limit ?? 5);
    return { ...empty, candidates };
  }
}
