import { text } from 'node:stream/consumers';
import { RestError, type BlobRequestConditions, type ContainerClient } from '@azure/storage-blob';
import { z } from 'zod';
import { listBlobs } from './blobStorage';
import {
  COMMITTED_VERSION,
  filesSchema,
  UnknownVersionError,
  type KnowledgeDraft,
  type KnowledgeVersion,
  type KnowledgeVersionStore,
} from './knowledgeVersions';
import { withTimeout } from './withTimeout';

const PREFIX = 'knowledge/';
const CURRENT = `${PREFIX}current.json`;
const DRAFT = `${PREFIX}draft.json`;
/** Zero-padded, so that listing gives versions in order. */
const nameOf = (version: number) => `${PREFIX}versions/${String(version).padStart(8, '0')}.json`;

const versionSchema = z.object({ version: z.number().int(), publishedAt: z.iso.datetime(), note: z.string(), files: filesSchema });
const currentSchema = z.object({ version: z.number().int().positive() });
const draftSchema = z.object({ basedOn: z.number().int(), savedAt: z.iso.datetime(), revision: z.number().int().positive(), files: filesSchema });
/** What a discard leaves in draft.json: the revision goes on counting from it, so no later draft reuses a number. */
const tombstoneSchema = z.object({ revision: z.number().int().positive(), discarded: z.literal(true) });
const storedDraftSchema = z.union([tombstoneSchema, draftSchema]);

/** How many times a publish tries the next number when another instance took it first. */
const PUBLISH_ATTEMPTS = 5;

/** A conditional write lost to another writer: the blob was created (409) or changed (412) since it was read. */
const refused = (err: unknown) => err instanceof RestError && (err.statusCode === 409 || err.statusCode === 412);
/** The same for a write over the draft read before; it may also have been deleted (404) since, by hand. */
const draftLost = (err: unknown) => refused(err) || (err instanceof RestError && err.statusCode === 404);

/**
 * Versions as JSON blobs under `knowledge/` in the state container; the "/" keeps them out of the state
 * purge. Each version is created only if its name is free (If-None-Match: *), so two instances publishing
 * at once get two numbers; current.json names the one to serve. draft.json is written only over the ETag it
 * was read at (If-Match), or only if absent (If-None-Match: *), so of two curators saving the same revision one
 * is refused. A discard overwrites it, in the same way, with a tombstone that keeps the revision counting.
 */
export function blobKnowledgeVersions(container: ContainerClient, timeoutMs: number): KnowledgeVersionStore {
  const download = async (name: string): Promise<unknown> => {
    try {
      const buffer = await withTimeout('knowledge read', timeoutMs, (abortSignal) =>
        container.getBlobClient(name).downloadToBuffer(undefined, undefined, { abortSignal }),
      );
      return JSON.parse(buffer.toString('utf8'));
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404) return undefined;
      throw err;
    }
  };
  const upload = (name: string, value: unknown, conditions?: BlobRequestConditions) => {
    const body = JSON.stringify(value);
    return withTimeout('knowledge write', timeoutMs, (abortSignal) =>
      container.getBlockBlobClient(name).upload(body, Buffer.byteLength(body), {
        conditions,
        blobHTTPHeaders: { blobContentType: 'application/json' },
        abortSignal,
      }),
    );
  };
  const get = async (version: number): Promise<KnowledgeVersion | undefined> => {
    const parsed = versionSchema.safeParse(await download(nameOf(version)));
    return parsed.success ? { ...parsed.data, publishedAt: new Date(parsed.data.publishedAt) } : undefined;
  };
  /**
   * draft.json with the ETag it was read at, which a write over it must still match: `draft` is undefined when it
   * holds a tombstone, whose `revision` the next draft goes on from.
   */
  const readDraft = async (): Promise<{ draft?: KnowledgeDraft; revision: number; etag: string } | undefined> => {
    try {
      return await withTimeout('knowledge read', timeoutMs, async (abortSignal) => {
        const { readableStreamBody, etag } = await container.getBlobClient(DRAFT).download(undefined, undefined, { abortSignal });
        if (!readableStreamBody || !etag) throw new Error('The knowledge draft was read without its body or ETag');
        const stored = storedDraftSchema.parse(JSON.parse(await text(readableStreamBody)));
        if ('discarded' in stored) return { revision: stored.revision, etag };
        return { draft: { ...stored, savedAt: new Date(stored.savedAt) }, revision: stored.revision, etag };
      });
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404) return undefined;
      throw err;
    }
  };
  const versions = async (): Promise<number[]> => {
    const numbers: number[] = [];
    for await (const blob of listBlobs(container, `${PREFIX}versions/`, timeoutMs))
      numbers.push(Number(blob.name.slice(`${PREFIX}versions/`.length, -'.json'.length)));
    return numbers.filter(Number.isInteger).sort((a, b) => a - b);
  };
  return {
    async current() {
      const parsed = currentSchema.safeParse(await download(CURRENT));
      return parsed.success ? parsed.data.version : COMMITTED_VERSION;
    },
    get,
    async list() {
      const found = await Promise.all((await versions()).map(get));
      return found.filter((v): v is KnowledgeVersion => v !== undefined).map(({ version, publishedAt, note }) => ({ version, publishedAt, note }));
    },
    async publish(files, note, at = new Date()) {
      for (let attempt = 0; attempt < PUBLISH_ATTEMPTS; attempt++) {
        const version = ((await versions()).at(-1) ?? COMMITTED_VERSION) + 1;
        try {
          await upload(nameOf(version), { version, publishedAt: at.toISOString(), note, files }, { ifNoneMatch: '*' });
        } catch (err) {
          if (refused(err)) continue;
          throw err;
        }
        await upload(CURRENT, { version });
        return version;
      }
      throw new Error('Another instance kept publishing at the same time; try again');
    },
    async switchTo(version) {
      if (version !== COMMITTED_VERSION && !(await get(version))) throw new UnknownVersionError(version);
      await upload(CURRENT, { version });
    },
    draft: async () => (await readDraft())?.draft,
    async saveDraft(files, basedOn, revision, at = new Date()) {
      const stored = await readDraft();
      // The caller's revision must be the live draft's; undefined matches no draft, or a tombstone.
      if (stored?.draft?.revision !== revision) return undefined;
      const next = (stored?.revision ?? 0) + 1;
      try {
        await upload(DRAFT, { basedOn, savedAt: at.toISOString(), revision: next, files }, stored ? { ifMatch: stored.etag } : { ifNoneMatch: '*' });
        return next;
      } catch (err) {
        if (draftLost(err)) return undefined;
        throw err;
      }
    },
    async discardDraft(revision) {
      const stored = await readDraft();
      if (!stored?.draft || stored.draft.revision !== revision) return false;
      try {
        await upload(DRAFT, { revision: revision + 1, discarded: true }, { ifMatch: stored.etag });
        return true;
      } catch (err) {
        if (draftLost(err)) return false;
        throw err;
      }
    },
  };
}
