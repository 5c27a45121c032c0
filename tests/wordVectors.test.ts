import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWordVectors, type WordVectors } from '../src/faq/analysis/wordVectors';
import { buildWordVectors, knowledgeWords } from '../src/tools/buildWordVectors';

describe('word vectors', () => {
  let vectors: WordVectors;
  let dir: string;

  before(() => {
    vectors = loadWordVectors();
    dir = mkdtempSync(join(tmpdir(), 'word-vectors-'));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  const similarity = (a: string, b: string): number => {
    const value = vectors.similarity(a, b);
    if (value === undefined) throw new Error(`no similarity for ${a}/${b}`);
    return value;
  };

  describe('the committed file', () => {
    it('loads 100-dimensional vectors for tens of thousands of words', () => {
      expect(vectors.dimension).to.equal(100);
      expect(vectors.size).to.be.above(40_000);
    });

    it('has the knowledge base’s words, and everyday words its phrasings never use', () => {
      for (const word of ['secretariat', 'council', 'board', 'members', 'appointed', 'boss', 'gather', 'employees', 'organise']) {
        expect(vectors.has(word), word).to.equal(true);
      }
    });

    it('knows nothing of words it lacks', () => {
      expect(vectors.has('qwxzzy')).to.equal(false);
      expect(vectors.similarity('qwxzzy', 'board')).to.equal(undefined);
      expect(vectors.similarity('board', 'qwxzzy')).to.equal(undefined);
      expect(vectors.vector('qwxzzy')).to.equal(undefined);
    });

    it('gives a word a similarity of 1 with itself, and the same both ways round', () => {
      for (const word of ['boss', 'secretariat', 'often', 'weather']) expect(similarity(word, word), word).to.be.above(0.99).and.at.most(1);
      for (const [a, b] of [
        ['boss', 'head'],
        ['secretary', 'song'],
        ['council', 'board'],
      ] as const)
        expect(similarity(a, b)).to.equal(similarity(b, a));
    });

    it('scores the words supporters use for the knowledge base’s words clearly above unrelated pairs', () => {
      const related = [
        ['boss', 'head'],
        ['opening', 'developing'],
        ['gather', 'meet'],
        ['staff', 'employees'],
        ['frequently', 'often'],
      ] as const;
      const unrelated = [
        ['boss', 'weather'],
        ['secretary', 'song'],
      ] as const;
      const highestUnrelated = Math.max(...unrelated.map(([a, b]) => similarity(a, b)));
      for (const [a, b] of related) expect(similarity(a, b), `${a}/${b}`).to.be.above(highestUnrelated + 0.1);
      expect(similarity('frequently', 'often')).to.be.above(similarity('boss', 'head'));
    });

    it('hands out unit-length copies of the vectors, whose dot product is the similarity', () => {
      const boss = vectors.vector('boss')!;
      const head = vectors.vector('head')!;
      expect(boss).to.be.instanceOf(Float32Array).with.length(100);
      const dot = (x: Float32Array, y: Float32Array) => x.reduce((sum, value, i) => sum + value * y[i]!, 0);
      expect(dot(boss, boss)).to.be.closeTo(1, 1e-5);
      expect(dot(boss, head)).to.be.closeTo(similarity('boss', 'head'), 1e-5);
      boss.fill(0);
      expect(similarity('boss', 'boss')).to.be.above(0.99);
      expect(Object.isFrozen(vectors)).to.equal(true);
    });
  });

  describe('a damaged file', () => {
    const committed = () => readFileSync(join(__dirname, '..', 'src', 'faq', 'analysis', 'word-vectors.bin'));

    const rejects = (name: string, bytes: Buffer, problem: RegExp) => {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      expect(() => loadWordVectors(file))
        .to.throw(Error, file)
        .with.property('message')
        .that.matches(problem);
    };

    it('is rejected when truncated, naming the file', () => {
      const bytes = committed();
      rejects('truncated.bin', bytes.subarray(0, bytes.length - 1000), /truncated/);
      rejects('header-only.bin', bytes.subarray(0, 20), /truncated/);
    });

    it('is rejected when a vector’s bytes are changed, naming the file', () => {
      const bytes = committed();
      bytes[bytes.length - 50] = (bytes[bytes.length - 50] ?? 0) ^ 0x40;
      rejects('flipped.bin', bytes, /damaged/);
    });

    it('is rejected when it is not a word-vector file, or another version, naming the file', () => {
      rejects('other.bin', Buffer.from('{"vectors": {"cat": [0.9, 0.1, 0.05]}, "dimensions": 3, "size": 1}'), /not a word-vector file/);
      const newer = committed();
      newer.writeUInt16LE(2, 4);
      rejects('newer.bin', newer, /version/);
    });
  });

  describe('the build', () => {
    // wink's layout: each vector's values, then its length and its rank, which the build ignores.
    const embeddings = {
      precision: 8,
      l2NormIndex: 3,
      wordIndex: 4,
      size: 4,
      dimensions: 3,
      words: ['cat', 'dog', 'car', 'vague'],
      vectors: {
        cat: [0.9, 0.1, 0.05, 0.91, 0],
        dog: [0.8, 0.3, 0.02, 0.85, 1],
        car: [-0.1, 0.2, 0.95, 0.98, 2],
        vague: [0.3, -0.3, 0.3, 0.52, 3],
      },
    };
    const cosine = (x: number[], y: number[]) => {
      const dot = (u: number[], v: number[]) => u.slice(0, 3).reduce((sum, value, i) => sum + value * v[i]!, 0);
      return dot(x, y) / Math.sqrt(dot(x, x) * dot(y, y));
    };

    it('writes byte-identical files from the same input, whatever order the vocabulary comes in', () => {
      const input = join(dir, 'embeddings.json');
      writeFileSync(input, JSON.stringify(embeddings));
      const vocabulary = ['dog', 'cat', 'car', 'unicorn'];
      const first = buildWordVectors({ input, output: join(dir, 'first.bin'), vocabulary });
      const second = buildWordVectors({ input, output: join(dir, 'second.bin'), vocabulary: [...vocabulary].reverse() });
      expect(readFileSync(join(dir, 'first.bin')).equals(readFileSync(join(dir, 'second.bin')))).to.equal(true);
      expect(first).to.deep.equal({ written: 3, missing: ['unicorn'] });
      expect(second).to.deep.equal(first);

      const built = loadWordVectors(join(dir, 'first.bin'));
      expect(built.dimension).to.equal(3);
      expect(built.size).to.equal(3);
      expect(built.has('vague'), 'a word outside the vocabulary').to.equal(false);
      const { cat, dog, car } = embeddings.vectors;
      expect(built.similarity('cat', 'dog')).to.be.closeTo(cosine(cat, dog), 0.02);
      expect(built.similarity('cat', 'car')).to.be.closeTo(cosine(cat, car), 0.02);
    });

    it('rejects a vector with too few values, naming the input', () => {
      const input = join(dir, 'short.json');
      writeFileSync(input, JSON.stringify({ ...embeddings, vectors: { ...embeddings.vectors, cat: [0.9, 0.1] } }));
      expect(() => buildWordVectors({ input, output: join(dir, 'short.bin'), vocabulary: ['cat'] })).to.throw(input);
    });

    it('takes the knowledge base’s words from every string in its YAML, folded as the bot folds messages', () => {
      const knowledge = join(dir, 'knowledge');
      mkdirSync(knowledge);
      writeFileSync(
        join(knowledge, 'a.yaml'),
        'topic: Governance\nentries:\n  - phrasings: [Who ORGANIZES the ICM?]\n    answer: "Amnesty’s 70 sections, 85% of them"\n',
      );
      writeFileSync(join(knowledge, 'ignored.txt'), 'elsewhere');
      expect([...knowledgeWords(knowledge)].sort()).to.deep.equal(['amnesty', 'governance', 'icm', 'of', 'organises', 'sections', 'the', 'them', 'who']);
    });
  });
});
