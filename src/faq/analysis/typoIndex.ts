import { editDistance } from './editDistance';

/** Words shorter than this are never corrected: too many short words are one edit from each other. */
const MIN_CORRECTABLE_LENGTH = 4;

/**
 * Words longer than this are never corrected: no word a supporter means is longer ("internationalisation"
 * has 20 letters), and a lookup builds every string up to two deletions away, about n²/2 strings of n
 * letters, so a 3,000-letter "word" from a hostile message took 40 seconds and the whole heap.
 */
export const MAX_CORRECTABLE_LENGTH = 24;

/** One typo in a short word, two in a long one. */
function maxEdits(word: string): number {
  return word.length >= 8 ? 2 : 1;
}

/**
 * FNV-1a of the text with the character at `skip` left out (none when skip is -1), without building that
 * string: indexing 40,000 words made half a million of them. The deletion index keys on this 32-bit hash;
 * a collision only adds a candidate that editDistance then rejects.
 */
function hash(text: string, skip = -1): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    if (i === skip) continue;
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function deletions(word: string, depth: number, into: Set<string>): void {
  if (depth === 0) return;
  for (let i = 0; i < word.length; i++) {
    const shorter = word.slice(0, i) + word.slice(i + 1);
    if (into.has(shorter)) continue;
    into.add(shorter);
    if (depth > 1) deletions(shorter, depth - 1, into);
  }
}

/** Word ids above this do not fit beside a 32-bit hash in one float64 (2^53). */
const MAX_WORDS = 2 ** 21;

export interface TypoMatch {
  word: string;
  edits: number;
}

/**
 * Finds the vocabulary word a misspelt word meant, in time independent of the vocabulary's size.
 * Symmetric-deletion lookup (as in SymSpell): every word is indexed under itself and each string one
 * deletion away; a query looks up itself and its strings up to two deletions away. That finds every
 * word within one edit, and within two when one of the two is a letter too many in what was typed: the
 * common slips. Two wrong letters in one word are missed, the price of indexing one deletion per word
 * rather than two. editDistance confirms each candidate. The index is one sorted Float64Array of
 * (hash, word id) pairs, far smaller than a map of strings at 100,000 entries.
 */
export class TypoIndex {
  private readonly keys: Float64Array;

  /** `rank` breaks ties between equally close words: the more common word is the likelier meaning. */
  constructor(
    private readonly words: readonly string[],
    private readonly rank: (word: string) => number,
  ) {
    if (words.length >= MAX_WORDS) throw new Error(`TypoIndex holds at most ${MAX_WORDS - 1} words`);
    const pairs: number[] = [];
    words.forEach((word, id) => {
      if (word.length < MIN_CORRECTABLE_LENGTH) return;
      pairs.push(hash(word) * MAX_WORDS + id);
      // A doubled letter gives the same deletion twice; the duplicate pair costs nothing at lookup.
      for (let skip = 0; skip < word.length; skip++) pairs.push(hash(word, skip) * MAX_WORDS + id);
    });
    this.keys = Float64Array.from(pairs).sort();
  }

  private idsUnder(key: number, into: Set<number>): void {
    const low = key * MAX_WORDS;
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid]! < low) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.keys.length && this.keys[i]! < low + MAX_WORDS; i++) into.add(this.keys[i]! - low);
  }

  /** The closest vocabulary word within maxEdits(word), or undefined; words too short or too long to correct are not looked up. */
  correct(word: string): TypoMatch | undefined {
    if (word.length < MIN_CORRECTABLE_LENGTH || word.length > MAX_CORRECTABLE_LENGTH) return undefined;
    const limit = maxEdits(word);
    const variants = new Set([word]);
    deletions(word, limit, variants);
    const ids = new Set<number>();
    for (const v of variants) this.idsUnder(hash(v), ids);
    let best: (TypoMatch & { rank: number }) | undefined;
    for (const id of ids) {
      const candidate = this.words[id]!;
      const edits = editDistance(word, candidate, limit);
      if (edits > limit) continue;
      const rank = this.rank(candidate);
      if (!best || edits < best.edits || (edits === best.edits && (rank > best.rank || (rank === best.rank && candidate < best.word)))) {
        best = { word: candidate, edits, rank };
      }
    }
    return best && { word: best.word, edits: best.edits };
  }
}
