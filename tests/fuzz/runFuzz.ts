import { parseArgs } from 'node:util';
import { planRun, shareOut, SUITE_SEED, SUITE_TOTAL } from './classes';
import { summaryLine, table, violationSummary } from './report';
import { FuzzSession, type ClassReport, type Violation } from './session';

/**
 * `npm run fuzz -- --count N [--seed S]`: the suite's generator and checks at any size. Prints a table per
 * class and a verdict, and exits 1 on any violation, so it can gate a release or run overnight.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { count: { type: 'string', default: String(SUITE_TOTAL) }, seed: { type: 'string', default: String(SUITE_SEED) } } });
  const count = Number(values.count);
  const seed = Number(values.seed);
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    console.error('usage: npm run fuzz -- --count N [--seed S]   (N ≥ 1; S a whole number below 2^32)');
    process.exit(2);
  }

  const plans = planRun(shareOut(count));
  console.error(`fuzzing with seed ${seed}: ${plans.reduce((sum, p) => sum + p.count, 0)} requests in ${plans.length} classes`);
  const session = await FuzzSession.open(seed);
  const reports: ClassReport[] = [];
  let late: Violation[] = [];
  try {
    for (const plan of plans) {
      const report = await session.runClass(plan);
      reports.push(report);
      console.error(summaryLine(report));
    }
  } finally {
    late = await session.close();
  }

  console.log(`\n${table(reports)}\n`);
  const failed = reports.filter((r) => r.violations.length > 0);
  for (const report of failed) console.log(`${report.name}:\n  ${violationSummary(report.violations).join('\n  ')}\n`);
  if (late.length) console.log(`after the classes:\n  ${violationSummary(late).join('\n  ')}\n`);
  const verdict = failed.length === 0 && late.length === 0;
  console.log(
    verdict
      ? `PASS: seed ${seed}, ${reports.reduce((sum, r) => sum + r.sent, 0)} requests, no violation`
      : `FAIL: ${failed.map((r) => r.name).join(', ')}${late.length ? `${failed.length ? ', ' : ''}late log leaks` : ''} (seed ${seed})`,
  );
  process.exitCode = verdict ? 0 : 1;
}

void main();
