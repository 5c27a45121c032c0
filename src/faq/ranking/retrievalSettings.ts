import { z } from 'zod';

/**
 * The retrieval match's own numbers. They shape the evidence the model weighs, so they are chosen the way
 * its weights are: by cross-validation (`npm run train -- --tune`), and kept in model.json beside them.
 */
export const retrievalSettingsSchema = z.strictObject({
  /** How much a question word ("who", "when") counts of a content word: it steers between entries but must not pick one alone. */
  questionWordWeight: z.number().min(0).max(1),
  /** How much the share of the message explained counts in a phrasing's match, against the share of the phrasing used. */
  messageCoverageExponent: z.number().gt(0).lt(1),
  /** How much of a phrasing word a word found only in an entry's answer or quotes explains. */
  answerWordCredit: z.number().min(0).max(1),
  /** How much a word added from the previous answer counts of a word the user typed. */
  contextWeight: z.number().min(0).max(1),
  /** How much a typo-corrected word loses, per edit, against a correctly spelt one. */
  creditPerEdit: z.number().min(0).max(0.5),
  /** An entry is about a subject when its wordings hold at least this share of the subject's weight. */
  aboutSubjectShare: z.number().gt(0).max(1),
  /** A message names a subject when it holds at least this share of the subject's weight. */
  subjectNamedShare: z.number().gt(0).max(1),
});

export type RetrievalSettings = z.infer<typeof retrievalSettingsSchema>;

/** The values each setting is tried at when tuning: a few either side of where retrieval has worked well. */
export const RETRIEVAL_GRID: { readonly [K in keyof RetrievalSettings]: readonly number[] } = {
  questionWordWeight: [0.2, 0.35, 0.5, 0.65, 0.8, 1],
  messageCoverageExponent: [0.45, 0.6, 0.75],
  answerWordCredit: [0.4, 0.6, 0.8],
  contextWeight: [0.35, 0.5, 0.7],
  creditPerEdit: [0.06, 0.12, 0.2],
  aboutSubjectShare: [0.35, 0.5, 0.65],
  subjectNamedShare: [0.6, 0.75, 0.9],
};
