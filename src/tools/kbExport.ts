import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { exportQnaTsv } from '../curation/exportQna';
import { formatProblem, KnowledgeError, loadKnowledge } from '../faq';
import { PROJECT_ROOT } from '../shared/projectRoot';

const USAGE = 'usage: npm run kb:export -- --format tsv [--out FILE.tsv] [--dir knowledge]';

/** `npm run kb:export -- --format tsv`: the knowledge base as a QnA Maker / Custom Question Answering TSV. */
function main(): void {
  const { values } = parseArgs({ options: { format: { type: 'string' }, out: { type: 'string' }, dir: { type: 'string' } } });
  if (values.format !== 'tsv') {
    process.stderr.write(`--format must be tsv, the one format this writes\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  try {
    const tsv = exportQnaTsv(loadKnowledge(resolve(values.dir ?? process.env.KNOWLEDGE_DIR ?? resolve(PROJECT_ROOT, 'knowledge'))));
    if (values.out) writeFileSync(values.out, tsv);
    else process.stdout.write(tsv);
  } catch (err) {
    if (!(err instanceof KnowledgeError)) throw err;
    process.stderr.write(`${err.problems.map((p) => formatProblem(p)).join('\n')}\n`);
    process.exitCode = 1;
  }
}

main();
