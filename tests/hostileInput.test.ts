import { expect } from 'chai';
import { FUZZ_CLASSES, planRun, SUITE_SEED, SUITE_TOTAL } from './fuzz/classes';
import { summaryLine, violationSummary } from './fuzz/report';
import { FuzzSession } from './fuzz/session';

/**
 * Thousands of generated hostile requests (tests/fuzz/) against the real bot, run as its own process on
 * 127.0.0.1 with SQLite state. The seed and the counts are fixed, and `npm run fuzz` with no arguments
 * sends exactly these requests again; each failure names its request by index and what it tried.
 */
describe(`hostile input against the real server (seed ${SUITE_SEED}, ${SUITE_TOTAL} requests)`, function () {
  this.timeout(180_000);
  const plans = planRun(new Map(FUZZ_CLASSES.map((c) => [c, c.suiteCount])));
  let session: FuzzSession | undefined;
  let closed = false;

  before(async () => {
    session = await FuzzSession.open(SUITE_SEED);
  });
  after(async () => {
    if (session && !closed) await session.close();
  });

  it('plans at least 5,000 requests, in every class', () => {
    expect(SUITE_TOTAL).to.be.at.least(5000);
    expect(plans.every((plan) => plan.count > 0)).to.equal(true);
  });

  for (const plan of plans) {
    it(`${plan.fuzzClass.name} (${plan.count}): never a 5xx, the process lives, /healthz answers within 1 s, no canary in the logs`, async () => {
      const report = await session!.runClass(plan);
      console.log(`      ${summaryLine(report)}`);
      expect(violationSummary(report.violations), `${plan.fuzzClass.name} broke the server`).to.deep.equal([]);
    });
  }

  it('no canary reaches the logs late (turns finishing after their class, or shutdown)', async () => {
    closed = true;
    const late = await session!.close();
    expect(violationSummary(late)).to.deep.equal([]);
  });
});
