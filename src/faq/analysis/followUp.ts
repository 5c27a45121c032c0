/**
 * Words that point back at something said before: "how often is it held?", "who appoints them?",
 * "how many staff work there?". "there" after "is" or "are" is not one: "is there an office in Kenya?";
 * nor is "that" before a noun, which names what it means: "how often does that council meet?".
 */
const PRONOUN = new RegExp(
  '\\b(it|its|they|them|their|theirs|he|him|his|she|her|hers|same|one|(?<!\\b(is|are|was|were|be) )there)\\b' +
    '|\\b(this|that|these|those)\\b(?! (?!(is|was|are|were|does|do|did|has|have|had|will|would|can|could|mean|means|one|ones)\\b)[a-z])',
);
/** The personal pronouns, which stand where the previous subject would: "who does it appoint?". */
export const PERSONAL_PRONOUNS: ReadonlySet<string> = new Set(['it', 'they', 'them', 'he', 'him', 'she', 'her']);

/** Openings that continue the previous question: "and in the UK?", "what about the regional hubs?", "just the UK?". */
const ELLIPSIS = /^(and|but|so|also|what about|how about|same for|same with|then|just|only)\b/;
/** After such an opening, a question word starts a question of its own: "so what does that board do?". */
const OWN_QUESTION = /\b(who|whom|whose|what|when|where|why|how|which)\b/;

export type FollowUpCue =
  /** `beforePronoun` is the message up to its first pronoun: what the pronoun could mean within the message itself. */
  { kind: 'pronoun'; beforePronoun: string } | { kind: 'ellipsis' };

/**
 * How a message leans on the previous answer's subject: through a pronoun, which can only mean that
 * subject, or something the message named before it; through ellipsis ("and in the UK?"), which
 * continues it; or not at all. It reads the folded message (foldText).
 */
export function followUpCue(folded: string): FollowUpCue | undefined {
  const pronoun = PRONOUN.exec(folded);
  if (pronoun) return { kind: 'pronoun', beforePronoun: folded.slice(0, pronoun.index) };
  const opening = ELLIPSIS.exec(folded);
  if (!opening || OWN_QUESTION.test(folded.slice(opening[0].length))) return undefined;
  return { kind: 'ellipsis' };
}
