import { ContainerClient, RestError, type BlobItem, type StoragePipelineOptions } from '@azure/storage-blob';
import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import { BlobsStorage } from 'botbuilder-azure-blobs';
import { sanitizeBlobKey } from 'botbuilder-azure-blobs/lib/sanitizeBlobKey';
import { ETAG_NEW_ITEM, EtagConflictError, isEtagConflict } from './etagConflict';
import { DEFAULT_STORE_TIMEOUT_MS } from './storageOptions';
import { withTimeout } from './withTimeout';

const HEALTH_BLOB = 'health/ping';

export interface BlobStateStorageOptions {
  connectionString: string;
  container: string;
  /** Bound on every store call, including the SDK's own retries. */
  timeoutMs?: number;
}

/**
 * The Azure SDK's default retry policy makes 4 tries with 0, 4 and 12 s pauses: 16 s before a read fails
 * while the store is down (measured against a stopped Azurite). One immediate retry is kept, for a
 * keep-alive connection the store closed while idle; withTimeout bounds the rest.
 */
function pipelineOptions(): StoragePipelineOptions {
  return { retryOptions: { maxTries: 2, retryDelayInMs: 100, maxRetryDelayInMs: 500 } };
}

/**
 * botbuilder's Storage on Azure Blob Storage: BlobsStorage, plus what a bot that must survive store
 * outages needs. What BlobsStorage 4.23.3 does (read in its source and tried on Azurite 3.35):
 * - read returns each item with its blob ETag as `eTag`.
 * - write is conditional: a string eTag other than `*` is sent as If-Match, and a 412 becomes a plain
 *   Error("... eTag conflict."), whose message names the key; we rethrow it as EtagConflictError without
 *   the key. A missing eTag or `*` overwrites. An eTag for a blob that does not exist is also a 412, and it
 *   has no create-only write, so ETAG_NEW_ITEM is written here with If-None-Match: *.
 * - each key is one blob named encodeURIComponent(key) (sanitizeBlobKey), so state blob names never
 *   contain "/"; other records in the container (the curation log) live under a "folder/" prefix.
 * - it creates the container on first use and caches that promise even when it fails, so a BlobsStorage
 *   first used while the store is down never recovers. It is therefore only created once the store has
 *   answered, and replaced if its first use fails.
 * - no call takes an abort signal or timeout, so each is bounded here (see withTimeout).
 */
export class BlobStateStorage implements Storage {
  readonly container: ContainerClient;
  readonly timeoutMs: number;
  private inner?: Promise<BlobsStorage>;
  private closed = false;

  constructor(private readonly options: BlobStateStorageOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
    this.container = new ContainerClient(options.connectionString, options.container, pipelineOptions());
  }

  /** Creates the container if absent; rejects if the store does not answer within the timeout. */
  async open(): Promise<this> {
    await this.blobs();
    return this;
  }

  read(keys: string[]): Promise<StoreItems> {
    return this.call('state read', async () => (await this.blobs()).read(keys));
  }

  write(changes: StoreItems): Promise<void> {
    return this.call('state write', async (signal) => {
      const blobs = await this.blobs();
      const entries = Object.entries(changes);
      const created = entries.filter(([, item]) => (item as StoreItem).eTag === ETAG_NEW_ITEM);
      const updated = entries.filter(([, item]) => (item as StoreItem).eTag !== ETAG_NEW_ITEM);
      try {
        await Promise.all([
          ...created.map(([key, item]) => this.create(key, item, signal)),
          updated.length > 0 ? blobs.write(Object.fromEntries(updated)) : undefined,
        ]);
      } catch (err) {
        if (isEtagConflict(err) && !(err instanceof EtagConflictError)) throw new EtagConflictError(undefined, { cause: err });
        throw err;
      }
    });
  }

  delete(keys: string[]): Promise<void> {
    return this.call('state delete', async () => (await this.blobs()).delete(keys));
  }

  /**
   * True if a write succeeds within the timeout; never throws, never hangs. A write, because a store that
   * answers reads but refuses writes (a revoked SAS permission, a full account) fails every turn's save.
   * One small blob that every instance overwrites; its "/" keeps it out of the state purge.
   */
  async ping(): Promise<boolean> {
    try {
      await this.call('store ping', async (signal) => {
        await this.blobs();
        const body = new Date().toISOString();
        await this.container.getBlockBlobClient(HEALTH_BLOB).upload(body, Buffer.byteLength(body), { abortSignal: signal });
      });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Deletes state blobs last written before `cutoff`; returns how many. A blob written again between
   * listing and deleting is kept (the delete is conditional on the listed ETag).
   */
  async purgeOlderThan(cutoff: Date): Promise<number> {
    if (this.closed) throw new Error('state purge: the store is closed');
    let deleted = 0;
    for await (const blob of listBlobs(this.container, undefined, this.timeoutMs)) {
      if (blob.name.includes('/') || blob.properties.lastModified >= cutoff) continue;
      if (await this.deleteIfUnchanged(blob.name, blob.properties.etag)) deleted += 1;
    }
    return deleted;
  }

  /** There is nothing to release (the SDK holds no open handles); later calls are refused. */
  async close(): Promise<void> {
    this.closed = true;
  }

  private async call<T>(operation: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error(`${operation}: the store is closed`);
    return withTimeout(operation, this.timeoutMs, work);
  }

  private blobs(): Promise<BlobsStorage> {
    this.inner ??= withTimeout('store open', this.timeoutMs, async (signal) => {
      await this.container.createIfNotExists({ abortSignal: signal });
      const blobs = new BlobsStorage(this.options.connectionString, this.options.container, { storagePipelineOptions: pipelineOptions() });
      // Runs its own container check now, while the store answers, so the promise it caches is a success.
      await blobs.read([]);
      return blobs;
    }).catch((err: unknown) => {
      this.inner = undefined;
      throw err;
    });
    return this.inner;
  }

  private async create(key: string, item: StoreItems[string], signal: AbortSignal): Promise<void> {
    const content: Record<string, unknown> = { ...(item as StoreItem) };
    delete content.eTag;
    // The same blob name and body as BlobsStorage.write, so BlobsStorage reads it back.
    const body = JSON.stringify(content);
    try {
      await this.container.getBlockBlobClient(sanitizeBlobKey(key)).upload(body, Buffer.byteLength(body), {
        conditions: { ifNoneMatch: '*' },
        blobHTTPHeaders: { blobContentType: 'application/json' },
        abortSignal: signal,
      });
    } catch (err) {
      if (err instanceof RestError && (err.statusCode === 409 || err.statusCode === 412)) {
        throw new EtagConflictError('The item was created by another writer since it was read (eTag conflict).', { cause: err });
      }
      throw err;
    }
  }

  private async deleteIfUnchanged(name: string, etag: string): Promise<boolean> {
    try {
      await this.call('state purge', (signal) => this.container.deleteBlob(name, { conditions: { ifMatch: etag }, abortSignal: signal }));
      return true;
    } catch (err) {
      if (err instanceof RestError && (err.statusCode === 404 || err.statusCode === 412)) return false;
      throw err;
    }
  }
}

/** Every blob under `prefix` (all if undefined), a page at a time, each page request bounded by `timeoutMs`. */
export async function* listBlobs(container: ContainerClient, prefix: string | undefined, timeoutMs: number): AsyncGenerator<BlobItem> {
  let continuationToken: string | undefined;
  do {
    const page = await withTimeout('blob listing', timeoutMs, async (abortSignal) => {
      const next = await container.listBlobsFlat({ prefix, abortSignal }).byPage({ continuationToken, maxPageSize: 1000 }).next();
      return next.done ? undefined : next.value;
    });
    yield* page?.segment.blobItems ?? [];
    continuationToken = page?.continuationToken || undefined;
  } while (continuationToken);
}
