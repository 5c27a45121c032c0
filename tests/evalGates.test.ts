import { resolve } from 'node:path';
import { expect } from 'chai';
import { PROJECT_ROOT } from '../src/shared/projectRoot';
import { corpusReport, loadOutOfScopeQuestions, OUT_OF_SCOPE_FACT_GATE, OUT_OF_SCOPE_FILE, scoreOutOfScope } from './eval/outOfScopeCorpus';
import { crossValidate, evaluate, figures, gateFailures, loadCases, report, SPLITS } from './eval/runEval';
import { knowledge } from './helpers/bot';

/**
 * The answer-quality gates (GATES in runEval.ts), through the real bot: on the development split with the
 * committed model, and cross-validated, where each case is decided by a model that never saw it. The
 * out-of-scope corpus is never trained on.
 */
describe('answer quality gates (npm run eval)', function () {
  this.timeout(600_000);

  it('meets every gate on the development split', async () => {
    const results = await evaluate(knowledge, loadCases(resolve(PROJECT_ROOT, SPLITS.dev.file), knowledge));
    expect(gateFailures(figures(results)), report(SPLITS.dev.title, results)).to.deep.equal([]);
  });

  it('meets every gate in cross-validation', async () => {
    const results = await crossValidate(knowledge, loadCases(resolve(PROJECT_ROOT, SPLITS.dev.file), knowledge));
    expect(gateFailures(figures(results)), report('Cross-validation', results)).to.deep.equal([]);
  });

  it('gives a fact to no more of the out-of-scope corpus than its gate allows', async () => {
    const corpus = await scoreOutOfScope(knowledge, loadOutOfScopeQuestions(resolve(PROJECT_ROOT, OUT_OF_SCOPE_FILE)));
    expect(corpus.facts / corpus.questions, corpusReport(corpus, true)).to.be.at.most(OUT_OF_SCOPE_FACT_GATE);
  });
});
