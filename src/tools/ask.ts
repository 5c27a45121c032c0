import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Activity } from 'botbuilder';
import { PROJECT_ROOT } from '../shared/projectRoot';
import { explainDecision } from '../curation/explainDecision';
import { type Decision, KnowledgeError, loadKnowledge } from '../faq';
import { probeConversation } from '../app/probe';

/**
 * `npm run ask -- [--after "earlier turn"]... "question"`: the curator's test pane. It runs the turns
 * through the real bot (dialogs and all, so a topic menu opened earlier gives the question its context)
 * and shows how the last one was decided and why.
 */

const USAGE = 'usage: npm run ask -- [--after "earlier turn"]... [--kb <dir>] "question"';
const fixed = (n: number) => n.toFixed(2);

function describeDecision(decision: Decision): string[] {
  const explained = explainDecision(decision);
  const lines: string[] = [];
  if (explained.context !== undefined) {
    lines.push(`Context: ${explained.context}`, `Question type: ${explained.questionType ?? 'not stated'}`, 'Top candidates:');
    explained.candidates.forEach((c, i) => {
      lines.push(`  ${i + 1}. ${c.entryId.padEnd(32)} ${fixed(c.confidence)}  matched "${c.matched}"`);
      if (c.features.length > 0) {
        lines.push(`     ${c.features.map((x) => `${x.feature} ${fixed(x.value)} → ${x.contribution >= 0 ? '+' : ''}${fixed(x.contribution)}`).join(', ')}`);
      }
    });
    if (explained.candidates.length === 0) lines.push('  (none)');
    lines.push(...explained.notes);
  }
  lines.push(`Decision: ${explained.what}`, `Reason: ${explained.reason}`);
  return lines;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { after: { type: 'string', multiple: true, default: [] }, kb: { type: 'string' } },
  });
  const question = positionals.join(' ').trim();
  if (!question) {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const knowledge = loadKnowledge(resolve(values.kb ?? process.env.KNOWLEDGE_DIR ?? resolve(PROJECT_ROOT, 'knowledge')));
  const send = probeConversation(knowledge, { keepAllCandidates: true });
  const firstLines = (replies: Partial<Activity>[]) => replies.map((a) => `  bot: ${(a.text ?? '').split('\n')[0]}\n`).join('');
  for (const turn of values.after) {
    const { replies } = await send(turn);
    process.stdout.write(`> ${turn}\n${firstLines(replies)}`);
  }
  const { decision, replies } = await send(question);
  process.stdout.write(`> ${question}\n`);
  process.stdout.write(`${decision ? describeDecision(decision).join('\n') : 'Decision: none recorded'}\n`);
  process.stdout.write(firstLines(replies));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof KnowledgeError ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
