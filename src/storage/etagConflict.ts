/**
 * Optimistic concurrency shared by our stores. A write carries the eTag its item had when read:
 * missing or `*` overwrites, ETAG_NEW_ITEM creates the item only if it does not exist yet, and any other
 * eTag must still match the stored one. Messages never name the storage key: keys hold channel,
 * conversation and user ids, and these errors end up in logs.
 */

/**
 * The eTag of an item that did not exist when the turn read it. botbuilder has no way to say "create
 * only", so two first turns of a conversation would both write blind and one would be lost. Our
 * SqliteStorage and BlobStateStorage honour this value; botbuilder's MemoryStorage happens to as well
 * (it writes an absent item whatever the eTag, and rejects a mismatch on an existing one). Raw
 * BlobsStorage does not: it sends it as If-Match, which fails on an absent blob.
 */
export const ETAG_NEW_ITEM = '!new';

export class EtagConflictError extends Error {
  constructor(message = 'The item was changed by another writer since it was read (eTag conflict).', options?: ErrorOptions) {
    super(message, options);
    this.name = 'EtagConflictError';
  }
}

/**
 * True for any store's way of saying "stale eTag": ours; botbuilder's MemoryStorage and BlobsStorage,
 * which throw a plain Error whose message contains "eTag conflict"; and Azure's own 412 Precondition Failed.
 */
export function isEtagConflict(err: unknown): boolean {
  if (err instanceof EtagConflictError) return true;
  if (!(err instanceof Error)) return false;
  if (err.message.includes('eTag conflict')) return true;
  const { statusCode, code } = err as Error & { statusCode?: unknown; code?: unknown };
  return statusCode === 412 || code === 'ConditionNotMet';
}
