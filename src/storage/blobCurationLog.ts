import { randomUUID } from 'node:crypto';
import { RestError, type ContainerClient } from '@azure/storage-blob';
import { listBlobs } from './blobStorage';
import { curationLog, curationRecordSchema, type CurationLog, type CurationRecord } from './curationLog';
import { withTimeout } from './withTimeout';

export const CURATION_BLOB_PREFIX = 'curation/';

/** Downloads in flight at once when listing; a report over many records should not open thousands. */
const LIST_CONCURRENCY = 8;

/**
 * One small JSON blob per record under `curation/`, in the state container. Names start with the record's
 * ISO time, so listing since a date needs no download of older records, and blobs from several
 * instances never collide (a random suffix, and a create-only upload).
 *
 * A record is never changed once written, so each instance keeps what it downloaded, by blob name: the
 * workbench reads 30 days of records on every view, and after the first it downloads only the new ones.
 * What is kept is what the last listing found, so it is bounded by the records themselves and forgets purged ones.
 */
export function blobCurationLog(container: ContainerClient, timeoutMs: number): CurationLog {
  const nameFor = (at: Date) => `${CURATION_BLOB_PREFIX}${at.toISOString()}-${randomUUID()}.json`;
  let downloaded = new Map<string, CurationRecord | undefined>();
  return curationLog({
    async append(record) {
      const body = JSON.stringify({ ...record, at: record.at.toISOString() });
      await withTimeout('curation write', timeoutMs, (abortSignal) =>
        container.getBlockBlobClient(nameFor(record.at)).upload(body, Buffer.byteLength(body), {
          conditions: { ifNoneMatch: '*' },
          blobHTTPHeaders: { blobContentType: 'application/json' },
          abortSignal,
        }),
      );
    },
    async list(since) {
      const from = since ? `${CURATION_BLOB_PREFIX}${since.toISOString()}` : '';
      const names: string[] = [];
      for await (const blob of listBlobs(container, CURATION_BLOB_PREFIX, timeoutMs)) {
        if (blob.name >= from) names.push(blob.name);
      }
      const found = new Map<string, CurationRecord | undefined>();
      const missing: string[] = [];
      for (const name of names) {
        if (downloaded.has(name)) found.set(name, downloaded.get(name));
        else missing.push(name);
      }
      for (let i = 0; i < missing.length; i += LIST_CONCURRENCY) {
        const batch = missing.slice(i, i + LIST_CONCURRENCY);
        const records = await Promise.all(batch.map((name) => download(container, name, timeoutMs)));
        batch.forEach((name, j) => found.set(name, records[j]));
      }
      downloaded = found;
      return [...found.values()].filter((r): r is CurationRecord => r !== undefined).sort((a, b) => a.at.getTime() - b.at.getTime());
    },
    async purgeOlderThan(cutoff) {
      // Names start with the record's time, so the listing alone says which are older.
      const before = `${CURATION_BLOB_PREFIX}${cutoff.toISOString()}`;
      let deleted = 0;
      for await (const blob of listBlobs(container, CURATION_BLOB_PREFIX, timeoutMs)) {
        if (blob.name >= before) continue;
        await withTimeout('curation purge', timeoutMs, (abortSignal) => container.deleteBlob(blob.name, { abortSignal })).then(
          () => (deleted += 1),
          (err: unknown) => {
            if (!(err instanceof RestError && err.statusCode === 404)) throw err;
          },
        );
      }
      return deleted;
    },
  });
}

/** A record, or undefined if the blob vanished or does not hold one (records are never partly written). */
async function download(container: ContainerClient, name: string, timeoutMs: number): Promise<CurationRecord | undefined> {
  try {
    const buffer = await withTimeout('curation read', timeoutMs, (abortSignal) =>
      container.getBlobClient(name).downloadToBuffer(undefined, undefined, { abortSignal }),
    );
    const parsed = curationRecordSchema.safeParse(JSON.parse(buffer.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch (err) {
    if (err instanceof SyntaxError || (err instanceof RestError && err.statusCode === 404)) return undefined;
    throw err;
  }
}
