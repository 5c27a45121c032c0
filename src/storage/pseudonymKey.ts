import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PSEUDONYM_KEY_FILE = 'pseudonym.key';

/**
 * The key of the pseudonyms in SQLite's storage keys, when PSEUDONYM_KEY is not set: generated once and
 * kept beside the database, readable by its owner only, so that a restart finds its conversations again.
 * Keeping it in the database itself would hand it to anyone with a copy of the file.
 */
export function sqlitePseudonymKey(dataDir: string): string {
  const file = join(dataDir, PSEUDONYM_KEY_FILE);
  const existing = readKey(file);
  if (existing) return existing;
  try {
    // wx: of two processes starting at once on a new folder, the second reads the first's key rather than overwriting it.
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
    chmodSync(file, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const key = readKey(file);
  if (!key) throw new Error(`${file} is empty`);
  return key;
}

function readKey(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
