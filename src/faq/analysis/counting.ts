import { isQuestionWord, isStopWord } from './normalise';

/**
 * What a text counts. "How many staff will the Senegal hub have?" counts staff, and an answer that gives
 * no number of staff ("regional hubs in Kenya, Mexico…") does not answer it, however much else it shares.
 */

const NUMBER_WORDS = new Set([
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'twenty',
  'thirty',
  'forty',
  'fifty',
  'hundred',
  'hundreds',
  'thousand',
  'thousands',
  'million',
  'millions',
  'billion',
  'dozen',
  'dozens',
]);
const YEAR = /^(19|20)\d\d$/;
/** Words that ask for a count or a share, before the thing counted. */
const COUNT_CUE = /\b(how many|how much|number of|numbers of|percentage of|proportion of|share of|percent of)\b/;
/** Particles after a verb ("how many show up?") end what is counted. */
const PARTICLES = new Set(['up', 'out', 'off', 'down', 'around', 'away', 'back', 'along', 'together']);
/** Counting people in general: any count of members, staff or representatives may answer it. */
const ANYONE = new Set(['people', 'persons', 'person', 'individuals', 'folk', 'folks', 'ppl', 'peeps', 'humans']);

function isNumber(word: string): boolean {
  return NUMBER_WORDS.has(word) || (/\d/.test(word) && !YEAR.test(word));
}

function isContent(word: string): boolean {
  return !isStopWord(word) && !isQuestionWord(word);
}

/** Words an answer counts: those just after a number that is not a year ("seven million members, supporters and activists"). */
export function countedByNumbers(folded: string): string[] {
  const words = folded.split(' ');
  const counted: string[] = [];
  words.forEach((first, i) => {
    if (!isNumber(first)) return;
    let taken = 0;
    for (let j = i + 1; j < words.length && taken < 3; j++) {
      const word = words[j] ?? '';
      if (isNumber(word) || YEAR.test(word)) break;
      if (!isContent(word)) continue;
      counted.push(word);
      taken++;
    }
  });
  return counted;
}

/**
 * The words a question asks the count of: the one or two content words after "how many" ("how many
 * staff" → staff, "how many urgent actions" → urgent, actions). Empty when it counts nothing in particular
 * ("how many people…") or asks no count.
 */
export function countedByQuestion(folded: string): string[] {
  return readCount(folded).counted;
}

/**
 * The words that qualify the people a question counts: "how many homeless people" → homeless. A count of
 * people in general may be answered by any count of members or staff, but not once it is qualified by
 * something the base never speaks of.
 */
export function qualifiersOfPeople(folded: string): string[] {
  return readCount(folded).qualifiers;
}

function readCount(folded: string): { counted: string[]; qualifiers: string[] } {
  const cue = COUNT_CUE.exec(folded);
  if (!cue) return { counted: [], qualifiers: [] };
  const counted: string[] = [];
  for (const word of folded.slice(cue.index + cue[0].length).split(' ')) {
    if (!word) continue;
    if (!isContent(word) || PARTICLES.has(word) || counted.length === 2) break;
    if (ANYONE.has(word)) return { counted: [], qualifiers: counted };
    counted.push(word);
  }
  return { counted, qualifiers: [] };
}
