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

export function questionType(text: string): QuestionType | undefined {
  const folded = foldText(text);
  return CUES.find(([, pattern]) => pattern.test(folded))?.[0];
}
