import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { PROJECT_ROOT } from '../../shared/projectRoot';
import { featureAt, featureVector, FEATURE_NAMES, type Evidence } from './features';
import { retrievalSettingsSchema, type RetrievalSettings } from './retrievalSettings';

/** Written by `npm run train`, committed, and read at start-up. */
export const DEFAULT_MODEL_FILE = resolve(PROJECT_ROOT, 'src', 'faq', 'ranking', 'model.json');

const modelSchema = z.strictObject({
  /** The feature names, in order: a model fitted for other features must not be read as this one. */
  features: z.array(z.string()),
  bias: z.number(),
  weights: z.array(z.number()),
  /** The numbers of the retrieval match the weights were fitted over. */
  retrieval: retrievalSettingsSchema,
  /** What it was fitted on, for whoever reads the file. */
  fitted: z.strictObject({ queries: z.number().int(), answered: z.number().int(), l2: z.number() }),
});
export type ModelFile = z.infer<typeof modelSchema>;

export interface Contribution {
  feature: string;
  value: number;
  weight: number;
  /** value × weight: what the feature added to the utility. */
  contribution: number;
}

/**
 * A conditional logit over a message's candidates: each has a utility, bias + weights · features, and "none
 * of them" has utility 0; a candidate's probability of being the entry asked for is its share of
 * exp(utility) among all of them. Candidates compete: two that match alike share the probability, which is
 * what a "did you mean" is for.
 */
export class RankingModel {
  private constructor(
    readonly bias: number,
    readonly weights: readonly number[],
    readonly retrieval: RetrievalSettings,
  ) {}

  static fromFile(model: ModelFile, file = 'model'): RankingModel {
    const names = FEATURE_NAMES.join(', ');
    if (model.features.join(', ') !== names) {
      throw new Error(`${file}: field "features" is [${model.features.join(', ')}], but this build computes [${names}]: run npm run train`);
    }
    if (model.weights.length !== FEATURE_NAMES.length)
      throw new Error(`${file}: field "weights" has ${model.weights.length} numbers for ${FEATURE_NAMES.length} features`);
    return new RankingModel(model.bias, model.weights, Object.freeze({ ...model.retrieval }));
  }

  static fromWeights(bias: number, weights: readonly number[], retrieval: RetrievalSettings): RankingModel {
    return new RankingModel(bias, weights, retrieval);
  }

  utility(evidence: Evidence): number {
    let u = this.bias;
    for (let i = 0; i < this.weights.length; i++) u += this.weights[i]! * featureAt(evidence, i);
    return u;
  }

  /** Each candidate's probability, in the order given; what is left over is the probability of none. */
  probabilities(candidates: readonly Evidence[]): number[] {
    return RankingModel.shares(candidates.map((e) => this.utility(e)));
  }

  /** The probabilities for candidates of these utilities, against "none" at utility 0. */
  static shares(utilities: readonly number[]): number[] {
    const top = Math.max(0, ...utilities);
    const weights = utilities.map((u) => Math.exp(u - top));
    const total = weights.reduce((sum, w) => sum + w, Math.exp(-top));
    return weights.map((w) => w / total);
  }

  /** Each feature's part in a candidate's utility, largest first: why it won, for `npm run ask`. */
  explain(evidence: Evidence): Contribution[] {
    const x = featureVector(evidence);
    return FEATURE_NAMES.map((feature, i) => ({ feature, value: x[i]!, weight: this.weights[i]!, contribution: x[i]! * this.weights[i]! }))
      .filter((c) => c.value !== 0)
      .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  }
}

let committed: RankingModel | undefined;

export function parseRankingModel(text: string, file: string): RankingModel {
  const parsed = modelSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `field "${i.path.join('.')}": ${i.message}`).join('; ')}`);
  return RankingModel.fromFile(parsed.data, file);
}

/**
 * The committed model's retrieval settings alone: training reads them to gather its evidence, and must
 * work when the features have changed since the weights were fitted.
 */
export function committedRetrievalSettings(): RetrievalSettings {
  const parsed = z.object({ retrieval: retrievalSettingsSchema }).safeParse(JSON.parse(readFileSync(DEFAULT_MODEL_FILE, 'utf8')));
  if (!parsed.success) throw new Error(`${DEFAULT_MODEL_FILE}: ${parsed.error.issues.map((i) => `field "${i.path.join('.')}": ${i.message}`).join('; ')}`);
  return parsed.data.retrieval;
}

/** The committed model, read once per process: every Decider shares it. */
export function committedRankingModel(): RankingModel {
  committed ??= parseRankingModel(readFileSync(DEFAULT_MODEL_FILE, 'utf8'), DEFAULT_MODEL_FILE);
  return committed;
}
