import { foldText, stem, type Token } from './normalise';

/**
 * Which of a message's words ask for a detail (knowledge/details.yaml): a word on the list, or one that
 * shares a listed word's stem ("salaries", "presides") and that the knowledge base itself never uses. A
 * word the base uses is one the page covers, so a stem it shares with a listed word is the stemmer's
 * coincidence: "national" stems as "nationality" does, but the base speaks of the national sections, and a
 * question about them asks for nobody's nationality. A detail is named by its stem, as the index looks for
 * it in what an entry says.
 */
export class DetailWords {
  private readonly listed: ReadonlySet<string>;
  /** The stems the details are named by. */
  readonly stems: ReadonlySet<string>;

  /** `baseWords` holds the folded words the knowledge base uses; it is read only while messages are. */
  constructor(
    words: readonly string[] = [],
    private readonly baseWords: { has(word: string): boolean } = new Set(),
  ) {
    this.listed = new Set(words.map(foldText));
    this.stems = new Set([...this.listed].map(stem));
  }

  /** Whether a message's word asks for the detail its stem names. */
  asks(token: Pick<Token, 'word' | 'stem'>): boolean {
    return this.listed.has(token.word) || (this.stems.has(token.stem) && !this.baseWords.has(token.word));
  }
}
