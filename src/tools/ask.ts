import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Activity } from 'botbuilder';
import { PROJECT_ROOT } from '../config';
import { ANSWER_THRESHOLD, type Decision } from '../conversation/decide';
import { KnowledgeError, loadKnowledge } from '../knowledge/loadKnowledge';
import { probeConversation } from './probe';

/**
 * `npm run ask -- [--after "earlier turn"]... "question"`: the curator's test pane. It runs the turns
 * through the real bot (dialogs and all, so a topic menu opened earlier gives the question its context)
 * and shows how the last one was decided and why.
 */

const USAGE = 'usage: npm run ask -- [--after "earlier turn"]... [--kb <dir>] "question"';
const fixed = (n: number) => n.toFixed(2);

function reason(decision: Decision): string {
  switch (decision.kind) {
    case 'command':
      return `"${decision.command}" is a command, recognised before anything else and anywhere in a conversation`;
    case 'smallTalk':
      return `recognised as small talk (${decision.smallTalk}); small talk never gets a fact`;
    case 'topic':
      return `asks for the ${decision.topic} topic menu`;
    case 'answer':
      if (decision.picked) return 'picked from the topic menu, which the words alone did not match';
      return `the best candidate scores ${fixed(decision.confidence)}, at or above the answer threshold ${fixed(ANSWER_THRESHOLD)}`;
    case 'unknown': {
      const top = decision.search.candidates[0];
      if (!top) return 'no word of the message is in the knowledge base';
      return `the best candidate scores ${fixed(top.confidence)}, below the answer threshold ${fixed(ANSWER_THRESHOLD)}`;
    }
  }
}

function describeDecision(decision: Decision): string[] {
  const lines: string[] = [];
  if ('search' in decision) {
    lines.push(`Context: ${decision.topic ? `the ${decision.topic} topic (its entries win near-ties)` : 'none'}`);
    lines.push('Top candidates:');
    decision.search.candidates.forEach((c, i) =>
      lines.push(`  ${i + 1}. ${c.entry.id.padEnd(32)} ${fixed(c.confidence)}  matched "${c.matchedPhrasing}"`),
    );
    if (decision.search.candidates.length === 0) lines.push('  (none)');
    if (decision.search.unknownWords.length) lines.push(`Words the knowledge base does not know: ${decision.search.unknownWords.join(', ')}`);
    if (decision.search.corrections.length) lines.push(`Read typos as: ${decision.search.corrections.map((c) => `${c.typed} → ${c.read}`).join(', ')}`);
  }
  const what =
    decision.kind === 'answer' ? `answer ${decision.entry.id}` : decision.kind === 'unknown' ? "don't know" : `${decision.kind} ${'command' in decision ? decision.command : 'smallTalk' in decision ? decision.smallTalk : decision.topic}`;
  lines.push(`Decision: ${what}`, `Reason: ${reason(decision)}`);
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
  const send = probeConversation(knowledge);
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
