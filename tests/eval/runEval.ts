import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { z } from 'zod';
import { PROJECT_ROOT } from '../../src/config';
import { DEFAULT_THRESHOLDS, type DeciderOptions, type Decision, type Thresholds } from '../../src/conversation/decide';
import { loadKnowledge, type KnowledgeBase } from '../../src/faq/knowledge/loadKnowledge';
import { probeConversation } from '../../src/tools/probe';
import { corpusReport, loadOutOfScopeQuestions, OUT_OF_SCOPE_FILE, scoreOutOfScope } from './outOfScopeCorpus';

/** An evaluation case: a message, optionally after earlier turns, and what the bot should do with it. */
const caseSchema = z.strictObject({
  category: z.enum(['paraphrase', 'informal', 'typo', 'follow-up', 'topic', 'small-talk', 'out-of-scope', 'near-miss']),
  turns: z.array(z.string()).default([]),
  say: z.string().min(1),
  expect: z.union([
    z.strictObject({ answer: z.string() }),
    z.strictObject({ topic: z.enum(['governance', 'membership', 'offices']) }),
    z.strictObject({ smallTalk: z.enum(['greeting', 'thanks', 'bye']) }),
    z.strictObject({ command: z.enum(['help', 'cancel', 'restart']) }),
    z.strictObject({ abstain: z.literal(true) }),
  ]),
});
export type EvalCase = z.infer<typeof caseSchema>;

export type Verdict = 'correct' | 'wrong' | 'abstained' | 'disambiguated';

export function loadCases(file: string, kb: KnowledgeBase): EvalCase[] {
  const parsed = z.strictObject({ cases: z.array(caseSchema) }).safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const ids = new Set(kb.entries.map((e) => e.id));
  for (const c of parsed.data.cases) {
    if ('answer' in c.expect && !ids.has(c.expect.answer)) throw new Error(`${file}: case "${c.say}" expects unknown entry ${c.expect.answer}`);
  }
  return parsed.data.cases;
}

/**
 * Scores one decision against its expectation. A fact where none was wanted, or the wrong fact, is
 * "wrong", the costliest error; a "did you mean" is "disambiguated", whatever was wanted; anything else
 * that is not what was wanted gave no fact: "abstained".
 */
export function judge(expected: EvalCase['expect'], decision: Decision | undefined): Verdict {
  if (!decision) return 'abstained';
  if (decision.kind === 'clarify') return 'disambiguated';
  if ('answer' in expected) {
    if (decision.kind !== 'answer') return 'abstained';
    return decision.entry.id === expected.answer ? 'correct' : 'wrong';
  }
  if (decision.kind === 'answer') return 'wrong';
  if ('abstain' in expected) return 'correct';
  if ('topic' in expected) return decision.kind === 'topic' && decision.topic === expected.topic ? 'correct' : 'abstained';
  if ('smallTalk' in expected) return decision.kind === 'smallTalk' && decision.smallTalk === expected.smallTalk ? 'correct' : 'abstained';
  return decision.kind === 'command' && decision.command === expected.command ? 'correct' : 'abstained';
}

/** Runs a case's turns through the real bot in a conversation of its own and returns the last decision. */
export async function decideCase(kb: KnowledgeBase, c: EvalCase, options: DeciderOptions = {}): Promise<Decision | undefined> {
  const send = probeConversation(kb, options);
  for (const text of c.turns) await send(text);
  return (await send(c.say)).decision;
}

export interface EvalResult {
  case: EvalCase;
  decision?: Decision;
  verdict: Verdict;
}

export async function evaluate(kb: KnowledgeBase, cases: EvalCase[], options: DeciderOptions = {}): Promise<EvalResult[]> {
  const results: EvalResult[] = [];
  for (const c of cases) {
    const decision = await decideCase(kb, c, options);
    results.push({ case: c, decision, verdict: judge(c.expect, decision) });
  }
  return results;
}

const pct = (n: number, d: number) => (d === 0 ? '   -  ' : `${((100 * n) / d).toFixed(1).padStart(5)}%`);

/** The figures issue #3 sets targets for. */
export interface Figures {
  inScopeCorrect: number;
  wrong: number;
  outOfScopeAbstained: number;
  smallTalkFacts: number;
}

export const GATES = { inScopeCorrect: 0.95, wrong: 0.02, outOfScopeAbstained: 0.98, smallTalkFacts: 0 };

export function figures(results: EvalResult[]): Figures {
  const share = (rs: EvalResult[], v: Verdict) => (rs.length === 0 ? 0 : rs.filter((r) => r.verdict === v).length / rs.length);
  const inScope = results.filter((r) => 'answer' in r.case.expect);
  const outOfScope = results.filter((r) => r.case.category === 'out-of-scope' || r.case.category === 'near-miss');
  return {
    inScopeCorrect: share(inScope, 'correct'),
    wrong: share(results, 'wrong'),
    outOfScopeAbstained: share(outOfScope, 'correct'),
    smallTalkFacts: results.filter((r) => r.case.category === 'small-talk' && r.decision?.kind === 'answer').length,
  };
}

export function gateFailures(f: Figures): string[] {
  const failures: string[] = [];
  const p = (x: number) => `${(100 * x).toFixed(1)}%`;
  if (f.inScopeCorrect < GATES.inScopeCorrect) failures.push(`in-scope correct ${p(f.inScopeCorrect)} < ${p(GATES.inScopeCorrect)}`);
  if (f.wrong > GATES.wrong) failures.push(`wrong answers ${p(f.wrong)} > ${p(GATES.wrong)}`);
  if (f.outOfScopeAbstained < GATES.outOfScopeAbstained) failures.push(`out-of-scope abstained ${p(f.outOfScopeAbstained)} < ${p(GATES.outOfScopeAbstained)}`);
  if (f.smallTalkFacts > GATES.smallTalkFacts) failures.push(`small talk answered with a fact ${f.smallTalkFacts} times`);
  return failures;
}

export function report(title: string, results: EvalResult[]): string {
  const verdicts: Verdict[] = ['correct', 'wrong', 'abstained', 'disambiguated'];
  const lines = [title, `${'category'.padEnd(14)} ${'cases'.padStart(5)} ${verdicts.map((v) => v.padStart(13)).join(' ')}`];
  const categories = [...new Set(results.map((r) => r.case.category))];
  for (const category of [...categories, 'all']) {
    const rs = category === 'all' ? results : results.filter((r) => r.case.category === category);
    const count = (v: Verdict) => rs.filter((r) => r.verdict === v).length;
    lines.push(`${category.padEnd(14)} ${String(rs.length).padStart(5)} ${verdicts.map((v) => pct(count(v), rs.length).padStart(13)).join(' ')}`);
  }
  const f = figures(results);
  const inScope = results.filter((r) => 'answer' in r.case.expect).length;
  const outOfScope = results.filter((r) => r.case.category === 'out-of-scope' || r.case.category === 'near-miss').length;
  lines.push(
    '',
    `in-scope correct:                     ${pct(f.inScopeCorrect, 1)}  (${inScope} cases; target ≥ 95%)`,
    `wrong answers (all cases):            ${pct(f.wrong, 1)}  (target ≤ 2%)`,
    `out-of-scope and near-miss abstained: ${pct(f.outOfScopeAbstained, 1)}  (${outOfScope} cases; target ≥ 98%)`,
    `small talk answered with a fact:      ${f.smallTalkFacts}  (target 0)`,
  );
  return lines.join('\n');
}

export const SPLITS = {
  dev: { file: 'tests/eval/dev.yaml', title: 'Development split (tests/eval/dev.yaml): tunes and calibrates the matcher; gated in npm test' },
  holdout: { file: 'tests/eval/holdout.yaml', title: 'Held-out split (tests/eval/holdout.yaml): written before tuning, never tuned on' },
} as const;

/** Answer thresholds and "did you mean" floors tried by --calibrate. */
const CALIBRATION_GRID = {
  answer: [0.54, 0.56, 0.58, 0.6, 0.62, 0.64, 0.66],
  clarifyFloor: [0.5, 0.55, 0.6],
  clarifyMargin: [0, 0.02, 0.04],
};

/** Every combination of the grid on the development split: the table a threshold is chosen from. */
async function calibrate(kb: KnowledgeBase, cases: EvalCase[]): Promise<string> {
  const lines = ['answer  floor  margin  in-scope-correct  wrong  oos-abstained  disambiguated  gates'];
  for (const answer of CALIBRATION_GRID.answer) {
    for (const clarifyFloor of CALIBRATION_GRID.clarifyFloor) {
      if (clarifyFloor > answer) continue;
      for (const clarifyMargin of CALIBRATION_GRID.clarifyMargin) {
        const thresholds: Thresholds = { answer, clarifyFloor, clarifyMargin };
        const results = await evaluate(kb, cases, { thresholds });
        const f = figures(results);
        const disambiguated = results.filter((r) => r.verdict === 'disambiguated').length / results.length;
        const mark = thresholds.answer === DEFAULT_THRESHOLDS.answer && clarifyFloor === DEFAULT_THRESHOLDS.clarifyFloor && clarifyMargin === DEFAULT_THRESHOLDS.clarifyMargin ? '  ← current' : '';
        lines.push(
          `${answer.toFixed(2).padStart(6)}  ${clarifyFloor.toFixed(2).padStart(5)}  ${clarifyMargin.toFixed(2).padStart(6)}  ${pct(f.inScopeCorrect, 1).padStart(16)}  ${pct(f.wrong, 1)}  ${pct(f.outOfScopeAbstained, 1).padStart(13)}  ${pct(disambiguated, 1).padStart(13)}  ${gateFailures(f).length === 0 ? 'pass' : 'fail'}${mark}`,
        );
      }
    }
  }
  return lines.join('\n');
}

function describeMisses(results: EvalResult[]): string {
  return results
    .filter((r) => r.verdict !== 'correct')
    .map((r) => {
      const d = r.decision;
      const got = !d ? 'nothing' : d.kind === 'answer' ? `answer ${d.entry.id}` : d.kind === 'clarify' ? `did you mean ${d.options.map((e) => e.id).join('/')}` : d.kind;
      return `  ${r.verdict.padEnd(13)} [${r.case.category}] ${[...r.case.turns, r.case.say].join(' | ')} → ${got}; wanted ${JSON.stringify(r.case.expect)}`;
    })
    .join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { verbose: { type: 'boolean', default: false }, calibrate: { type: 'boolean', default: false }, split: { type: 'string' } } });
  const kb = loadKnowledge(resolve(PROJECT_ROOT, 'knowledge'));
  if (values.calibrate) {
    process.stdout.write(`${await calibrate(kb, loadCases(resolve(PROJECT_ROOT, SPLITS.dev.file), kb))}\n`);
    return;
  }
  for (const [name, split] of Object.entries(SPLITS)) {
    if (values.split && values.split !== name) continue;
    const results = await evaluate(kb, loadCases(resolve(PROJECT_ROOT, split.file), kb));
    process.stdout.write(`${report(split.title, results)}\n`);
    if (values.verbose) process.stdout.write(`${describeMisses(results)}\n`);
    process.stdout.write('\n');
  }
  if (!values.split || values.split === 'out-of-scope') {
    const questions = loadOutOfScopeQuestions(resolve(PROJECT_ROOT, OUT_OF_SCOPE_FILE));
    process.stdout.write(`${corpusReport(await scoreOutOfScope(kb, questions), values.verbose)}\n`);
  }
}

if (require.main === module) void main();
