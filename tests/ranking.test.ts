import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { expect } from 'chai';
import { PROJECT_ROOT } from '../src/shared/projectRoot';
import type { Entry } from '../src/faq/knowledge/schema';
import { SynonymRewriter } from '../src/faq/analysis/normalise';
import { EVIDENCE_NAMES, FEATURE_NAMES, featureVector, type Evidence } from '../src/faq/ranking/features';
import { fitConditionalLogit, type Query } from '../src/faq/ranking/fit';
import { committedRankingModel, DEFAULT_MODEL_FILE, parseRankingModel, RankingModel } from '../src/faq/ranking/model';
import { KnowledgeIndex } from '../src/faq/retrieval/knowledgeIndex';
import { loadCases, SPLITS } from './eval/runEval';
import { allQueries, fitModel, trainingNegatives } from './eval/training';
import { loadOutOfScopeQuestions, OUT_OF_SCOPE_FILE } from './eval/outOfScopeCorpus';
import { knowledge } from './helpers/bot';
import { random } from './helpers/syntheticKnowledge';

const evidence = (values: Partial<Evidence>): Evidence => ({ ...(Object.fromEntries(EVIDENCE_NAMES.map((n) => [n, 0])) as unknown as Evidence), ...values });

describe('ranking model', () => {
  it('fits the weights a choice was drawn with: a conditional logit over candidates and "none"', () => {
    const rand = random(3);
    const truth = { bias: -1, weights: [3, -2] };
    const queries: Query[] = [];
    for (let n = 0; n < 4000; n++) {
      const candidates = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => [rand(), rand()]);
      const utilities = candidates.map((x) => Math.exp(truth.bias + truth.weights[0]! * x[0]! + truth.weights[1]! * x[1]!));
      const total = utilities.reduce((a, b) => a + b, 1);
      let draw = rand() * total - 1;
      const chosen = draw < 0 ? undefined : utilities.findIndex((u) => (draw -= u) < 0);
      queries.push({ candidates, chosen });
    }
    const fitted = fitConditionalLogit(queries, 0);
    expect(fitted.bias).to.be.closeTo(truth.bias, 0.2);
    expect(fitted.weights[0]).to.be.closeTo(truth.weights[0]!, 0.3);
    expect(fitted.weights[1]).to.be.closeTo(truth.weights[1]!, 0.3);
    // The penalty pulls the weights towards 0, never the bias.
    const penalised = fitConditionalLogit(queries, 500);
    expect(Math.abs(penalised.weights[0]!)).to.be.below(Math.abs(fitted.weights[0]!));
    expect(Math.abs(penalised.weights[1]!)).to.be.below(Math.abs(fitted.weights[1]!));
    // A weight held at or below 0 that the data would make positive is held at 0; the others still fit.
    const held = fitConditionalLogit(queries, 0, new Set([0]));
    expect(held.weights[0]).to.equal(0);
    expect(held.weights[1]).to.be.below(0);
    expect(fitConditionalLogit(queries, 0, new Set([1])).weights[1]).to.be.closeTo(fitted.weights[1]!, 1e-9);
  });

  it('converges where a full Newton step would overshoot: separable data with a penalty', () => {
    const queries: Query[] = Array.from({ length: 200 }, (_, n) => ({ candidates: [[n % 2]], chosen: n % 2 === 1 ? 0 : undefined }));
    const fitted = fitConditionalLogit(queries, 0.1);
    expect(Number.isFinite(fitted.bias) && fitted.weights.every(Number.isFinite)).to.equal(true);
    expect(fitted.weights[0]).to.be.above(5);
  });

  it('gives candidates that match alike a share each, and leaves the rest to "none"', () => {
    const model = RankingModel.fromWeights(
      -2,
      FEATURE_NAMES.map((name) => (name === 'phrasingMatch' ? 8 : 0)),
      committedRankingModel().retrieval,
    );
    const strong = evidence({ phrasingMatch: 0.9 });
    const [alone] = model.probabilities([strong]);
    const [first, second] = model.probabilities([strong, strong]);
    expect(alone).to.be.above(0.95);
    expect(first).to.equal(second);
    expect(first! + second!).to.be.below(1);
    expect(first).to.be.below(0.5);
    const contributions = model.explain(strong);
    expect(contributions[0]).to.deep.include({ feature: 'phrasingMatch', value: 0.9 });
    expect(contributions.reduce((sum, c) => sum + c.contribution, model.bias)).to.be.closeTo(model.utility(strong), 1e-12);
  });

  it('names the file and the field of a model it cannot read', () => {
    const read = (json: unknown) => () => parseRankingModel(JSON.stringify(json), 'model.json');
    expect(read({ features: FEATURE_NAMES, bias: 'high', weights: [], fitted: { queries: 1, answered: 1, l2: 0 } })).to.throw(/model\.json: field "bias"/);
    const retrieval = committedRankingModel().retrieval;
    const fitted = { queries: 1, answered: 1, l2: 0 };
    expect(read({ features: ['phrasingMatch'], bias: 0, weights: [1], retrieval, fitted })).to.throw(/model\.json: field "features" .*npm run train/);
    expect(read({ features: FEATURE_NAMES, bias: 0, weights: [1], retrieval, fitted })).to.throw(/model\.json: field "weights" has 1 numbers/);
    expect(read({ features: FEATURE_NAMES, bias: 0, weights: [1], retrieval: { ...retrieval, messageCoverageExponent: 1.5 }, fitted })).to.throw(
      /model\.json: field "retrieval\.messageCoverageExponent"/,
    );
  });

  it('has hinges after the evidence, in the order the model file names them', () => {
    expect(FEATURE_NAMES.slice(0, EVIDENCE_NAMES.length)).to.deep.equal([...EVIDENCE_NAMES]);
    expect(
      featureVector(evidence({ phrasingMatch: 0.9 }))
        .slice(EVIDENCE_NAMES.length, EVIDENCE_NAMES.length + 2)
        .map((x) => Number(x.toFixed(6))),
    ).to.deep.equal([0.4, 0.15]);
  });

  it('commits the model that npm run train fits from the phrasings and the development split', async function () {
    this.timeout(300_000);
    const queries = await allQueries(knowledge, loadCases(resolve(PROJECT_ROOT, SPLITS.dev.file), knowledge));
    const committed = JSON.parse(readFileSync(DEFAULT_MODEL_FILE, 'utf8')) as { bias: number; weights: number[]; retrieval: unknown };
    const { file } = fitModel(queries, committedRankingModel().retrieval);
    expect(file.retrieval).to.deep.equal(committed.retrieval);
    expect(file.bias).to.be.closeTo(committed.bias, 1e-5);
    file.weights.forEach((w, i) => expect(w, FEATURE_NAMES[i]).to.be.closeTo(committed.weights[i]!, 1e-5));
  });
});

describe('word meaning (the semantic feature)', () => {
  const source = { title: 'Test', url: 'https://example.org', asOf: '2013', text: 'sources/test.txt', reviewBy: '2099-12-31' };
  const make = (id: string, question: string, phrasings: string[], answer: string): Entry => ({
    id,
    question,
    label: question,
    subject: question,
    phrasings,
    answer,
    quotes: [],
    related: [],
    topic: 'governance',
    source,
  });
  const index = new KnowledgeIndex(
    [
      make('head', 'Who is the head of the organisation?', ['who leads the organisation'], 'The chair leads it.'),
      make('meeting', 'When does the meeting take place?', ['how often is the meeting held'], 'Every two years.'),
      make('offices', 'Where are the regional offices being developed?', ['where is it developing offices'], 'In Africa and Asia.'),
    ],
    new SynonymRewriter([]),
  );
  const semanticOf = (text: string) =>
    Object.fromEntries(index.search(index.analyse(text), { minMatch: 0, limit: 12 }).candidates.map((c) => [c.entry.id, c.evidence.semantic]));

  it('bridges words the wordings never use: "boss" and "head", "opening" and "developing", "gather" and "meet"', () => {
    // Each everyday word against a word with no meaning at all, in the same sentence: the gain is the bridge.
    const gain = (text: string, word: string, id: string) => semanticOf(text.replace('_', word))[id]! - semanticOf(text.replace('_', 'zyxwv'))[id]!;
    expect(gain('who is the _ of the organisation', 'boss', 'head')).to.be.above(0.1);
    expect(gain('where is it _ offices', 'opening', 'offices')).to.be.above(0.1);
    expect(gain('how often do they _ for the meeting', 'gather', 'meeting')).to.be.above(0.1);
  });

  it('holds a word the entry has in full, and one with no near meaning not at all', () => {
    expect(semanticOf('how often is the meeting held').meeting).to.equal(1);
    const unrelated = index
      .search(index.analyse('who is the zyxwv of the organisation'), { minMatch: 0, limit: 12 })
      .candidates.find((c) => c.entry.id === 'head');
    expect(unrelated?.evidence.semantic).to.be.below(1);
    expect(unrelated?.evidence.unexplained).to.be.above(0.5);
  });
});

describe('training negatives (tests/eval/train-negatives.yaml)', () => {
  it('are questions to decline, and a malformed file is named with the list and item at fault', () => {
    const negatives = trainingNegatives();
    expect(negatives.length).to.be.above(300);
    expect(negatives.every((c) => 'abstain' in c.expect && c.turns.length === 0)).to.equal(true);
    const file = join(mkdtempSync(join(tmpdir(), 'negatives-')), 'bad.yaml');
    writeFileSync(file, 'otherDomains: ["fine", ""]\notherOrganisations: ["x"]\namnestyUnanswered: ["y"]\n');
    expect(() => trainingNegatives(file)).to.throw(/bad\.yaml: otherDomains\.1/);
  });

  it('share no more than half their words with any question that is scored, so training never sees a near-copy of one', () => {
    const words = (text: string) => new Set(text.toLowerCase().match(/[a-z0-9]+/g) ?? []);
    const scored: string[] = [...loadOutOfScopeQuestions(resolve(PROJECT_ROOT, OUT_OF_SCOPE_FILE))];
    for (const file of [
      'dev.yaml',
      'sealed.yaml',
      'everyday-words.yaml',
      'in-context.yaml',
      'multi-sentence.yaml',
      'near-misses.yaml',
      'sealed-everyday.yaml',
    ]) {
      const { cases } = parse(readFileSync(resolve(PROJECT_ROOT, 'tests', 'eval', file), 'utf8')) as { cases: { say: string; turns?: string[] }[] };
      for (const c of cases) scored.push(c.say, ...(c.turns ?? []));
    }
    const scoredWords = scored.map(words);
    const nearCopies = trainingNegatives().filter(({ say }) => {
      const mine = words(say);
      return scoredWords.some((theirs) => {
        let shared = 0;
        for (const w of mine) if (theirs.has(w)) shared += 1;
        return shared / (mine.size + theirs.size - shared) >= 0.5;
      });
    });
    expect(nearCopies.map((c) => c.say)).to.deep.equal([]);
  });
});
