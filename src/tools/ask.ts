import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Activity } from 'botbuilder';
import { PROJECT_ROOT } from '../shared/projectRoot';
import { committedRankingModel, type Decision, KnowledgeError, loadKnowledge } from '../faq';
import { probeConversation } from './probe';

/**
 * `npm run ask -- [--after "earlier turn"]... "question"`: the curator's test pane. It runs the turns
 * through the real bot (dialogs and all, so a topic menu opened earlier gives the question its context)
 * and shows how the last one was decided and why.
 */

const USAGE = 'usage: npm run ask -- [--after "earlier turn"]... [--kb <dir>] "question"';
const fixed = (n: number) => n.toFixed(2);
/** How many candidates have their features shown. */
const EXPLAINED = 3;

function reason(decision: Decision): string {
  switch (decision.kind) {
    case 'command':
      return `"${decision.command}" is a command, recognised before anything else and anywhere in a conversation`;
    case 'smallTalk':
      return `recognised as small talk (${decision.smallTalk}); small talk never gets a fact`;
    case 'topic':
      return `asks for the ${decision.topic} topic menu`;
    default:
      return decision.reason;
  }
}

function what(decision: Decision): string {
  switch (decision.kind) {
    case 'answer':
      return `answer ${decision.entry.id}`;
    case 'clarify':
      return `did you mean: ${decision.options.map((e) => e.id).join(', ')} (or none of these)`;
    case 'partial':
      return `partial: the page does not say; what it says about ${decision.entry.id}`;
    case 'unknown':
      return "don't know";
    case 'command':
      return `command ${decision.command}`;
    case 'smallTalk':
      return `small talk ${decision.smallTalk}`;
    case 'topic':
      return `topic menu ${decision.topic}`;
  }
}

function describeDecision(decision: Decision): string[] {
  const lines: string[] = [];
  if ('search' in decision && decision.search) {
    const { search } = decision;
    lines.push(`Context: ${decision.topic ? `the ${decision.topic} topic (its entries win near-ties)` : 'none'}`);
    lines.push(`Question type: ${search.questionType ?? 'not stated'}`);
    lines.push('Top candidates:');
    const model = committedRankingModel();
    search.candidates.forEach((c, i) => {
      lines.push(`  ${i + 1}. ${c.entry.id.padEnd(32)} ${fixed(c.confidence)}  matched "${c.matchedPhrasing}"`);
      // Why: each feature's value and what it added to the candidate's utility, for the best three.
      if (i < EXPLAINED)
        lines.push(
          `     ${model
            .explain(c.evidence)
            .map((x) => `${x.feature} ${fixed(x.value)} → ${x.contribution >= 0 ? '+' : ''}${fixed(x.contribution)}`)
            .join(', ')}`,
        );
    });
    if (search.candidates.length === 0) lines.push('  (none)');
    if (search.specifiers.length) lines.push(`Names, numbers and details an answer must mention too: ${search.specifiers.join(', ')}`);
    if (search.counted.length) lines.push(`Counts asked for (an answer must count one of them): ${search.counted.join(', ')}`);
    if (search.unknownWords.length) lines.push(`Words the knowledge base does not know: ${search.unknownWords.join(', ')}`);
    if (search.corrections.length) lines.push(`Read typos as: ${search.corrections.map((c) => `${c.typed} → ${c.read}`).join(', ')}`);
  }
  lines.push(`Decision: ${what(decision)}`, `Reason: ${reason(decision)}`);
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
