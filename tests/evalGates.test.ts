import { resolve } from 'node:path';
import { expect } from 'chai';
import { PROJECT_ROOT } from '../src/config';
import { evaluate, figures, gateFailures, loadCases, report, SPLITS } from './eval/runEval';
import { knowledge } from './helpers/bot';

/**
 * Issue #3's gates, on the development split through the real bot. The held-out split is run and
 * printed beside it, never gated: it measures how well tuning on the development split generalises.
 */
describe('answer quality gates (npm run eval)', function () {
  this.timeout(120_000);

  it('meets every gate on the development split', async () => {
    const results = await evaluate(knowledge, loadCases(resolve(PROJECT_ROOT, SPLITS.dev.file), knowledge));
    const failures = gateFailures(figures(results));
    expect(failures, report(SPLITS.dev.title, results)).to.deep.equal([]);
  });

  it('never answers small talk with a fact, on the held-out split too', async () => {
    const results = await evaluate(knowledge, loadCases(resolve(PROJECT_ROOT, SPLITS.holdout.file), knowledge));
    expect(figures(results).smallTalkFacts, report(SPLITS.holdout.title, results)).to.equal(0);
  });
});
