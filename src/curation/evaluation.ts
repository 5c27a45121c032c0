import { parse } from 'yaml';
import { z } from 'zod';
import type { Decision, KnowledgeBase } from '../faq';

/**
 * How a knowledge version is measured: the evaluation cases, how a decision is judged against each, the
 * figures issue #7 sets targets for, and the gates `npm test` and the workbench's publish hold a version to.
 * The bot itself is handed in as a way to start conversations, so this layer needs nothing above it.
 */

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

/** A conversation with the bot: each message gives the decision it was given. */
export type Converse = (text: string) => Promise<Decision | undefined>;

const issuesOf = (error: z.ZodError) => error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');

/**
 * A cases file's text as cases. Cases naming an entry `kb` does not have are an error, or, with
 * `dropUnknown`, left out: a curator's draft may remove an entry the development split still asks for.
 */
export function parseCases(text: string, file: string, kb: KnowledgeBase, dropUnknown = false): EvalCase[] {
  const parsed = z.strictObject({ cases: z.array(caseSchema) }).safeParse(parse(text));
  if (!parsed.success) throw new Error(`${file}: ${issuesOf(parsed.error)}`);
  const ids = new Set(kb.entries.map((e) => e.id));
  const known = (c: EvalCase) => !('answer' in c.expect) || ids.has(c.expect.answer);
  const unknown = parsed.data.cases.find((c) => !known(c));
  if (unknown && !dropUnknown && 'answer' in unknown.expect) {
    throw new Error(`${file}: case "${unknown.say}" expects unknown entry ${unknown.expect.answer}`);
  }
  return parsed.data.cases.filter(known);
}

/** A list of questions none of which should get a fact. */
export function parseQuestions(text: string, file: string): string[] {
  const parsed = z.strictObject({ questions: z.array(z.string().trim().min(1)).min(1) }).safeParse(parse(text));
  if (!parsed.success) throw new Error(`${file}: ${issuesOf(parsed.error)}`);
  return parsed.data.questions;
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

export interface EvalResult {
  case: EvalCase;
  decision?: Decision;
  verdict: Verdict;
}

/** Each case in a conversation of its own: its earlier turns, then the message judged. */
export async function evaluateCases(cases: readonly EvalCase[], conversation: () => Converse): Promise<EvalResult[]> {
  const results: EvalResult[] = [];
  for (const c of cases) {
    const send = conversation();
    for (const text of c.turns) await send(text);
    const decision = await send(c.say);
    results.push({ case: c, decision, verdict: judge(c.expect, decision) });
  }
  return results;
}

/** The figures issue #3 sets targets for. */
export interface Figures {
  inScopeCorrect: number;
  wrong: number;
  outOfScopeAbstained: number;
  smallTalkFacts: number;
}

/** Issue #7's targets, printed beside every figure. The learned ranker does not meet them yet. */
export const TARGETS: Figures = { inScopeCorrect: 0.97, wrong: 0.01, outOfScopeAbstained: 0.995, smallTalkFacts: 0 };

/**
 * What `npm test` and a publish hold the bot to, in-sample and cross-validated: the cross-validated level
 * the learned ranker reached when it landed (92.6% / 1.7% / 96.0%), rounded against it, so that no change
 * slips back while work towards TARGETS goes on. Raise them as the figures rise; never lower them to let a
 * change in.
 */
export const GATES: Figures = { inScopeCorrect: 0.92, wrong: 0.02, outOfScopeAbstained: 0.955, smallTalkFacts: 0 };

export function figures(results: readonly EvalResult[]): Figures {
  const share = (rs: readonly EvalResult[], v: Verdict) => (rs.length === 0 ? 0 : rs.filter((r) => r.verdict === v).length / rs.length);
  const inScope = results.filter((r) => 'answer' in r.case.expect);
  const outOfScope = results.filter((r) => r.case.category === 'out-of-scope' || r.case.category === 'near-miss');
  return {
    inScopeCorrect: share(inScope, 'correct'),
    wrong: share(results, 'wrong'),
    outOfScopeAbstained: share(outOfScope, 'correct'),
    smallTalkFacts: results.filter((r) => r.case.category === 'small-talk' && r.decision?.kind === 'answer').length,
  };
}

const percent = (x: number) => `${(100 * x).toFixed(1)}%`;

export function gateFailures(f: Figures): string[] {
  const failures: string[] = [];
  if (f.inScopeCorrect < GATES.inScopeCorrect) failures.push(`in-scope correct ${percent(f.inScopeCorrect)} < ${percent(GATES.inScopeCorrect)}`);
  if (f.wrong > GATES.wrong) failures.push(`wrong answers ${percent(f.wrong)} > ${percent(GATES.wrong)}`);
  if (f.outOfScopeAbstained < GATES.outOfScopeAbstained) {
    failures.push(`out-of-scope abstained ${percent(f.outOfScopeAbstained)} < ${percent(GATES.outOfScopeAbstained)}`);
  }
  if (f.smallTalkFacts > GATES.smallTalkFacts) failures.push(`small talk answered with a fact ${f.smallTalkFacts} times`);
  return failures;
}

/** Issue #7's target: at most this share of everyday questions from other domains may get a fact. */
export const OUT_OF_SCOPE_FACT_TARGET = 0.002;
/** What `npm test` and a publish hold the bot to until the target is met: the share when the learned ranker landed (11 of 1,392). */
export const OUT_OF_SCOPE_FACT_GATE = 0.008;

export interface CorpusFigures {
  questions: number;
  /** Answered with a knowledge-base entry: the failure the target counts. */
  facts: number;
  /** Which questions got which entry. */
  answered: { question: string; entryId: string }[];
  /** Offered "did you mean" options: no fact yet, but a detour. */
  offers: number;
  /** Told the page does not say, with what it says about a neighbouring subject: no answer, but a detour. */
  partials: number;
}

/** Each question in a conversation of its own, through the bot. */
export async function scoreQuestions(questions: readonly string[], conversation: () => Converse): Promise<CorpusFigures> {
  const scored: CorpusFigures = { questions: questions.length, facts: 0, answered: [], offers: 0, partials: 0 };
  for (const say of questions) {
    const decision = await conversation()(say);
    if (decision?.kind === 'answer') {
      scored.facts += 1;
      scored.answered.push({ question: say, entryId: decision.entry.id });
    }
    if (decision?.kind === 'clarify') scored.offers += 1;
    if (decision?.kind === 'partial') scored.partials += 1;
  }
  return scored;
}
