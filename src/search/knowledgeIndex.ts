import Fuse from 'fuse.js';
import type { KnowledgeBase } from '../knowledge/loadKnowledge';
import type { Entry, Topic } from '../knowledge/schema';
import { editDistance } from './editDistance';
import { SynonymRewriter, tokenize, type Token } from './normalise';

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
}

export interface SearchOptions {
  /** Entries of this topic win near-ties: a topic dialog's context. */
  preferTopic?: Topic;
  limit?: number;
}

/** Question words steer between entries but must not pick one on their own. */
const QUESTION_WORD_WEIGHT = 0.35;
/** How much the share of the message explained counts, against the share of the phrasing used. */
const MESSAGE_COVERAGE_EXPONENT = 0.6;
/** Entries outside the preferred topic are discounted by this factor. */
const OTHER_TOPIC_FACTOR = 0.9;
/** A typo-corrected word earns this much of a correctly spelt one, per edit. */
const CREDIT_PER_EDIT = 0.12;

interface Phrasing {
  entry: number;
  text: string;
  /** Sum of the weights of its distinct stems. */
  weight: number;
}

interface ResolvedToken {
  token: Token;
  stem?: string;
  credit: number;
}

function maxEdits(word: string): number {
  return word.length >= 8 ? 2 : 1;
}

/**
 * Ranks knowledge-base entries for a message. Words are matched exactly after normalisation, or, when a
 * word is unknown, through fuse.js over the knowledge base's vocabulary (short strings, where fuse.js is
 * strong); entries are then scored by the inverse-document-frequency weight of the words they share with
 * the message. Words the knowledge base has never seen weigh more than any known word, so a message that
 * is mostly about something else ("what's the weather in London?") scores low.
 */
export class KnowledgeIndex {
  private readonly phrasings: Phrasing[] = [];
  private readonly postings = new Map<string, number[]>();
  private readonly idf = new Map<string, number>();
  private readonly unknownIdf: number;
  private readonly stemOfWord = new Map<string, string>();
  private readonly vocabulary: Fuse<string>;
  private readonly byId: Map<string, Entry>;

  constructor(
    readonly entries: readonly Entry[],
    private readonly rewriter: SynonymRewriter,
  ) {
    this.byId = new Map(entries.map((e) => [e.id, e]));
    const entryStems: Set<string>[] = [];
    const phrasingTokens: Token[][] = [];
    entries.forEach((entry, entryIndex) => {
      const stems = new Set<string>();
      for (const text of [entry.question, ...entry.phrasings]) {
        const tokens = tokenize(text, rewriter);
        if (tokens.length === 0) continue;
        for (const t of tokens) {
          stems.add(t.stem);
          this.stemOfWord.set(t.word, t.stem);
        }
        const index = this.phrasings.push({ entry: entryIndex, text, weight: 0 }) - 1;
        phrasingTokens[index] = tokens;
        for (const t of tokens) {
          const list = this.postings.get(t.stem);
          if (list) list.push(index);
          else this.postings.set(t.stem, [index]);
        }
      }
      entryStems.push(stems);
    });

    const documentFrequency = new Map<string, number>();
    for (const stems of entryStems) for (const s of stems) documentFrequency.set(s, (documentFrequency.get(s) ?? 0) + 1);
    const n = Math.max(entries.length, 1);
    for (const [s, df] of documentFrequency) this.idf.set(s, Math.log(1 + n / df));
    this.unknownIdf = Math.log(1 + n / 0.5);

    phrasingTokens.forEach((tokens, index) => {
      this.phrasings[index]!.weight = tokens.reduce((sum, t) => sum + this.stemWeight(t.stem, t.isQuestionWord), 0);
    });
    this.vocabulary = new Fuse([...this.stemOfWord.keys()], {
      includeScore: true,
      ignoreLocation: true,
      threshold: 0.4,
    });
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

  private stemWeight(stem: string, isQuestionWord: boolean): number {
    return (this.idf.get(stem) ?? this.unknownIdf) * (isQuestionWord ? QUESTION_WORD_WEIGHT : 1);
  }

  /** Maps a word to the knowledge base's vocabulary: exactly, or as a typo of a known word. */
  private resolve(token: Token): ResolvedToken {
    if (this.idf.has(token.stem)) return { token, stem: token.stem, credit: 1 };
    if (token.word.length < 4 || /\d/.test(token.word)) return { token, credit: 0 };
    const limit = maxEdits(token.word);
    let best: { word: string; edits: number } | undefined;
    for (const hit of this.vocabulary.search(token.word, { limit: 8 })) {
      const edits = editDistance(token.word, hit.item, limit);
      if (edits <= limit && (!best || edits < best.edits)) best = { word: hit.item, edits };
    }
    if (!best) return { token, credit: 0 };
    return { token, stem: this.stemOfWord.get(best.word)!, credit: 1 - CREDIT_PER_EDIT * best.edits };
  }

  search(text: string, options: SearchOptions = {}): SearchResult {
    const resolved = tokenize(text, this.rewriter).map((t) => this.resolve(t));
    const unknownWords = resolved.filter((r) => !r.stem).map((r) => r.token.word);
    const corrections = resolved
      .filter((r) => r.stem && r.stem !== r.token.stem)
      .map((r) => ({ typed: r.token.word, read: r.stem! }));
    const messageWeight = resolved.reduce((sum, r) => sum + this.stemWeight(r.stem ?? r.token.stem, r.token.isQuestionWord), 0);
    if (messageWeight === 0) return { candidates: [], unknownWords, corrections };

    // Accumulate, per phrasing, the message weight it explains and its own weight that the message used.
    const explained = new Map<number, { message: number; phrasing: number }>();
    for (const r of resolved) {
      if (!r.stem) continue;
      const weight = this.stemWeight(r.stem, r.token.isQuestionWord);
      for (const index of this.postings.get(r.stem) ?? []) {
        const acc = explained.get(index) ?? { message: 0, phrasing: 0 };
        acc.message += weight * r.credit;
        acc.phrasing += weight * r.credit;
        explained.set(index, acc);
      }
    }

    const best = new Map<number, Candidate>();
    for (const [index, acc] of explained) {
      const phrasing = this.phrasings[index]!;
      const entry = this.entries[phrasing.entry]!;
      const messageCoverage = acc.message / messageWeight;
      const phrasingCoverage = Math.min(1, acc.phrasing / phrasing.weight);
      let confidence = messageCoverage ** MESSAGE_COVERAGE_EXPONENT * phrasingCoverage ** (1 - MESSAGE_COVERAGE_EXPONENT);
      if (options.preferTopic && entry.topic !== options.preferTopic) confidence *= OTHER_TOPIC_FACTOR;
      const current = best.get(phrasing.entry);
      if (!current || confidence > current.confidence) best.set(phrasing.entry, { entry, confidence, matchedPhrasing: phrasing.text });
    }
    const candidates = [...best.values()]
      .sort((a, b) => b.confidence - a.confidence || a.entry.id.localeCompare(b.entry.id))
      .slice(0, options.limit ?? 5);
    return { candidates, unknownWords, corrections };
  }
}
