import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../../src/shared/projectRoot';
import { loadKnowledge } from '../../src/faq/knowledge/loadKnowledge';
import { evaluate, figures, loadCases, type EvalResult } from './runEval';

/**
 * `npm run eval:sealed`: the sealed split's totals, and nothing of its cases. It is run rarely, to report
 * how the bot does on questions nobody tuned for; tuning happens on the development split and cross-
 * validation. Every run is appended to sealed-runs.log, which is committed, so how often the split was
 * looked at is on the record.
 */

const SEALED_FILE = 'tests/eval/sealed.yaml';
/** Everyday questions from other domains and about the bot itself, sealed the same way. */
const SEALED_EVERYDAY_FILE = 'tests/eval/sealed-everyday.yaml';
const RUNS_LOG = 'tests/eval/sealed-runs.log';

function share(results: EvalResult[]): string {
  return results.length === 0 ? '-' : `${((100 * results.filter((r) => r.verdict === 'correct').length) / results.length).toFixed(1)}%`;
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const kb = loadKnowledge(resolve(PROJECT_ROOT, 'knowledge'));
  const results = await evaluate(kb, loadCases(resolve(PROJECT_ROOT, SEALED_FILE), kb));
  const everyday = await evaluate(kb, loadCases(resolve(PROJECT_ROOT, SEALED_EVERYDAY_FILE), kb));
  const given = (rs: EvalResult[]) => rs.filter((r) => r.decision?.kind === 'answer' || r.decision?.kind === 'partial').length;
  const otherDomains = everyday.filter((r) => r.case.category !== 'small-talk');
  const aboutBot = everyday.filter((r) => r.case.category === 'small-talk');
  const f = figures(results);
  const p = (x: number) => `${(100 * x).toFixed(1)}%`;
  const line = [
    `cases ${results.length}`,
    `in-scope correct ${p(f.inScopeCorrect)}`,
    `wrong ${p(f.wrong)}`,
    `out-of-scope and near-miss abstained ${p(f.outOfScopeAbstained)}`,
    `follow-ups correct ${share(results.filter((r) => r.case.category === 'follow-up'))}`,
    `small talk given a fact ${f.smallTalkFacts}`,
    `everyday questions from other domains given a fact or a partial reply ${given(otherDomains)} of ${otherDomains.length}`,
    `questions about the bot given one ${given(aboutBot)} of ${aboutBot.length}`,
  ].join(', ');
  process.stdout.write(`Sealed split (${SEALED_FILE}, ${SEALED_EVERYDAY_FILE}), totals only:\n${line}\n`);
  appendFileSync(resolve(PROJECT_ROOT, RUNS_LOG), `${new Date().toISOString()} commit ${commit()} (uncommitted changes not shown): ${line}\n`);
  process.stdout.write(`Recorded in ${RUNS_LOG}.\n`);
}

void main();
