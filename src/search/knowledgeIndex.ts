import type { KnowledgeBase } from '../knowledge/loadKnowledge';
import type { Entry, Topic } from '../knowledge/schema';
import { SynonymRewriter, tokenize, type Token } from './normalise';
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
/** How much the share of the message explained counts, against the share of the phrasing used. */
const MESSAGE_COVERAGE_EXPONENT = 0.6;
/** Entries outside the preferred topic are discounted by this factor. */
const OTHER_TOPIC_FACTOR = 0.9;
/** An entry that never answers the kind of question asked ("when" to a "who" entry) is discounted by this factor. */
const QUESTION_TYPE_MISMATCH_FACTOR = 0.8;
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

/**
 * Ranks knowledge-base entries for a message. Words are matched exactly after normalisation, or, when a
 * word is unknown, as a typo of a known word; entries are then scored by the inverse-document-frequency
 * weight of the words they share with the message. Words the knowledge base has never seen weigh more
 * than any known word, so a message that is mostly about something else ("what's the weather in
 * London?") scores low.
 *
 * Built for large bases: stems are numbered, each phrasing's stems sit in one flat array, and a search
 * only visits phrasings that contain one of the message's "essential" words, those without which no
 * phrasing can reach `minConfidence`, so common words' long posting lists are read only when needed.
 */
export class KnowledgeIndex {
  private readonly stemIds = new Map<string, number>();
  private readonly stemOfWord = new Map<string, number>();
  private readonly idf: Float64Array;
  private readonly unknownIdf: number;
  private readonly postings: Int32Array[];
  /** Phrasing p's stems are phrasingStems[phrasingStart[p] .. phrasingStart[p + 1]). */
  private readonly phrasingStart: Int32Array;
  private readonly phrasingStems: Int32Array;
  private readonly phrasingQuestionWord: Uint8Array;
  private readonly phrasingEntry: Int32Array;
  private readonly phrasingWeight: Float64Array;
  private readonly phrasingText: string[] = [];
  /** The question types each entry's wordings ask, as bits; 0 when none says. */
  private readonly entryTypes: Uint8Array;
  private readonly typos: TypoIndex;
  private readonly byId: Map<string, Entry>;
  /** Marks the phrasings one search has visited; reused, because allocating it per query cost more than the search. */
  private readonly visiting: Uint8Array;

  constructor(
    readonly entries: readonly Entry[],
    private readonly rewriter: SynonymRewriter,
  ) {
    this.byId = new Map(entries.map((e) => [e.id, e]));
    const stems: number[] = [];
    const questionWords: number[] = [];
    const starts: number[] = [0];
    const owners: number[] = [];
    const documentFrequency: number[] = [];
    this.entryTypes = new Uint8Array(entries.length);

    entries.forEach((entry, entryIndex) => {
      const entryStems = new Set<number>();
      for (const text of [entry.question, ...entry.phrasings]) {
        const type = questionType(text);
        if (type) this.entryTypes[entryIndex]! |= TYPE_BITS[type];
        const tokens = tokenize(text, rewriter);
        if (tokens.length === 0) continue;
        for (const t of tokens) {
          const id = this.stemIdOf(t.stem);
          this.stemOfWord.set(t.word, id);
          stems.push(id);
          questionWords.push(t.isQuestionWord ? 1 : 0);
          entryStems.add(id);
        }
        owners.push(entryIndex);
        starts.push(stems.length);
        this.phrasingText.push(text);
      }
      for (const id of entryStems) documentFrequency[id] = (documentFrequency[id] ?? 0) + 1;
    });

    this.phrasingStems = Int32Array.from(stems);
    this.phrasingQuestionWord = Uint8Array.from(questionWords);
    this.phrasingStart = Int32Array.from(starts);
    this.phrasingEntry = Int32Array.from(owners);
    const n = Math.max(entries.length, 1);
    this.idf = Float64Array.from(documentFrequency, (df) => Math.log(1 + n / (df ?? 1)));
    this.unknownIdf = Math.log(1 + n / 0.5);

    const phrasingCount = owners.length;
    this.phrasingWeight = new Float64Array(phrasingCount);
    const postingLengths = new Int32Array(this.stemIds.size);
    for (let p = 0; p < phrasingCount; p++) {
      for (let i = this.phrasingStart[p]!; i < this.phrasingStart[p + 1]!; i++) {
        const id = this.phrasingStems[i]!;
        this.phrasingWeight[p]! += this.idf[id]! * (this.phrasingQuestionWord[i] ? QUESTION_WORD_WEIGHT : 1);
        postingLengths[id]!++;
      }
    }
    this.postings = Array.from(postingLengths, (length) => new Int32Array(length));
    const filled = new Int32Array(this.stemIds.size);
    for (let p = 0; p < phrasingCount; p++) {
      for (let i = this.phrasingStart[p]!; i < this.phrasingStart[p + 1]!; i++) {
        const id = this.phrasingStems[i]!;
        this.postings[id]![filled[id]!++] = p;
      }
    }
    this.visiting = new Uint8Array(phrasingCount);
    const words = [...this.stemOfWord.keys()];
    this.typos = new TypoIndex(words, (word) => documentFrequency[this.stemOfWord.get(word)!] ?? 0);
  }

  static fromKnowledge(kb: KnowledgeBase): KnowledgeIndex {
    return new KnowledgeIndex(kb.entries, new SynonymRewriter(kb.synonyms));
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
    const context = options.contextText
      ? tokenize(options.contextText, this.rewriter)
          .filter((t) => !t.isQuestionWord && !typedStems.has(t.stem))
          .map((t) => this.resolve(t, true))
          .filter((r) => r.stemId !== undefined)
      : [];
    const type = questionType(text);
    const unknownWords = typed.filter((r) => r.stemId === undefined).map((r) => r.token.word);
    const corrections = typed.flatMap((r) => (r.read ? [{ typed: r.token.word, read: r.read }] : []));
    const resolved = [...typed, ...context];
    const messageWeight = resolved.reduce((sum, r) => sum + this.weightOf(r), 0);
    const empty: SearchResult = { candidates: [], unknownWords, corrections, questionType: type };
    if (messageWeight === 0) return empty;

    // What each known stem of the message is worth: to the message's coverage, and to a phrasing's.
    const gains = new Map<number, { message: number; phrasing: number }>();
    for (const r of resolved) {
      if (r.stemId === undefined) continue;
      const message = this.weightOf(r) * r.credit;
      const phrasing = this.idf[r.stemId]! * (r.token.isQuestionWord ? QUESTION_WORD_WEIGHT : 1) * r.credit;
      const current = gains.get(r.stemId);
      if (!current || current.message < message) gains.set(r.stemId, { message, phrasing });
    }

    // A phrasing reaches minConfidence only if it explains at least this share of the message, so it
    // must contain one of the "essential" stems: all but the cheapest ones that together fall short.
    const minConfidence = options.minConfidence ?? 0;
    const needed = minConfidence > 0 ? minConfidence ** (1 / MESSAGE_COVERAGE_EXPONENT) * messageWeight : 0;
    const byGain = [...gains].sort((a, b) => a[1].message - b[1].message);
    let skipped = 0;
    let cheap = 0;
    while (skipped < byGain.length && cheap + byGain[skipped]![1].message < needed) cheap += byGain[skipped++]![1].message;
    if (skipped === byGain.length) return empty;

    const visited: number[] = [];
    for (let k = skipped; k < byGain.length; k++) {
      for (const p of this.postings[byGain[k]![0]]!) {
        if (this.visiting[p] === 0) visited.push(p);
        this.visiting[p] = 1;
      }
    }

    const best = new Map<number, Candidate>();
    for (const p of visited) {
      this.visiting[p] = 0;
      let message = 0;
      let phrasing = 0;
      for (let i = this.phrasingStart[p]!; i < this.phrasingStart[p + 1]!; i++) {
        const gain = gains.get(this.phrasingStems[i]!);
        if (gain) {
          message += gain.message;
          phrasing += gain.phrasing;
        }
      }
      const entryIndex = this.phrasingEntry[p]!;
      const entry = this.entries[entryIndex]!;
      const messageCoverage = message / messageWeight;
      const phrasingCoverage = Math.min(1, phrasing / this.phrasingWeight[p]!);
      let confidence = messageCoverage ** MESSAGE_COVERAGE_EXPONENT * phrasingCoverage ** (1 - MESSAGE_COVERAGE_EXPONENT);
      if (options.preferTopic && entry.topic !== options.preferTopic) confidence *= OTHER_TOPIC_FACTOR;
      const entryTypes = this.entryTypes[entryIndex]!;
      if (type && entryTypes !== 0 && (entryTypes & TYPE_BITS[type]) === 0) confidence *= QUESTION_TYPE_MISMATCH_FACTOR;
      if (confidence < minConfidence) continue;
      const current = best.get(entryIndex);
      if (!current || confidence > current.confidence) best.set(entryIndex, { entry, confidence, matchedPhrasing: this.phrasingText[p]! });
    }
    const candidates = [...best.values()]
      .sort((a, b) => b.confidence - a.confidence || a.entry.id.localeCompare(b.entry.id))
      .slice(0, options.limit ?? 5);
    return { ...empty, candidates };
  }
}
