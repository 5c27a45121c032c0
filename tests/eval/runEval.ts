import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { PROJECT_ROOT } from '../../src/config';
import type { Decision } from '../../src/conversation/decide';
import { loadKnowledge, type KnowledgeBase } from '../../src/knowledge/loadKnowledge';
import { probeConversation } from '../../src/tools/probe';

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

export type Verdict = 'correct' | 'wrong' | 'abstained';

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
 * "wrong", the costliest error; anything else that is not what was wanted gave no fact: "abstained".
 */
export function judge(expected: EvalCase['expect'], decision: Decision | undefined): Verdict {
  if (!decision) return 'abstained';
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
export async function decideCase(kb: KnowledgeBase, c: EvalCase): Promise<Decision | undefined> {
  const send = probeConversation(kb);
  for (const text of c.turns) await send(text);
  return (await send(c.say)).decision;
}

export interface EvalResult {
  case: EvalCase;
  decision?: Decision;
  verdict: Verdict;
}

export async function evaluate(kb: KnowledgeBase, cases: EvalCase[]): Promise<EvalResult[]> {
  const results: EvalResult[] = [];
  for (const c of cases) {
    const decision = await decideCase(kb, c);
    results.push({ case: c, decision, verdict: judge(c.expect, decision) });
  }
  return results;
}

const pct = (n: number, d: number) => (d === 0 ? '   -  ' : `${((100 * n) / d).toFixed(1).padStart(5)}%`);

export function report(title: string, results: EvalResult[]): string {
  const lines = [title, `${'category'.padEnd(14)} ${'cases'.padStart(5)} ${'correct'.padStart(8)} ${'wrong'.padStart(8)} ${'abstained'.padStart(10)}`];
  const categories = [...new Set(results.map((r) => r.case.category))];
  for (const category of [...categories, 'all']) {
    const rs = category === 'all' ? results : results.filter((r) => r.case.category === category);
    const count = (v: Verdict) => rs.filter((r) => r.verdict === v).length;
    lines.push(`${category.padEnd(14)} ${String(rs.length).padStart(5)} ${pct(count('correct'), rs.length).padStart(8)} ${pct(count('wrong'), rs.length).padStart(8)} ${pct(count('abstained'), rs.length).padStart(10)}`);
  }
  const inScope = results.filter((r) => 'answer' in r.case.expect);
  const outOfScope = results.filter((r) => r.case.category === 'out-of-scope' || r.case.category === 'near-miss');
  const smallTalkFacts = results.filter((r) => r.case.category === 'small-talk' && r.decision?.kind === 'answer').length;
  lines.push(
    '',
    `in-scope correct:                 ${pct(inScope.filter((r) => r.verdict === 'correct').length, inScope.length)}  (${inScope.length} cases)`,
    `wrong answers (all cases):        ${pct(results.filter((r) => r.verdict === 'wrong').length, results.length)}`,
    `out-of-scope and near-miss abstained: ${pct(outOfScope.filter((r) => r.verdict === 'correct').length, outOfScope.length)}  (${outOfScope.length} cases)`,
    `small talk answered with a fact:  ${smallTalkFacts}`,
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const kb = loadKnowledge(resolve(PROJECT_ROOT, 'knowledge'));
  const verbose = process.argv.includes('--verbose');
  const file = resolve(PROJECT_ROOT, 'tests/eval/holdout.yaml');
  const results = await evaluate(kb, loadCases(file, kb));
  process.stdout.write(`${report('Held-out set (tests/eval/holdout.yaml), written before tuning', results)}\n`);
  if (verbose) {
    for (const r of results.filter((x) => x.verdict !== 'correct')) {
      const got = r.decision ? (r.decision.kind === 'answer' ? `answer ${r.decision.entry.id}` : r.decision.kind) : 'nothing';
      process.stdout.write(`  ${r.verdict.padEnd(9)} [${r.case.category}] ${[...r.case.turns, r.case.say].join(' | ')} → ${got}; wanted ${JSON.stringify(r.case.expect)}\n`);
    }
  }
}

if (require.main === module) void main();
