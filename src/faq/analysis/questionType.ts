import { foldText } from './normalise';

/**
 * What kind of thing a question asks for. "Who appoints the Secretary General?" wants a person or body,
 * "When was the Secretary General appointed?" a time: same content words, different entries. "How long
 * does he serve?" asks a duration, which a date does not give ("how long has he been…" is answered by
 * one). "what", "which" and a bare "how" say too little to steer, so they have no type.
 */
export type QuestionType = 'person' | 'time' | 'duration' | 'place' | 'quantity' | 'reason';

/** Checked in order: "how many" must win over a bare "how", "what year" over a bare "what". */
const CUES: [QuestionType, RegExp][] = [
  ['quantity', /\b(how (many|much|big|large)|what (percentage|proportion|share|number|fraction|percent)|what %|number of|percentage of|proportion of|share of)\b/],
  ['duration', /\bhow long\b(?! (has|have|had|ago)\b)/],
  ['time', /\b(when|how (often|frequently|regularly)|how long|what (year|date|time)|which year|since when|how soon)\b/],
  ['place', /\b(where|which (countries|country|cities|city|places|regions|region)|what (countries|country|cities|city|places|regions|region))\b/],
  ['reason', /\b(why|how come|for what reason|what (is )?the reason|what for)\b/],
  ['person', /\b(who|whom|whose)\b/],
];

/** Any word a cue can start with: most texts without one are settled by this single test. */
const ANY_CUE = /\b(how|what|when|which|since|where|why|for|who|whom|whose|number|percentage|proportion|share)\b|%/;

/** Turns of phrase that use a question word without asking for its kind of answer. */
const IDIOMS = /\bwhen it(s| is)? (comes to|at home)\b|\bwhat about\b|\bhow about\b|\bwho knows\b/g;

/**
 * Idioms and framings that ask nothing at all, as a supporter types them: "ICM, what's that when it's at
 * home?", "between one meeting and the next", which is not a question about the next one, "in terms of"
 * (not a term of office), and "for a school project I need to know…", which is not about schools.
 */
const EMPTY_IDIOMS =
  /\bwhen it(?:['’`]?s| is)? at home\b|\band the next\b(?= *[?.!]*$)|\bin terms of\b|\bfor (?:a|my|our) (?:school|uni|university|college|class|homework) (?:project|assignment|essay|presentation)(?:,? i (?:need|have|want) to (?:know|say|explain|describe|find out|write about))?/gi;

/** The text without idioms and framings that ask nothing, so their words are not matched either. */
export function withoutEmptyIdioms(text: string): string {
  return /at home|and the next|in terms of|for (a|my|our) /i.test(text) ? text.replace(EMPTY_IDIOMS, ' ') : text;
}

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
  if (/\b(when its?|what about|how about|who knows)\b/.test(asked)) asked = asked.replace(IDIOMS, ' ');
  // The earlier cue in CUES wins: "how many" over a bare "how", "what year" over a bare "what".
  return CUES.find(([, pattern]) => pattern.test(asked))?.[0];
}
