import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../../src/shared/projectRoot';
import { loadKnowledge, type KnowledgeBase } from '../../src/faq/knowledge/loadKnowledge';
import { committedRetrievalSettings, DEFAULT_MODEL_FILE } from '../../src/faq/ranking/model';
import { RETRIEVAL_GRID, type RetrievalSettings } from '../../src/faq/ranking/retrievalSettings';
import { crossValidateBoth, figures, loadCases, SPLITS, type EvalCase, type Figures } from './runEval';
import { allQueries, fitModel } from './training';

/**
 * What tuning the retrieval settings maximises, out of fold: the share of answerable questions answered
 * right, less three times the share of all cases given a wrong fact (a wrong fact costs a supporter more
 * than a "don't know"), plus the share of near-misses and out-of-scope questions declined.
 */
export function tuningScore(f: Figures): number {
  return f.inScopeCorrect - 3 * f.wrong + f.outOfScopeAbstained;
}

/** The same for the everyday development cases, which are all answerable: right less three times wrong. */
function everydayScore(f: Figures): number {
  return f.inScopeCorrect - 3 * f.wrong;
}

/** tuningScore out of fold on the development split, plus everydayScore on the everyday development cases. */
async function crossValidatedScore(kb: KnowledgeBase, cases: EvalCase[], settings: RetrievalSettings): Promise<number> {
  const { dev, everyday } = await crossValidateBoth(kb, cases, settings);
  return tuningScore(figures(dev)) + everydayScore(figures(everyday));
}

/**
 * One pass of coordinate search: each setting in turn is tried at each of its grid values, the others held,
 * and kept at the value whose cross-validated score is best (ties keep the current value).
 */
async function tune(kb: KnowledgeBase, cases: EvalCase[], start: RetrievalSettings): Promise<RetrievalSettings> {
  let best = { ...start };
  // Scores are kept by settings, so no cross-validation (about 12 s each) runs twice.
  const scored = new Map<string, number>();
  const scoreOf = async (settings: RetrievalSettings) => {
    const key = JSON.stringify(settings);
    const score = scored.get(key) ?? (await crossValidatedScore(kb, cases, settings));
    scored.set(key, score);
    return score;
  };
  let bestScore = await scoreOf(best);
  process.stdout.write(`start ${JSON.stringify(best)}: ${bestScore.toFixed(4)}\n`);
  for (const name of Object.keys(RETRIEVAL_GRID) as (keyof RetrievalSettings)[]) {
    for (const value of RETRIEVAL_GRID[name]) {
      const tried = { ...best, [name]: value };
      if (scored.has(JSON.stringify(tried))) continue;
      const score = await scoreOf(tried);
      process.stdout.write(`  ${name} ${value}: ${score.toFixed(4)}${score > bestScore ? ' (best so far)' : ''}\n`);
      if (score > bestScore) {
        best = tried;
        bestScore = score;
      }
    }
  }
  return best;
}

/**
 * `npm run train`: fits the ranking model on every curated phrasing, the development split, the everyday
 * development cases and the training negatives, over the committed retrieval settings, and writes
 * model.json. With --tune it first chooses the retrieval settings by cross-validation (about five minutes).
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { tune: { type: 'boolean', default: false } } });
  const kb = loadKnowledge(resolve(PROJECT_ROOT, 'knowledge'));
  const cases = loadCases(resolve(PROJECT_ROOT, SPLITS.dev.file), kb);
  const committed = committedRetrievalSettings();
  const retrieval = values.tune ? await tune(kb, cases, committed) : committed;
  const queries = await allQueries(kb, cases, retrieval);
  const { file } = fitModel(queries, retrieval);
  writeFileSync(DEFAULT_MODEL_FILE, `${JSON.stringify(file, null, 2)}\n`);
  const width = Math.max(...file.features.map((f) => f.length));
  process.stdout.write(
    `${DEFAULT_MODEL_FILE}: ${file.fitted.queries} messages, ${file.fitted.answered} of them with the entry wanted among their candidates\n`,
  );
  process.stdout.write(`  ${'bias'.padEnd(width)} ${file.bias.toFixed(3).padStart(8)}\n`);
  file.features.forEach((f, i) => process.stdout.write(`  ${f.padEnd(width)} ${file.weights[i]!.toFixed(3).padStart(8)}\n`));
  process.stdout.write(`  retrieval ${JSON.stringify(file.retrieval)}\n`);
}

if (require.main === module) void main();
