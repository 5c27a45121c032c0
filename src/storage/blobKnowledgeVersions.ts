import { RestError, type ContainerClient } from '@azure/storage-blob';
import { z } from 'zod';
import { listBlobs } from './blobStorage';
import { COMMITTED_VERSION, filesSchema, UnknownVersionError, type KnowledgeVersion, type KnowledgeVersionStore } from './knowledgeVersions';
import { withTimeout } from './withTimeout';

const PREFIX = 'knowledge/';
const CURRENT = `${PREFIX}current.json`;
/** Zero-padded, so that listing gives versions in order. */
const nameOf = (version: number) => `${PREFIX}versions/${String(version).padStart(8, '0')}.json`;

const versionSchema = z.object({ version: z.number().int(), publishedAt: z.iso.datetime(), note: z.string(), files: filesSchema });
const currentSchema = z.object({ version: z.number().int().positive() });

/** How many times a publish tries the next number when another instance took it first. */
const PUBLISH_ATTEMPTS = 5;

/**
 * Versions as JSON blobs under `knowledge/` in the state container; the "/" keeps them out of the state
 * purge. Each version is created only if its name is free (If-None-Match: *), so two instances publishing
 * at once get two numbers; current.json names the one to serve.
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
  const upload = (name: string, value: unknown, createOnly: boolean) => {
    const body = JSON.stringify(value);
    return withTimeout('knowledge write', timeoutMs, (abortSignal) =>
      container.getBlockBlobClient(name).upload(body, Buffer.byteLength(body), {
        ...(createOnly ? { conditions: { ifNoneMatch: '*' } } : {}),
        blobHTTPHeaders: { blobContentType: 'application/json' },
        abortSignal,
      }),
    );
  };
  const get = async (version: number): Promise<KnowledgeVersion | undefined> => {
    const parsed = versionSchema.safeParse(await download(nameOf(version)));
    return parsed.success ? { ...parsed.data, publishedAt: new Date(parsed.data.publishedAt) } : undefined;
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
          await upload(nameOf(version), { version, publishedAt: at.toISOString(), note, files }, true);
        } catch (err) {
          if (err instanceof RestError && (err.statusCode === 409 || err.statusCode === 412)) continue;
          throw err;
        }
        await upload(CURRENT, { version }, false);
        return version;
      }
      throw new Error('Another instance kept publishing at the same time; try again');
    },
    async switchTo(version) {
      if (version !== COMMITTED_VERSION && !(await get(version))) throw new UnknownVersionError(version);
      await upload(CURRENT, { version }, false);
    },
  };
}
