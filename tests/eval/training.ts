import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { PROJECT_ROOT } from '../../src/shared/projectRoot';
import { fitConditionalLogit, type Query as Choice } from '../../src/faq/ranking/fit';
import { EVIDENCE_AGAINST, featureVector, FEATURE_NAMES, type Evidence } from '../../src/faq/ranking/features';
import { committedRetrievalSettings, RankingModel, type ModelFile } from '../../src/faq/ranking/model';
import type { RetrievalSettings } from '../../src/faq/ranking/retrievalSettings';
import type { KnowledgeBase } from '../../src/faq/knowledge/loadKnowledge';
import { RETRIEVAL_FLOOR } from '../../src/faq/decide';
import { KnowledgeIndex, RETRIEVE_LIMIT } from '../../src/faq/retrieval/knowledgeIndex';
import { parseCases, type EvalCase } from '../../src/curation/evaluation';
import { decidingConversations } from '../../src/app/probe';

/**
 * How the ranking model is fitted and cross-validated. Its data are the curated phrasings, each asked of
 * an index that lacks it (as a supporter's new wording would be), and the development split's cases, asked
 * of the real bot. Each is a query: the candidates retrieval found, one of them perhaps the entry wanted.
 */

export const FOLDS = 5;
/** The L2 penalty: enough to keep weights of rare features (countMismatch fires in few queries) from running off. */
export const L2 = 0.1;
/**
 * How much a missing-entry message counts against a phrasing's, chosen by cross-validation: at 1 the bot
 * declined too many answerable questions, at 0.1 it answered too many near-misses.
 */
export const MISSING_ENTRY_WEIGHT = 0.3;
/**
 * How much a development case counts against a phrasing's. The cases are what supporters write, phrasings
 * what curators write; weighting the cases 3 to 1 gained about one point of right answers in cross-validation.
 */
export const CASE_WEIGHT = 3;
/**
 * How much a question written to be declined counts against a phrasing's, chosen by cross-validation
 * (right − 3 × wrong + declined, over 0.3 to 5): at 0.3, as much as a missing-entry message, the fit saw
 * too few questions from other domains to weigh words the base has never seen; at 3 it gave fewer
 * wrong facts (1.3% → 1.1%) and declined more near-misses (97.3% → 98.2%) for one answer fewer. The blind
 * splits, never tuned on, disagree on the balance: they lose 3 to 7 points of right answers for fewer
 * wrong facts, so the next figure to move is recall on wording nobody anticipated, not this weight.
 */
export const NEGATIVE_WEIGHT = 3;

/**
 * How much a development case in everyday words (tests/eval/dev-everyday.yaml) counts against a phrasing's,
 * chosen by cross-validation on both development files (the sum of right − 3 × wrong + declined on the
 * development split and right − 3 × wrong on these, over 0, 1, 2 and 3 with the negatives at 3 to 6): at 0
 * the fit sees almost no wording that the base does not use, and answers 21% of them out of fold; at 1, 26%,
 * for two near-misses more answered in the development split (98.7% → 97.8% declined); at 3 the wrong
 * facts rise too. At 1.5 the sum was higher by a case or two, for one more wrong fact in the development
 * split and one more fact in the out-of-scope corpus: within noise, so the fewer wrong facts were kept.
 */
export const EVERYDAY_CASE_WEIGHT = 1;

/** Development cases in everyday words, written blind to the evaluation sets: trained on, and cross-validated with the development split. */
export const EVERYDAY_CASES_FILE = 'tests/eval/dev-everyday.yaml';

export function everydayCases(kb: KnowledgeBase, file = resolve(PROJECT_ROOT, EVERYDAY_CASES_FILE)): EvalCase[] {
  return parseCases(readFileSync(file, 'utf8'), file, kb);
}

export interface Query extends Choice {
  fold: number;
}

/** A fold that depends only on the text, so adding a case never moves the others between folds. */
export function foldOf(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0) % FOLDS;
}

/** A case's fold: by its whole conversation, earlier turns included. */
export function caseFold(c: EvalCase): number {
  return foldOf([...c.turns, c.say].join('\n'));
}

/** A message's candidates as the fit reads them; when the entry wanted is not among them, "none" was the right choice. */
function choiceOf(fold: number, candidates: readonly { entry: { id: string }; evidence: Evidence }[], wanted: string | undefined): Query {
  const chosen = candidates.findIndex((c) => c.entry.id === wanted);
  return { fold, candidates: candidates.map((c) => featureVector(c.evidence)), chosen: chosen === -1 ? undefined : chosen };
}

/** Every curated phrasing, asked of an index built without its fold's phrasings (entries keep their questions). */
export function phrasingQueries(kb: KnowledgeBase, model: RankingModel): Query[] {
  const queries: Query[] = [];
  for (let fold = 0; fold < FOLDS; fold++) {
    const entries = kb.entries.map((e) => ({ ...e, phrasings: e.phrasings.filter((p) => foldOf(p) !== fold) }));
    const index = KnowledgeIndex.fromKnowledge({ ...kb, entries }, model);
    for (const entry of kb.entries) {
      for (const phrasing of entry.phrasings) {
        if (foldOf(phrasing) !== fold) continue;
        queries.push(choiceOf(fold, index.search(index.analyse(phrasing), { minMatch: RETRIEVAL_FLOOR, limit: RETRIEVE_LIMIT }).candidates, entry.id));
      }
    }
  }
  return queries;
}

/**
 * Every curated phrasing asked of an index without its entry: what a supporter's question looks like when
 * the base has no answer for it, near enough to other entries' words to tempt. Every candidate is wrong,
 * so these teach the model when to say "I don't know", where the phrasings alone would teach only which
 * entry wins. Folded like the phrasings, so cross-validation never trains on a held-out phrasing.
 */
export function missingEntryQueries(kb: KnowledgeBase, model: RankingModel): Query[] {
  const queries: Query[] = [];
  for (const entry of kb.entries) {
    const index = KnowledgeIndex.fromKnowledge({ ...kb, entries: kb.entries.filter((e) => e !== entry) }, model);
    for (const phrasing of [entry.question, ...entry.phrasings]) {
      queries.push({
        ...choiceOf(foldOf(phrasing), index.search(index.analyse(phrasing), { minMatch: RETRIEVAL_FLOOR, limit: RETRIEVE_LIMIT }).candidates, undefined),
        weight: MISSING_ENTRY_WEIGHT,
      });
    }
  }
  return queries;
}

/** Questions the bot must decline, written blind to the evaluation sets for training only. */
export const TRAINING_NEGATIVES_FILE = 'tests/eval/train-negatives.yaml';

/**
 * The training negatives as cases to abstain on. Without them the only declines the fit saw were the
 * development split's and the missing-entry messages, which share the base's vocabulary. With them, it
 * still weighs words the base has never seen lightly: "how often are the olympic games held" gets the
 * ICM's frequency, because curated phrasings asked without their own words look just as strange.
 */
export function trainingNegatives(file = resolve(PROJECT_ROOT, TRAINING_NEGATIVES_FILE)): EvalCase[] {
  const questions = z.array(z.string().trim().min(1)).min(1);
  const parsed = z
    .strictObject({ otherDomains: questions, otherOrganisations: questions, amnestyUnanswered: questions })
    .safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const { otherDomains, otherOrganisations, amnestyUnanswered } = parsed.data;
  return [...otherDomains, ...otherOrganisations, ...amnestyUnanswered].map((say) => ({ category: 'out-of-scope', turns: [], say, expect: { abstain: true } }));
}

/** Each case, through the real bot, with the candidates of the search its decision was made on. */
export async function caseQueries(kb: KnowledgeBase, cases: readonly EvalCase[], model: RankingModel, weight = CASE_WEIGHT): Promise<Query[]> {
  const queries: Query[] = [];
  const conversation = decidingConversations(kb, { keepAllCandidates: true, model });
  for (const c of cases) {
    const send = conversation();
    for (const text of c.turns) await send(text);
    const decision = await send(c.say);
    if (!decision || !('search' in decision) || !decision.search) continue;
    const wanted = 'answer' in c.expect ? c.expect.answer : undefined;
    queries.push({ ...choiceOf(caseFold(c), decision.search.candidates, wanted), weight });
  }
  return queries;
}

/** Fits the weights over evidence gathered with these retrieval settings, which the model then carries. */
export function fitModel(queries: readonly Query[], retrieval: RetrievalSettings): { model: RankingModel; file: ModelFile } {
  const { bias, weights } = fitConditionalLogit(queries, L2, new Set(EVIDENCE_AGAINST.map((name) => FEATURE_NAMES.indexOf(name))));
  const file: ModelFile = {
    features: [...FEATURE_NAMES],
    bias: round(bias),
    weights: weights.map(round),
    retrieval: { ...retrieval },
    fitted: { queries: queries.length, answered: queries.filter((q) => q.chosen !== undefined).length, l2: L2 },
  };
  return { model: RankingModel.fromWeights(file.bias, file.weights, retrieval), file };
}

/** Six decimals: enough for the model, and a diff of model.json a reviewer can read. */
function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/**
 * The model the cases' candidates are gathered with: one that reads the best phrasing's match alone. A
 * case's decision path (whether a follow-up is read with the previous subject) depends on the model, so
 * gathering with a fixed one makes `npm run train` give the same weights whatever model.json held before,
 * and lets cross-validation gather once for every fold.
 */
export function gatheringModel(retrieval: RetrievalSettings): RankingModel {
  return RankingModel.fromWeights(
    -6.6,
    FEATURE_NAMES.map((name) => (name === 'phrasingMatch' ? 12 : 0)),
    retrieval,
  );
}

/**
 * Every query, gathered with these retrieval settings (the committed ones unless said): the phrasings', the
 * cases', the training negatives' and the everyday development cases'.
 */
export async function allQueries(kb: KnowledgeBase, cases: readonly EvalCase[], retrieval = committedRetrievalSettings()): Promise<Query[]> {
  const model = gatheringModel(retrieval);
  return [
    ...phrasingQueries(kb, model),
    ...missingEntryQueries(kb, model),
    ...(await caseQueries(kb, cases, model)),
    ...(await caseQueries(kb, trainingNegatives(), model, NEGATIVE_WEIGHT)),
    ...(await caseQueries(kb, everydayCases(kb), model, EVERYDAY_CASE_WEIGHT)),
  ];
}
