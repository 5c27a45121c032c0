/**
 * What the ranker knows about one candidate entry for one message. Each is a number the index measures;
 * none is a judgement. How much each counts is learned (`npm run train`), never set by hand.
 */
export interface Evidence {
  /** 0–1: the best single phrasing's match, the geometric blend of message and phrasing coverage. */
  phrasingMatch: number;
  /** 0–1: the share of the message's weight the entry's words explain, from any of its wordings. */
  messageCoverage: number;
  /** 0–1: the largest share of one of its phrasings' weight that the message uses. */
  phrasingCoverage: number;
  /** 0–1 each: BM25 of the entry's question, phrasings, answer and quotes (src/faq/retrieval/fieldScores.ts). */
  bm25Question: number;
  bm25Phrasings: number;
  bm25Answer: number;
  bm25Quotes: number;
  /** 0–1: IDF-weighted meaning overlap: each message word's closest word in the entry's wordings, by word vectors. */
  semantic: number;
  /**
   * 0–1: the heaviest word of the message that the entry neither has nor has a near meaning for, by its
   * weight against an unknown word's: "how old is Salil Shetty?" leaves "old" unexplained by the entry on him.
   */
  unexplained: number;
  /** This candidate's retrieval match minus the best other candidate's: how clearly it stands out. */
  lead: number;
  /** 0–1: the share of the message's weight in words the knowledge base has never seen, even as typos. */
  unknownShare: number;
  /** 0–1: the share of the message's weight in words read as typos of known ones. */
  correctedShare: number;
  /** 1 when the conversation is in another topic than the entry's. */
  otherTopic: number;
  /** 1 when the entry's wordings never ask the kind of question asked and its answer could not answer it. */
  typeUnanswerable: number;
  /** 1 when they ask it but the answer could not say, or the answer could but its wordings ask something else. */
  typeLoose: number;
  /** 1 when the message names a place, organisation, number or detail the entry does not. */
  detailMissing: number;
  /** 1 when a "how many" question counts something the entry never counts. */
  countMismatch: number;
  /**
   * 1 when the message names a subject the entry is not about: "who runs amnesty's international
   * secretariat?" names Amnesty International and the International Secretariat, and an entry about the
   * first alone is not about what is asked.
   */
  otherSubject: number;
  /** 1 when the message was read with the previous answer's words added, as a follow-up. */
  readWithContext: number;
  /** 1 when a follow-up's pronoun plays the other role in every wording of the entry ("who appoints it" against "whom does it appoint"). */
  roleMismatch: number;
}

export type EvidenceName = keyof Evidence;

/**
 * The evidence in the model's order, each with whether it speaks against an entry by construction: an
 * unexplained word, unknown words, another topic, a kind of answer it cannot give, a detail, count, subject
 * or role it lacks. Fitted freely, some of those came out positive (the fit reading their overlap with
 * other features, not what they mean), so their weights are held at or below 0.
 */
const EVIDENCE: readonly (readonly [EvidenceName, 'against' | 'free'])[] = [
  ['phrasingMatch', 'free'],
  ['messageCoverage', 'free'],
  ['phrasingCoverage', 'free'],
  ['bm25Question', 'free'],
  ['bm25Phrasings', 'free'],
  ['bm25Answer', 'free'],
  ['bm25Quotes', 'free'],
  ['semantic', 'free'],
  ['unexplained', 'against'],
  ['lead', 'free'],
  ['unknownShare', 'against'],
  ['correctedShare', 'free'],
  ['otherTopic', 'against'],
  ['typeUnanswerable', 'against'],
  ['typeLoose', 'against'],
  ['detailMissing', 'against'],
  ['countMismatch', 'against'],
  ['otherSubject', 'against'],
  ['readWithContext', 'free'],
  ['roleMismatch', 'against'],
];

export const EVIDENCE_NAMES: readonly EvidenceName[] = EVIDENCE.map(([name]) => name);
export const EVIDENCE_AGAINST: readonly EvidenceName[] = EVIDENCE.filter(([, sign]) => sign === 'against').map(([name]) => name);

/**
 * Hinges let a linear model bend where a score's meaning changes: a phrasing matched at 0.9 is far
 * surer than at 0.6, not just 0.3 × its weight surer. The knots are fixed, not fitted, at quarters.
 */
const HINGES: readonly (readonly [EvidenceName, number])[] = [
  ['phrasingMatch', 0.5],
  ['phrasingMatch', 0.75],
  ['semantic', 0.5],
  ['semantic', 0.75],
  ['messageCoverage', 0.75],
];

/** The model's inputs, by name, in the order of `featureVector`. */
export const FEATURE_NAMES: readonly string[] = [...EVIDENCE_NAMES, ...HINGES.map(([name, knot]) => `${name}>${knot}`)];

export function featureVector(evidence: Evidence): number[] {
  return FEATURE_NAMES.map((_, i) => featureAt(evidence, i));
}

/**
 * Input i of `featureVector`, read without building the vector: the model scores every candidate of every
 * search, and the vectors were 11 KB of the 69 KB a search allocated.
 */
export function featureAt(evidence: Evidence, i: number): number {
  const name = EVIDENCE_NAMES[i];
  if (name !== undefined) return evidence[name];
  const hinge = HINGES[i - EVIDENCE_NAMES.length];
  if (hinge === undefined) throw new RangeError(`no feature ${i}: the model has ${FEATURE_NAMES.length}`);
  return Math.max(0, evidence[hinge[0]] - hinge[1]);
}
