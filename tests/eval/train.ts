import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../../src/config';
import { loadKnowledge } from '../../src/faq/knowledge/loadKnowledge';
import { DEFAULT_MODEL_FILE } from '../../src/faq/ranking/model';
import { loadCases, SPLITS } from './runEval';
import { allQueries, fitModel } from './training';

/** `npm run train`: fits the ranking model on every curated phrasing and the development split, and writes model.json. */
async function main(): Promise<void> {
  const kb = loadKnowledge(resolve(PROJECT_ROOT, 'knowledge'));
  const queries = await allQueries(kb, loadCases(resolve(PROJECT_ROOT, SPLITS.dev.file), kb));
  const { file } = fitModel(queries);
  writeFileSync(DEFAULT_MODEL_FILE, `${JSON.stringify(file, null, 2)}\n`);
  const width = Math.max(...file.features.map((f) => f.length));
  process.stdout.write(`${DEFAULT_MODEL_FILE}: ${file.fitted.queries} messages, ${file.fitted.answered} of them with the entry wanted among their candidates\n`);
  process.stdout.write(`  ${'bias'.padEnd(width)} ${file.bias.toFixed(3).padStart(8)}\n`);
  file.features.forEach((f, i) => process.stdout.write(`  ${f.padEnd(width)} ${file.weights[i]!.toFixed(3).padStart(8)}\n`));
}

void main();
