// The package ships no types: each function takes a word to its base form as that part of speech.
declare module 'wink-lemmatizer' {
  export function noun(word: string): string;
  export function verb(word: string): string;
  export function adjective(word: string): string;
}
