import type { Synonym } from '../knowledge/schema';

/**
 * Words that say nothing about which entry is meant. Question words are deliberately not here: "who" and
 * "when" tell "who appoints the Secretary General?" from "when was the Secretary General appointed?".
 */
const STOP_WORDS = new Set(
  (
    'a an the and or but if so as of in on at to for from by with about into over than then there here ' +
    'is are was were be been being am do does did done has have had having it its this that these those ' +
    'i me my we us our you your they them their he she his her one can could would should will shall may might must ' +
    'tell please know want like get got any just also really actually very much more bit ' +
    'explain describe info information question ask wondering some ' +
    // Greetings and courtesies around a real question ("hi, how often is the ICM held? thanks").
    'hi hello hey hiya thanks thank cheers ok okay'
  ).split(/\s+/),
);

/** Question words count for less than content words: they steer between entries, they don't pick one. */
const QUESTION_WORDS = new Set(['who', 'what', 'when', 'where', 'why', 'how', 'which', 'whom', 'whose']);

/** Lower-case, plain-letter text with apostrophes and punctuation folded away. */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(/'s\b/g, '')
    .replace(/'/g, '')
    .replace(/([a-z])iz(e|ed|es|ing|ation|ations)\b/g, '$1is$2')
    .replace(/[^\p{L}\p{N}%]+/gu, ' ')
    .trim();
}

/**
 * A light suffix stripper: enough that "appoints", "appointed" and "appointing" meet, without the
 * over-stemming of a full Porter stemmer on the short, proper-noun-heavy vocabulary of this knowledge base.
 */
export function stem(word: string): string {
  let w = word;
  if (w.length <= 3 || /\d/.test(w)) return w;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith('ing') && w.length > 5) w = w.slice(0, -3);
  else if (w.endsWith('ed') && w.length > 4) w = w.slice(0, -2);
  else if (w.endsWith('ion') && w.length > 6) w = w.slice(0, -3);
  if (w.endsWith('e') && w.length > 3) w = w.slice(0, -1);
  return w;
}

export interface Token {
  /** The folded word as typed, used for spelling correction. */
  word: string;
  /** The stem entries are indexed under. */
  stem: string;
  isQuestionWord: boolean;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Rewrites acronyms and nicknames into the knowledge base's own words; longest phrases first. */
export class SynonymRewriter {
  private readonly rules: { pattern: RegExp; means: string }[];

  constructor(synonyms: readonly Synonym[]) {
    this.rules = [...synonyms]
      .sort((a, b) => b.phrase.length - a.phrase.length)
      .map((s) => ({
        pattern: new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(s.phrase)}(?![\\p{L}\\p{N}])`, s.matchCase ? 'gu' : 'giu'),
        means: ` ${s.means} `,
      }));
  }

  rewrite(text: string): string {
    return this.rules.reduce((out, rule) => out.replace(rule.pattern, rule.means), text);
  }
}

export function tokenize(text: string, rewriter: SynonymRewriter): Token[] {
  const seen = new Set<string>();
  const tokens: Token[] = [];
  for (const word of foldText(rewriter.rewrite(text)).split(' ')) {
    if (!word || STOP_WORDS.has(word)) continue;
    const s = stem(word);
    if (seen.has(s)) continue;
    seen.add(s);
    tokens.push({ word, stem: s, isQuestionWord: QUESTION_WORDS.has(word) });
  }
  return tokens;
}
