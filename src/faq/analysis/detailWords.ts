import type * as Lemmatizer from 'wink-lemmatizer';
import { foldText, stem } from './normalise';

let lemmatizer: typeof Lemmatizer | undefined;

/**
 * wink-lemmatizer, loaded the first time a word needs it. Its lexicon adds about 0.3 s to a cold start
 * (spawn to the first health check, median of 7: 1.1 s without, 1.5 s with), and few messages need it.
 */
function lemmas(): typeof Lemmatizer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at start-up
  lemmatizer ??= require('wink-lemmatizer') as typeof Lemmatizer;
  return lemmatizer;
}

/**
 * Which of a message's words ask for a detail (knowledge/details.yaml). A word asks when it is on the list
 * or is an inflection of a word on it ("salaries"), as the lemmatiser reads it as a noun or a verb. The
 * stem alone would say too much: "national" shares "nationality"'s stem, and a question about the national
 * sections does not ask for anyone's nationality. A detail is named by its stem, as the index looks for it
 * in what an entry says.
 */
export class DetailWords {
  private readonly stemOfListed: ReadonlyMap<string, string>;
  /** The stems the details are named by. */
  readonly stems: ReadonlySet<string>;

  constructor(words: readonly string[] = []) {
    const folded = words.map(foldText);
    this.stemOfListed = new Map(folded.map((word) => [word, stem(word)]));
    this.stems = new Set(this.stemOfListed.values());
  }

  /**
   * The detail a folded word asks for, by its stem, if it asks for one. Only a word that shares a detail's
   * stem is lemmatised: an inflection that does not ("ran", "led") asks only if the list names it.
   */
  of(word: string): string | undefined {
    const listed = this.stemOfListed.get(word);
    if (listed !== undefined || !this.stems.has(stem(word))) return listed;
    const { noun, verb } = lemmas();
    return this.stemOfListed.get(noun(word)) ?? this.stemOfListed.get(verb(word));
  }
}
