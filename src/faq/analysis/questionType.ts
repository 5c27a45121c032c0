import { foldText } from './normalise';

/**
 * What kind of thing a question asks for. "Who appoints the Secretary General?" wants a person or body,
 * "When was the Secretary General appointed?" a time: same content words, different entries. "How long
 * does he serve?" asks a duration, which a date does not give ("how long has he been…" is answered by
 * one). "what", "which" and a bare "how" say too little to steer, so they have no type.
 */
export type QuestionType = 'person' | 'time' | 'duration' | 'place' | 'quantity' | 'reason';

/**
 * The cues. The one that starts first is the question's: in "what's the ICM when it's at home?" the
 * question is the "what", and the "when" belongs to a clause after it. Where two start at the same word,
 * the earlier here wins: "how long does he serve" asks a duration, though the time cues know "how long" too.
 */
const CUES: [QuestionType, RegExp][] = [
  ['quantity', /\b(how (many|much|big|large)|what (percentage|proportion|share|number|fraction)|(number|percentage|proportion|share) of|percent)\b|%/],
  ['duration', /\bhow long\b(?! (has|have|had|ago)\b)/],
  ['time', /\b(when|how (often|frequently|regularly)|how long|what (year|date|time)|which year|since when|how soon)\b/],
  ['place', /\b(where|which (countries|country|cities|city|places|regions|region)|what (countries|country|cities|city|places|regions|region))\b/],
  ['reason', /\b(why|how come|for what reason|what (is )?the reason|what for)\b/],
  ['person', /\b(who|whom|whose)\b/],
];

/** Question words with no kind of their own: when one opens the question, no later question word types it. */
const UNTYPED_OPENER = /\b(what|which|how)\b/;

/** Cues that ask "how many" with a noun, not a question word: they type a question wherever they stand. */
const NOUN_CUE = /\b((number|percentage|proportion|share) of|percent)\b|%/;

/** Any word a cue can start with: most texts without one are settled by this single test. */
const ANY_CUE = /\b(how|what|when|which|since|where|why|for|who|whom|whose|number|percentage|proportion|share|percent)\b|%/;

/** Turns of phrase that use a question word without asking for its kind of answer. */
const IDIOMS = /\bwhen it comes to\b|\bwhat about\b|\bhow about\b|\bwho knows\b/g;

/** A leading "when …," clause sets a condition; the question follows it: "When the Council isn't sitting, which body governs?" */
const LEADING_WHEN_CLAUSE = /^\s*when\b[^,?]*,/i;

/** Whether a folded word could begin a cue: a text with none of them asks no type of question. */
export function mayAskType(word: string): boolean {
  return ANY_CUE.test(word);
}

/** `folded` is foldText(text), passed in when the caller has it. */
export function questionType(text: string, folded = foldText(text)): QuestionType | undefined {
  if (!ANY_CUE.test(folded)) return undefined;
  // The clause and idiom patterns run only when their first words are there: this runs for every phrasing
  // of a large base.
  let asked = folded.startsWith('when ') && LEADING_WHEN_CLAUSE.test(text) ? foldText(text.replace(LEADING_WHEN_CLAUSE, ' ')) : folded;
  if (/\b(when it|what about|how about|who knows)\b/.test(asked)) asked = asked.replace(IDIOMS, ' ');
  let first: { type: QuestionType; at: number } | undefined;
  for (const [type, pattern] of CUES) {
    const at = asked.search(pattern);
    if (at !== -1 && (first === undefined || at < first.at)) first = { type, at };
  }
  if (first === undefined) return undefined;
  const opener = asked.search(UNTYPED_OPENER);
  if (opener === -1 || opener >= first.at) return first.type;
  return NOUN_CUE.test(asked) ? 'quantity' : undefined;
}
