import { readFileSync } from 'node:fs';
import { OUT_OF_SCOPE_FILE as OUT_OF_SCOPE_KNOWLEDGE_FILE, type KnowledgeBase } from '../../src/faq';
import { OUT_OF_SCOPE_FACT_GATE, OUT_OF_SCOPE_FACT_TARGET, parseQuestions, scoreQuestions, type CorpusFigures } from '../../src/curation/evaluation';
import { decidingConversations } from '../../src/app/probe';

export { OUT_OF_SCOPE_FACT_GATE } from '../../src/curation/evaluation';

export const OUT_OF_SCOPE_FILE = 'tests/eval/out-of-scope.yaml';

/** Everyday questions from other domains, written blind to the knowledge base: none should get a fact. */
export function loadOutOfScopeQuestions(file: string): string[] {
  return parseQuestions(readFileSync(file, 'utf8'), file);
}

/** Each question in a conversation of its own, through the real bot. */
export async function scoreOutOfScope(kb: KnowledgeBase, questions: readonly string[]): Promise<CorpusFigures> {
  return scoreQuestions(questions, decidingConversations(kb));
}

export function corpusReport(f: CorpusFigures, verbose = false): string {
  const p = (n: number) => `${((100 * n) / f.questions).toFixed(2)}%`;
  const misses = verbose ? f.answered.map((a) => `  wrong         ${a.question} → answer ${a.entryId}`) : [];
  return [
    `Out-of-scope corpus (${OUT_OF_SCOPE_FILE}): everyday questions from other domains, written blind to the knowledge base`,
    `given a fact:         ${f.facts} of ${f.questions} (${p(f.facts)}; gate ≤ ${(100 * OUT_OF_SCOPE_FACT_GATE).toFixed(2)}%, ` +
      `issue #7's target ≤ ${(100 * OUT_OF_SCOPE_FACT_TARGET).toFixed(1)}%)`,
    `offered "did you mean": ${f.offers} (${p(f.offers)})`,
    `told "the page doesn't say" with a neighbouring answer: ${f.partials} (${p(f.partials)})`,
    ...misses,
  ].join('\n');
}

/** The questions curators marked out of scope on the workbench (knowledge/out-of-scope.yaml): gated at no fact at all. */
export function markedReport(f: CorpusFigures): string {
  return [
    `Marked out of scope by curators (knowledge/${OUT_OF_SCOPE_KNOWLEDGE_FILE}): ${f.questions} questions, ${f.facts} given a fact (gate 0)`,
    ...f.answered.map((a) => `  wrong         ${a.question} → answer ${a.entryId}`),
  ].join('\n');
}
