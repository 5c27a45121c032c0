import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../../src/shared/projectRoot';
import { DEFAULT_THRESHOLDS, judgeSearch, type DeciderOptions, type Decision, type Thresholds } from '../../src/faq/decide';
import type { SearchResult } from '../../src/faq/retrieval/knowledgeIndex';
import { committedRetrievalSettings } from '../../src/faq/ranking/model';
import { loadKnowledge, type KnowledgeBase } from '../../src/faq/knowledge/loadKnowledge';
import { decidingConversations } from '../../src/app/probe';
import { evaluateCases, figures, GATES, judge, parseCases, TARGETS, type EvalCase, type EvalResult, type Verdict } from '../../src/curation/evaluation';
import { allQueries, caseFold, everydayCases, fitModel, FOLDS } from './training';
import { corpusReport, loadOutOfScopeQuestions, markedReport, OUT_OF_SCOPE_FILE, scoreOutOfScope } from './outOfScopeCorpus';

export type { EvalCase, EvalResult, Figures, Verdict } from '../../src/curation/evaluation';
export { figures, gateFailures, GATES, judge, TARGETS } from '../../src/curation/evaluation';

export function loadCases(file: string, kb: KnowledgeBase): EvalCase[] {
  return parseCases(readFileSync(file, 'utf8'), file, kb);
}

/** Runs a case's turns through the real bot in a conversation of its own and returns the last decision. */
export async function decideCase(kb: KnowledgeBase, c: EvalCase, options: DeciderOptions = {}): Promise<Decision | undefined> {
  return (await evaluateCases([c], decidingConversations(kb, options)))[0]?.decision;
}

export async function evaluate(kb: KnowledgeBase, cases: EvalCase[], options: DeciderOptions = {}): Promise<EvalResult[]> {
  return evaluateCases(cases, decidingConversations(kb, options));
}

const pct = (n: number, d: number) => (d === 0 ? '   -  ' : `${((100 * n) / d).toFixed(1).padStart(5)}%`);

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
    `in-scope correct:                     ${pct(f.inScopeCorrect, 1)}  (${inScope} cases; ` +
      `gate ≥ ${pct(GATES.inScopeCorrect, 1).trim()}, target ≥ ${pct(TARGETS.inScopeCorrect, 1).trim()})`,
    `wrong answers (all cases):            ${pct(f.wrong, 1)}  (gate ≤ ${pct(GATES.wrong, 1).trim()}, target ≤ ${pct(TARGETS.wrong, 1).trim()})`,
    `out-of-scope and near-miss abstained: ${pct(f.outOfScopeAbstained, 1)}  (${outOfScope} cases; ` +
      `gate ≥ ${pct(GATES.outOfScopeAbstained, 1).trim()}, target ≥ ${pct(TARGETS.outOfScopeAbstained, 1).trim()})`,
    `small talk answered with a fact:      ${f.smallTalkFacts}  (gate and target 0)`,
  );
  return lines.join('\n');
}

export const SPLITS = {
  dev: { file: 'tests/eval/dev.yaml', title: 'Development split (tests/eval/dev.yaml): trains and calibrates the ranker; gated in npm test' },
  'dev-everyday': {
    file: 'tests/eval/dev-everyday.yaml',
    title: 'Everyday development cases (tests/eval/dev-everyday.yaml): written blind; trained on (--cv scores them out of fold), not gated',
  },
  everyday: {
    file: 'tests/eval/everyday-words.yaml',
    title: 'Everyday words (tests/eval/everyday-words.yaml): vocabulary nobody anticipated, written blind; never trained on, not gated',
  },
  context: {
    file: 'tests/eval/in-context.yaml',
    title: 'Questions in context (tests/eval/in-context.yaml): the question wrapped in who asks and why, written blind; never trained on, not gated',
  },
  'near-misses': {
    file: 'tests/eval/near-misses.yaml',
    title: "Near-misses (tests/eval/near-misses.yaml): close to the page's subjects, asking what it does not say, written blind; never trained on, not gated",
  },
  multi: {
    file: 'tests/eval/multi-sentence.yaml',
    title: 'Several sentences (tests/eval/multi-sentence.yaml): a question among remarks, and some to decline, written blind; never trained on, not gated',
  },
} as const;

/**
 * Cross-validation: the development split's cases fall into FOLDS folds; each fold is decided by the real
 * bot with a model fitted on the other folds' cases and the phrasings outside that fold. Its figures are
 * the honest estimate of how the bot does on questions it was not fitted on.
 */
/** Each case decided by a model fitted without its fold, over evidence gathered with these retrieval settings. */
export async function crossValidate(
  kb: KnowledgeBase,
  cases: EvalCase[],
  retrieval = committedRetrievalSettings(),
  scored: readonly EvalCase[] = cases,
): Promise<EvalResult[]> {
  const queries = await allQueries(kb, cases, retrieval);
  const results: EvalResult[] = [];
  for (let fold = 0; fold < FOLDS; fold++) {
    const { model } = fitModel(
      queries.filter((q) => q.fold !== fold),
      retrieval,
    );
    results.push(
      ...(await evaluate(
        kb,
        scored.filter((c) => caseFold(c) === fold),
        { model },
      )),
    );
  }
  return results;
}

/**
 * Cross-validation of the development split and, in the same folds, of the everyday development cases
 * (both are trained on): each set's results apart.
 */
export async function crossValidateBoth(
  kb: KnowledgeBase,
  cases: EvalCase[],
  retrieval = committedRetrievalSettings(),
): Promise<{ dev: EvalResult[]; everyday: EvalResult[] }> {
  const everyday = everydayCases(kb);
  const results = await crossValidate(kb, cases, retrieval, [...cases, ...everyday]);
  const inEveryday = new Set(everyday);
  return { dev: results.filter((r) => !inEveryday.has(r.case)), everyday: results.filter((r) => inEveryday.has(r.case)) };
}

/** The search a decision was judged on, and how, when thresholds could have decided it otherwise. */
function judgedSearch(decision: Decision | undefined): { search: SearchResult; via: 'words' | 'follow-up' } | undefined {
  if (!decision) return undefined;
  if (decision.kind === 'answer') return decision.via !== 'picked' && decision.search ? { search: decision.search, via: decision.via } : undefined;
  if (decision.kind === 'clarify') return { search: decision.search, via: 'words' };
  if (decision.kind === 'unknown' && decision.search && decision.reason.startsWith('the best candidate')) return { search: decision.search, via: 'words' };
  return undefined;
}

/** How often the best candidate is the entry wanted, by its confidence: whether the probabilities mean what they say. */
function calibrationTable(results: EvalResult[]): string {
  const lines = ['confidence   cases   best is right'];
  for (let low = 0; low < 1; low += 0.1) {
    const inBin = results.flatMap((r) => {
      const top = judgedSearch(r.decision)?.search.candidates[0];
      return top && top.confidence >= low && (top.confidence < low + 0.1 || low >= 0.9)
        ? [r.case.expect && 'answer' in r.case.expect && r.case.expect.answer === top.entry.id]
        : [];
    });
    lines.push(`${low.toFixed(1)}–${(low + 0.1).toFixed(1)}   ${String(inBin.length).padStart(5)}   ${pct(inBin.filter(Boolean).length, inBin.length)}`);
  }
  return lines.join('\n');
}

const THRESHOLD_GRID = {
  answer: [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9],
  clarifyFloor: [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
  clarifyMargin: [0, 0.1, 0.2, 0.3],
};

/**
 * The thresholds' trade-off, from cross-validated decisions re-judged at each setting. A re-judged
 * decision keeps the search it was made on, so a follow-up's choice between readings is not redone: a
 * close estimate, which `npm run eval -- --cv` then checks through the bot at the chosen setting.
 */
function thresholdTable(results: EvalResult[]): string {
  const rows: { line: string; inScope: number; wrong: number; oos: number }[] = [];
  for (const answer of THRESHOLD_GRID.answer) {
    for (const clarifyFloor of THRESHOLD_GRID.clarifyFloor) {
      if (clarifyFloor > answer) continue;
      for (const clarifyMargin of THRESHOLD_GRID.clarifyMargin) {
        const thresholds: Thresholds = { answer, clarifyFloor, clarifyMargin };
        const rejudged = results.map((r) => {
          const judged = judgedSearch(r.decision);
          const decision = judged ? judgeSearch(judged.search, undefined, judged.via, thresholds) : r.decision;
          return { ...r, decision, verdict: judge(r.case.expect, decision) };
        });
        const f = figures(rejudged);
        const disambiguated = rejudged.filter((r) => r.verdict === 'disambiguated').length / rejudged.length;
        const current =
          answer === DEFAULT_THRESHOLDS.answer && clarifyFloor === DEFAULT_THRESHOLDS.clarifyFloor && clarifyMargin === DEFAULT_THRESHOLDS.clarifyMargin;
        rows.push({
          line:
            `${answer.toFixed(2).padStart(6)}  ${clarifyFloor.toFixed(2).padStart(5)}  ${clarifyMargin.toFixed(2).padStart(6)}  ` +
            `${pct(f.inScopeCorrect, 1).padStart(16)}  ${pct(f.wrong, 1)}  ${pct(f.outOfScopeAbstained, 1).padStart(13)}  ` +
            `${pct(disambiguated, 1).padStart(13)}${current ? '  ← current' : ''}`,
          inScope: f.inScopeCorrect,
          wrong: f.wrong,
          oos: f.outOfScopeAbstained,
        });
      }
    }
  }
  // The settings worth choosing between: no other is at least as good on all three figures and better on one.
  const dominated = (a: (typeof rows)[number]) =>
    rows.some(
      (b) => b !== a && b.inScope >= a.inScope && b.wrong <= a.wrong && b.oos >= a.oos && (b.inScope > a.inScope || b.wrong < a.wrong || b.oos > a.oos),
    );
  // Of settings with the same figures, the first (the lowest thresholds) stands for them all.
  const distinct = rows.filter((r, i) => rows.findIndex((o) => o.inScope === r.inScope && o.wrong === r.wrong && o.oos === r.oos) === i);
  const front = distinct.filter((r) => !dominated(r)).sort((a, b) => a.wrong - b.wrong || b.inScope - a.inScope);
  return ['answer  floor  margin  in-scope-correct  wrong  oos-abstained  disambiguated', ...front.map((r) => r.line)].join('\n');
}

function describeMisses(results: EvalResult[]): string {
  return results
    .filter((r) => r.verdict !== 'correct')
    .map((r) => {
      const d = r.decision;
      const got = !d
        ? 'nothing'
        : d.kind === 'answer'
          ? `answer ${d.entry.id}`
          : d.kind === 'clarify'
            ? `did you mean ${d.options.map((e) => e.id).join('/')}`
            : d.kind;
      return `  ${r.verdict.padEnd(13)} [${r.case.category}] ${[...r.case.turns, r.case.say].join(' | ')} → ${got}; wanted ${JSON.stringify(r.case.expect)}`;
    })
    .join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { verbose: { type: 'boolean', default: false }, cv: { type: 'boolean', default: false }, split: { type: 'string' } },
  });
  const kb = loadKnowledge(resolve(PROJECT_ROOT, 'knowledge'));
  if (values.cv) {
    const { dev: results, everyday: everydayResults } = await crossValidateBoth(kb, loadCases(resolve(PROJECT_ROOT, SPLITS.dev.file), kb));
    process.stdout.write(`${report(`Cross-validation (${FOLDS} folds) on the development split and the curated phrasings`, results)}\n`);
    if (values.verbose) process.stdout.write(`${describeMisses(results)}\n`);
    process.stdout.write(
      `\n${report('Cross-validation, the same folds, on the everyday development cases (tests/eval/dev-everyday.yaml)', everydayResults)}\n`,
    );
    if (values.verbose) process.stdout.write(`${describeMisses(everydayResults)}\n`);
    process.stdout.write(
      `\nCalibration, out of fold:\n${calibrationTable(results)}\n\n` +
        `Thresholds, out of fold (settings no other beats on every figure):\n${thresholdTable(results)}\n`,
    );
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
    process.stdout.write(`\n${markedReport(await scoreOutOfScope(kb, kb.outOfScope))}\n`);
  }
}

if (require.main === module) void main();
