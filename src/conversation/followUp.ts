import { foldText } from '../search/normalise';

/**
 * Words that point back at something said before: "how often is it held?", "who appoints them?".
 * "there" is left out: "is there an office in Kenya?" is not a follow-up.
 */
const PRONOUN = /\b(it|its|they|them|their|theirs|he|him|his|she|her|hers|this|that|these|those|same|one)\b/;
/** Openings that continue the previous question: "and in the UK?", "what about the regional hubs?". */
const ELLIPSIS = /^(and|but|so|also|what about|how about|same for|same with|then)\b/;

/** Whether a message leans on the previous answer's subject for its meaning. */
export function looksLikeFollowUp(text: string): boolean {
  const folded = foldText(text);
  return PRONOUN.test(folded) || ELLIPSIS.test(folded);
}
