/** Sentences as ICU splits them: the platform's segmenter rather than rules of our own for abbreviations and quotes. */
const SENTENCES = new Intl.Segmenter('en', { granularity: 'sentence' });

/**
 * A message's sentences, as typed. ICU (UAX #29) reads a lower-case letter after a full stop as the same
 * sentence; chat often skips the capital ("new supporter here. who sits on the board?"), so the segmenter
 * is shown one, and the sentences are cut from the message itself.
 */
export function sentencesOf(message: string): string[] {
  const capitalised = message.replace(/([.!?]\s+)([a-z])/g, (_, end: string, letter: string) => end + letter.toUpperCase());
  return Array.from(SENTENCES.segment(capitalised), (s) => message.slice(s.index, s.index + s.segment.length));
}
