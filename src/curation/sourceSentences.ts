/** A sentence ends at . ! or ? followed by space and a capital or an opening quote: "Amnesty’s" and "e.g. the" do not end one. */
const SENTENCE_END = /(?<=[.!?])\s+(?=[A-Z“"‘'])/u;

/**
 * A source's text as the sentences a curator picks quotes from: each line split into sentences, blank
 * lines and duplicates dropped. A quote picked from them is in the source word for word, as kb:check wants.
 */
export function sourceSentences(text: string): string[] {
  const sentences = text
    .split('\n')
    .flatMap((line) => line.trim().split(SENTENCE_END))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return [...new Set(sentences)];
}
