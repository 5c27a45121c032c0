/**
 * Who does what to whom, as far as word order tells it. "Who does it appoint?" asks whom the board
 * appoints; "who appoints it?" asks who appoints the board. Words alone cannot tell them apart, and a
 * follow-up that picks the wrong one answers a different question.
 */
export type Role = 'agent' | 'patient';

/** Forms of "be" and "get" that make a following participle passive: "how does it get chosen?". */
const PASSIVE_AUXILIARIES = new Set(['is', 'are', 'was', 'were', 'be', 'been', 'being', 'get', 'gets', 'got', 'getting']);
/** Forms of "be" that, put before the subject, make a question passive: "how is the board chosen?". */
const BE = new Set(['is', 'are', 'was', 'were']);
/** "Does" and its kin put the subject before the verb in an active question: "who does it appoint?". */
const DO_AUXILIARIES = new Set(['do', 'does', 'did', 'will', 'would', 'can', 'could', 'should', 'must']);
/** After the verb, a subject behind one of these is not what the verb acts on: "elected at the ICM". */
const PREPOSITIONS = new Set(['at', 'in', 'on', 'to', 'from', 'for', 'of', 'with', 'into', 'about', 'between', 'during', 'before', 'after']);

function isParticiple(word: string): boolean {
  return word.endsWith('ed') || word.endsWith('en');
}

/**
 * The role of the subject words in a clause with the verb, from their order. After the verb the subject
 * is acted on ("who elects the board"), unless "by" says it acts ("appointed by the board") or another
 * preposition puts it aside ("elected at the ICM"). Before an active verb it acts ("does the board
 * appoint…"); before a passive one it is acted on ("how is the board chosen?", "how does it get chosen?").
 * Undefined when the clause lacks either, or the order says nothing.
 *
 * `words` are the clause's folded words in order; `isSubject` and `isVerb` say which are which.
 */
export function roleOf(words: readonly string[], isSubject: (word: string) => boolean, isVerb: (word: string) => boolean): Role | undefined {
  const verb = words.findIndex(isVerb);
  const subject = words.findIndex(isSubject);
  if (verb < 0 || subject < 0) return undefined;
  if (subject > verb) {
    const between = words.slice(verb + 1, subject);
    if (between.includes('by')) return 'agent';
    return between.some((w) => PREPOSITIONS.has(w)) ? undefined : 'patient';
  }
  if (!isParticiple(words[verb] ?? '')) return 'agent';
  const beforeSubject = words.slice(0, subject);
  const passive =
    words.slice(subject + 1, verb).some((w) => PASSIVE_AUXILIARIES.has(w)) ||
    (beforeSubject.some((w) => BE.has(w)) && !beforeSubject.some((w) => DO_AUXILIARIES.has(w)));
  return passive ? 'patient' : 'agent';
}
