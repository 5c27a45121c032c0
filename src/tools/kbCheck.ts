import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../shared/projectRoot';
import { formatProblem, KnowledgeError, loadKnowledge } from '../faq';

/**
 * `npm run kb:check [dir]`: validates the knowledge base without starting the bot, for curators and CI:
 * the schema, every quote against its source's text, every number of an answer against its quotes.
 * Sources past their review date are warnings: listed, with exit code 0.
 */
function main(): void {
  const dir = resolve(process.argv[2] ?? process.env.KNOWLEDGE_DIR ?? resolve(PROJECT_ROOT, 'knowledge'));
  try {
    const kb = loadKnowledge(dir);
    const perTopic = kb.topics.map((t) => `${t.topic} ${kb.entries.filter((e) => e.topic === t.topic).length}`).join(', ');
    const phrasings = kb.entries.reduce((n, e) => n + 1 + e.phrasings.length, 0);
    process.stdout.write(`Knowledge base OK: ${kb.entries.length} entries (${perTopic}), ${phrasings} phrasings, ${kb.synonyms.length} synonyms.\n`);
    if (kb.warnings.length > 0) {
      const count = `${kb.warnings.length} warning${kb.warnings.length === 1 ? '' : 's'}`;
      process.stdout.write(`${count}:\n${kb.warnings.map((w) => `  - ${formatProblem(w)}`).join('\n')}\n`);
    }
  } catch (err) {
    if (!(err instanceof KnowledgeError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
  }
}

main();
