import { foldText } from './normalise';

/**
 * What kind of thing a question asks for. "Who appoints the Secretary General?" wants a person or body,
 * "When was the Secretary General appointed?" a time: same content words, different entries.
 * "what", "which" and a bare "how" say too little to steer, so they have no type.
 */
export type QuestionType = 'person' | 'time' | 'place' | 'quantity' | 'reason';

/** Checked in order: "how many" must win over a bare "how", "what year" over a bare "what". */
const CUES: [QuestionType, RegExp][] = [
  ['quantity', /\b(how (many|much|big|large)|what (percentage|proportion|share|number|fraction|percent)|what %|number of|percentage of|proportion of|share of)\b/],
  ['time', /\b(when|how (often|long|frequently|regularly)|what (year|date|time)|which year|since when|how soon)\b/],
  ['place', /\b(where|which (countries|country|cities|city|places|regions|region)|what (countries|country|cities|city|places|regions|region))\b/],
  ['reason', /\b(why|how come|for what reason|what (is )?the reason|what for)\b/],
  ['person', /\b(who|whom|whose)\b/],
];

/** Every cue in one pattern, one named group per type: one pass over the text instead of five. */
const ANY_CUE = new RegExp(CUES.map(([type, pattern]) => `(?<${type}>${pattern.source})`).join('|'), 'g');

/** Turns of phrase that use a question word without asking for its kind of answer. */
const IDIOMS = /\bwhen it (comes to|(is )?at home)\b|\bwhat about\b|\bhow about\b|\bwho knows\b/g;

/** A leading "when …," clause sets a condition; the question follows it: "When the Council isn't sitting, which body governs?" */
const LEADING_WHEN_CLAUSE = /^\s*when\b[^,?]*,/i;

/** `folded` is foldText(text), passed in when the caller has it. */
export function questionType(text: string, folded = foldText(text)): QuestionType | undefined {
  const asked = (LEADING_WHEN_CLAUSE.test(text) ? foldText(text.replace(LEADING_WHEN_CLAUSE, ' ')) : folded).replace(IDIOMS, ' ');
  const found = new Set<string>();
  for (const match of asked.matchAll(ANY_CUE)) {
    for (const [type, value] of Object.entries(match.groups ?? {})) if (value !== undefined) found.add(type);
  }
  // The earlier cue in CUES wins: "how many" over a bare "how", "what year" over a bare "what".
  return CUES.find(([type]) => found.has(type))?.[0];
}
