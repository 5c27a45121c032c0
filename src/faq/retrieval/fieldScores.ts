import { grown } from './grown';

/**
 * BM25 per field: how well each of an entry's fields (its question, its phrasings, its answer, its quotes)
 * matches a message, with term-frequency saturation and length normalisation. The ranking model weighs the
 * four scores, so the fields' weights are fitted (`npm run train`) rather than set by hand, which is what
 * BM25F's field weights would otherwise be.
 *
 * A term's frequency in a field is the number of the field's texts that use it: how many phrasings say
 * "appoint" is the sign of how central it is to the entry. A field's length is its texts' distinct content
 * words, added up.
 */

export const FIELDS = ['question', 'phrasings', 'answer', 'quotes'] as const;
type Field = (typeof FIELDS)[number];

/** BM25's usual parameters (Robertson and Zaragoza, 2009), not tuned here: the model weighs the result. */
const K1 = 1.2;
const B = 0.75;
/** Frequencies are stored in a byte each; no entry has 255 phrasings using one word, and more adds nothing after saturation. */
const MAX_STORED_FREQUENCY = 255;

/** Collects the frequencies while the index is built, one entry after another. */
export class FieldFrequencyBuilder {
  /** By stem id, then field: the current entry's frequency (scratch, reset after each entry, grown as stems are numbered). */
  private current = new Uint8Array(1024 * FIELDS.length);
  private readonly currentLength = FIELDS.map(() => 0);
  /** By field, the frequencies in the order of the index's stem lists; the first `size` are filled (grown by doubling). */
  private frequencies = FIELDS.map(() => new Uint8Array(1024));
  private size = 0;
  private readonly lengths: number[][] = FIELDS.map(() => []);

  count(field: number, stemId: number): void {
    const at = stemId * FIELDS.length + field;
    if (at >= this.current.length) this.current = grown(this.current, at + FIELDS.length);
    if (this.current[at]! < MAX_STORED_FREQUENCY) this.current[at]!++;
    this.currentLength[field]!++;
  }

  /** Ends an entry whose stems, in the order its stem list will keep, are `stemIds`. */
  endEntry(stemIds: ArrayLike<number> & Iterable<number>): void {
    if (this.size + stemIds.length > this.frequencies[0]!.length) this.frequencies = this.frequencies.map((list) => grown(list, this.size + stemIds.length));
    const [question, phrasings, answer, quotes] = this.frequencies as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    const current = this.current;
    for (const id of stemIds) {
      const at = id * FIELDS.length;
      question[this.size] = current[at]!;
      phrasings[this.size] = current[at + 1]!;
      answer[this.size] = current[at + 2]!;
      quotes[this.size] = current[at + 3]!;
      current.fill(0, at, at + FIELDS.length);
      this.size++;
    }
    FIELDS.forEach((_, f) => {
      this.lengths[f]!.push(this.currentLength[f]!);
      this.currentLength[f] = 0;
    });
  }

  build(): FieldScorer {
    return new FieldScorer(
      this.frequencies.map((list) => list.slice(0, this.size)),
      this.lengths.map((list) => Float32Array.from(list)),
    );
  }
}

export type FieldScores = Record<Field, number>;

export class FieldScorer {
  /** Per field, 1 / its average length over the entries, for the length normalisation. */
  private readonly inverseAverage: number[];

  constructor(
    /** Per field, aligned with the index's per-entry stem lists. */
    private readonly frequencies: Uint8Array[],
    /** Per field, per entry. */
    private readonly lengths: Float32Array[],
  ) {
    this.inverseAverage = lengths.map((list) => {
      const total = list.reduce((sum, length) => sum + length, 0);
      return total === 0 ? 0 : list.length / total;
    });
  }

  /**
   * Each field's BM25 score for the entry whose stems are items[from .. to), with each message stem's weight
   * in `gain` (0 for stems the message lacks), divided by the most it could be, so each is 0–1: the message's
   * whole weight (`messageWeight`, unknown words included) in a field that says every word often.
   */
  scores(entryIndex: number, from: number, to: number, items: Int32Array, gain: Float64Array, messageWeight: number): FieldScores {
    const [question, phrasings, answer, quotes] = this.frequencies as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    const norms = this.lengths.map((lengths, f) => K1 * (1 - B + B * lengths[entryIndex]! * this.inverseAverage[f]!)) as [number, number, number, number];
    const score = [0, 0, 0, 0];
    // One pass over the entry's stems for all four fields; most have no gain, and are skipped at once.
    for (let i = from; i < to; i++) {
      const g = gain[items[i]!]!;
      if (g === 0) continue;
      score[0]! += (g * question[i]!) / (question[i]! + norms[0]);
      score[1]! += (g * phrasings[i]!) / (phrasings[i]! + norms[1]);
      score[2]! += (g * answer[i]!) / (answer[i]! + norms[2]);
      score[3]! += (g * quotes[i]!) / (quotes[i]! + norms[3]);
    }
    const share = (x: number) => (messageWeight === 0 ? 0 : x / messageWeight);
    return { question: share(score[0]!), phrasings: share(score[1]!), answer: share(score[2]!), quotes: share(score[3]!) };
  }
}
