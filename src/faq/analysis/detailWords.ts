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
  private readonly stemOfListed: ReadonlyMap<string, string>;
  /** The stems the details are named by. */
  readonly stems: ReadonlySet<string>;

  /** `baseWords` holds the folded words the knowledge base uses; it is read only while messages are. */
  constructor(
    words: readonly string[] = [],
    private readonly baseWords: { has(word: string): boolean } = new Set(),
  ) {
    const folded = words.map(foldText);
    this.stemOfListed = new Map(folded.map((word) => [word, stem(word)]));
    this.stems = new Set(this.stemOfListed.values());
  }

  /** The detail a message's word asks for, by its stem, if it asks for one. */
  of(token: Pick<Token, 'word' | 'stem'>): string | undefined {
    const listed = this.stemOfListed.get(token.word);
    if (listed !== undefined) return listed;
    return this.stems.has(token.stem) && !this.baseWords.has(token.word) ? token.stem : undefined;
  }
}
