import type { Decider } from '../faq';

/** How the curators' inbox reads a question the bot could not answer: as the bot itself reads it. */
export interface QuestionReader {
  /** Questions with the same key are one question to the bot, however they are worded or punctuated. */
  readAs(question: string): string;
  /** The entries the bot nearly gave, best first, each with the probability it gave. */
  nearest(question: string): { entryId: string; probability: number }[];
}

/** How many of the nearest entries a curator is shown for each question. */
export const NEAREST = 3;

export function deciderReader(decider: Decider): QuestionReader {
  return {
    readAs: (question) => decider.readAs(question),
    nearest: (question) => decider.suggest(question, NEAREST).map(({ entry, probability }) => ({ entryId: entry.id, probability })),
  };
}
