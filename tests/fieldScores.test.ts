import { expect } from 'chai';
import { FieldFrequencyBuilder } from '../src/faq/retrieval/fieldScores';

/** Builds a scorer over entries given as, per field, the stem ids each of its texts uses (each text's stems once). */
function scorerOf(entries: number[][][][]) {
  const builder = new FieldFrequencyBuilder();
  const lists: number[][] = [];
  for (const fields of entries) {
    const stems = new Set<number>();
    fields.forEach((texts, field) => texts.forEach((text) => text.forEach((id) => (builder.count(field, id), stems.add(id)))));
    lists.push([...stems]);
    builder.endEntry([...stems]);
  }
  const starts = [0];
  for (const list of lists) starts.push(starts.at(-1)! + list.length);
  const items = Int32Array.from(lists.flat());
  const scorer = builder.build();
  return (entry: number, gain: Float64Array, weight: number) => scorer.scores(entry, starts[entry]!, starts[entry + 1]!, items, gain, weight);
}

describe('BM25 per field', () => {
  const gain = Float64Array.from([2, 0, 0, 0, 0]);

  it('scores a field higher the more of its texts use the word, and saturates', () => {
    const score = scorerOf([
      [[[0]], [[0], [1]], [], []],
      [[[0]], [[0], [0, 1], [0]], [], []],
    ]);
    const once = score(0, gain, 2).phrasings;
    const thrice = score(1, gain, 2).phrasings;
    expect(thrice).to.be.above(once);
    expect(thrice).to.be.below(1);
  });

  it('scores a long field lower than a short one with the same word', () => {
    const score = scorerOf([
      [[[0]], [], [[0]], []],
      [[[0]], [], [[0, 1, 2, 3, 4]], []],
    ]);
    expect(score(0, gain, 2).answer).to.be.above(score(1, gain, 2).answer);
  });

  it("gives 0 to fields without the message's words, and counts the message's unknown words against every field", () => {
    const score = scorerOf([[[[0]], [[1]], [], []]]);
    expect(score(0, gain, 2).phrasings).to.equal(0);
    expect(score(0, gain, 4).question).to.be.closeTo(score(0, gain, 2).question / 2, 1e-9);
  });
});
