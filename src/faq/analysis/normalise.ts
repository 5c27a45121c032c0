import porter2 from 'wink-porter2-stemmer';
import type { Synonym } from '../knowledge/schema';

/**
 * Words that say nothing about which entry is meant. Question words are deliberately not here: "who" and
 * "when" tell "who appoints the Secretary General?" from "when was the Secretary General appointed?".
 */
const STOP_WORDS = new Set(
  (
    'a an the and or but if so as of in on at to for from by with about into over than then there here ' +
    'is are was were be been being am do does did done has have had having it its this that these those ' +
    // Every personal, possessive and reflexive pronoun: which entry is meant never rests on one.
    'i me my mine myself we us our ours ourselves you your yours yourself yourselves they them their theirs themselves ' +
    'he him his himself she her hers herself itself one can could would should will shall may might must ' +
    'tell please know want like get gets getting got any just also really actually very much more bit true up down off ' +
    'explain describe info information question ask wondering wonder wondered curious interested understand some ' +
    // Fillers that say nothing about which entry is meant ("what does the SG actually do, exactly?").
    'now currently exactly overall roughly approximately approx basically anyway still ever even whole ' +
    'innit lol mate guys yeah em kinda sorta ' +
    // Greetings and courtesies around a real question ("hi, how often is the ICM held? thanks").
    'hi hello hey hiya thanks thank cheers ok okay ' +
    // Contractions as folding leaves them ("I've" → "ive"), which no word list has; not the negative
    // ones: "the Secretariat can't?" asks whether it cannot.
    'ive im youre youve youd weve theyre theyve hes shes thats theres heres lets'
  ).split(/\s+/),
);

/** The stop words, for reading a misspelt one as what it is ("descrbe" is "describe"), not as a word nobody knows. */
export const STOP_WORD_LIST: readonly string[] = [...STOP_WORDS];

/** Question words count for less than content words: they steer between entries, they don't pick one. */
const QUESTION_WORDS = new Set(['who', 'what', 'when', 'where', 'why', 'how', 'which', 'whom', 'whose']);

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Only this much of a message is read. A real question is far shorter, and reading a 64 KB body word by
 * word took over a second: a cheap way to tie the bot up.
 */
export const MAX_MESSAGE_CHARS = 500;

/**
 * Nor more of it than folds to this many characters. Compatibility characters decompose into several
 * letters ("㌖" into six, "ﷺ" into eighteen), so 500 characters could fold to 9,000; a real message
 * grows by a few characters at most.
 */
export const MAX_FOLDED_CHARS = 2 * MAX_MESSAGE_CHARS;

/**
 * The part of a message the bot reads: its first MAX_MESSAGE_CHARS characters, and of those only as many
 * as fold to at most MAX_FOLDED_CHARS. Every matcher and the search cut a message with this before
 * anything else, so no input costs more than a message of that size.
 */
export function boundedMessage(text: string): string {
  const cut = text.slice(0, MAX_MESSAGE_CHARS);
  // Folding never lengthens plain ASCII, and never makes a text longer than its decomposition.
  if (isPrintableAscii(cut) || cut.normalize('NFKD').length <= MAX_FOLDED_CHARS) return cut;
  // Characters decompose one at a time, so the lengths of their decompositions add up.
  let decomposed = 0;
  let end = 0;
  for (const char of cut) {
    decomposed += char.normalize('NFKD').length;
    if (decomposed > MAX_FOLDED_CHARS) break;
    end += char.length;
  }
  return cut.slice(0, end);
}

/** foldText of the part of a message the bot reads. */
export function foldMessage(text: string): string {
  return foldText(boundedMessage(text));
}

/** Whether foldText takes its plain-ASCII path for the text. */
export function isPrintableAscii(text: string): boolean {
  return PRINTABLE_ASCII.test(text);
}

/** Lower-case, plain-letter text with apostrophes and punctuation folded away, and "-ize" spelt "-ise". */
export function foldText(text: string): string {
  // Plain ASCII, the usual case, skips Unicode normalisation and Unicode-aware patterns: they were most
  // of the time spent indexing 100,000 entries.
  const folded = isPrintableAscii(text)
    ? text
        .toLowerCase()
        .replace(/['`]s\b|['`]/g, '')
        .replace(/[^a-z0-9%]+/g, ' ')
        .trim()
    : text
        .normalize('NFKD')
        .replace(/\p{M}+/gu, '')
        .toLowerCase()
        .replace(/[\u2018\u2019\u02bc`]/g, "'")
        .replace(/'s\b/g, '')
        .replace(/'/g, '')
        .replace(/[^\p{L}\p{N}%]+/gu, ' ')
        .trim();
  return respelt(folded);
}

const IZE = /([a-z])iz(e|ed|es|ing|ation|ations)\b/g;
const CONTRACTED_QUESTION_WORDS = /\b(who|what|where|when|why|how)s\b/g;
const LONE_PERCENT = /(?<![^ ])%(?![^ ])/g;

/**
 * foldText's rules that work on whole words, for folded text: "-ize" is spelt "-ise"; "whos" or "whats"
 * (a question word whose "'s" was typed without the apostrophe) is that question word; and a "%" standing
 * alone ("what % of staff") is the word it is read as, "percent", where one after a number ("85%") stays
 * part of the figure. One place, so that the index's word table (wordTable.ts) spells words exactly as
 * foldText does.
 */
export function respelt(folded: string): string {
  const british = folded.includes('iz') ? folded.replace(IZE, '$1is$2') : folded;
  const questionWords = british.replace(CONTRACTED_QUESTION_WORDS, '$1');
  return questionWords.includes('%') ? questionWords.replace(LONE_PERCENT, 'percent') : questionWords;
}

const SMALL_NUMBERS = 'zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty'
  .split(' ')
  .map((n) => porter2(n));
const SMALL_NUMBER_STEMS = new Set(SMALL_NUMBERS);

/** Whether a stem is a number: in figures, or a small one in words as stem() writes it. */
export function isNumberWord(stemmed: string): boolean {
  return hasDigit(stemmed) || SMALL_NUMBER_STEMS.has(stemmed);
}

/**
 * The stemmer's suffix patterns are unanchored at the start, so its work grows with the square of a
 * word's length; no English word a supporter types is longer than this, and a longer one is kept whole.
 */
const MAX_STEMMED_LENGTH = 30;

/**
 * Stems already worked out: a turn stems the same knowledge-base words again and again (reading the roles
 * in every wording of a follow-up's candidates), and Porter2's patterns showed in a turn's profile.
 */
const stems = new Map<string, string>();
const MAX_REMEMBERED_STEMS = 100_000;

/**
 * A word's stem, so that "appoints", "appointed" and "appointing" meet: Porter2 (the Snowball English
 * stemmer) from wink-porter2-stemmer, rather than a hand-written one. Figures are kept as they are,
 * except that small ones meet the page's words: "7 million" and "every 2 years" are "seven million" and
 * "every two years".
 */
export function stem(word: string): string {
  if (hasDigit(word)) return word.length <= 2 ? (SMALL_NUMBERS[Number(word)] ?? word) : word;
  if (word.length > MAX_STEMMED_LENGTH) return word;
  let stemmed = stems.get(word);
  if (stemmed === undefined) {
    // Emptied when full rather than evicted one by one: a flood of new words costs a refill, never memory.
    if (stems.size >= MAX_REMEMBERED_STEMS) stems.clear();
    stemmed = porter2(word);
    stems.set(word, stemmed);
  }
  return stemmed;
}

function hasDigit(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}

export function isQuestionWord(word: string): boolean {
  return QUESTION_WORDS.has(word);
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

/** A letter or digit just before, or just after, a place in a text: a phrase must not start or end inside a word. */
const WORD_BEFORE = /[\p{L}\p{N}]$/u;
const WORD_AFTER = /^[\p{L}\p{N}]/u;

/** Rewrites acronyms and nicknames into the knowledge base's own words; longest phrases first. */
export class SynonymRewriter {
  private readonly rules: { pattern: RegExp; means: string; firstWord: string }[];
  /** One-word phrases and what they mean, e.g. delegates → representatives. */
  readonly oneWordSynonyms: { word: string; means: string }[];
  /** The folded first word of every phrase: a text with none of them is left as it is. */
  readonly firstWords: ReadonlySet<string>;

  constructor(synonyms: readonly Synonym[]) {
    this.rules = [...synonyms]
      .sort((a, b) => b.phrase.length - a.phrase.length)
      .map((s) => ({
        // The phrase alone: word boundaries are checked as each match is replaced, for V8 compiles a
        // case-insensitive pattern with Unicode letter classes slowly (a millisecond or so each, for every
        // synonym, at every start), and a bare phrase quickly.
        pattern: new RegExp(escapeRegExp(s.phrase), s.matchCase ? 'gu' : 'giu'),
        means: ` ${s.means} `,
        firstWord: foldText(s.phrase).split(' ')[0] ?? '',
      }));
    this.firstWords = new Set(this.rules.map((r) => r.firstWord));
    this.oneWordSynonyms = synonyms.filter((s) => !s.matchCase && !foldText(s.phrase).includes(' ')).map((s) => ({ word: foldText(s.phrase), means: s.means }));
  }

  /** The text with its synonyms rewritten; the very same string when none applies. */
  rewrite(text: string): string {
    if (this.rules.length === 0) return text;
    // Only rules whose first word occurs can apply: one split instead of a pattern per synonym, for
    // every phrasing of a large base.
    const words = new Set(foldText(text).split(' '));
    return this.rules.reduce(
      (out, rule) =>
        words.has(rule.firstWord)
          ? out.replace(rule.pattern, (match, at: number, whole: string) => (wholeWords(whole, at, match.length) ? rule.means : match))
          : out,
      text,
    );
  }
}

/** Whether the `length` characters at `at` in `text` start and end at word boundaries. Astral letters are two code units. */
function wholeWords(text: string, at: number, length: number): boolean {
  return !WORD_BEFORE.test(text.slice(Math.max(0, at - 2), at)) && !WORD_AFTER.test(text.slice(at + length, at + length + 2));
}

/** A text's folded words in order, stop words kept and synonyms rewritten: what word order is read from. */
export function clauseWordsOf(text: string, rewriter: SynonymRewriter): string[] {
  return foldText(rewriter.rewrite(text)).split(' ').filter(Boolean);
}

/** The words of a text that say what it is about, each once. */
export function tokenize(text: string, rewriter: SynonymRewriter): Token[] {
  const seen = new Set<string>();
  const tokens: Token[] = [];
  for (const word of foldText(rewriter.rewrite(text)).split(' ')) {
    if (!word || STOP_WORDS.has(word)) continue;
    const s = stem(word);
    if (seen.has(s)) continue;
    seen.add(s);
    tokens.push({ word, stem: s, isQuestionWord: isQuestionWord(word) });
  }
  return tokens;
}
