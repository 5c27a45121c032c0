import { createHmac, randomBytes } from 'node:crypto';

/** A one-way stand-in for a channel's id (a conversation, a member), so that neither storage nor logs hold the id itself. */
export type Pseudonymiser = (id: string) => string;

/**
 * A keyed hash (HMAC-SHA-256), not a plain one: channel ids are guessable (a Teams conversation id can be
 * read off a chat link), and anyone holding the store could hash a guess and look for it. Without the key
 * they cannot.
 */
export function keyedPseudonymiser(key: string | Buffer): Pseudonymiser {
  return (id) => createHmac('sha256', key).update(id).digest('base64url').slice(0, 22);
}

/**
 * For correlating log lines only. Its key is made afresh in each process and never kept, so a pseudonym
 * in a log line cannot be matched to an id by anyone, not even with the store's key.
 */
export const pseudonymise: Pseudonymiser = keyedPseudonymiser(randomBytes(32));
