import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDotEnv, parseConfig, storageOptions } from '../app/config';
import { changedFiles } from '../curation/draftDesk';
import { KNOWLEDGE_REFRESH_MS } from '../curation/publishedKnowledge';
import { formatProblem, KnowledgeError, loadKnowledge, readKnowledgeDir } from '../faq';
import { createStorage } from '../storage/createStorage';
import { COMMITTED_VERSION, type KnowledgeVersionStore } from '../storage/knowledgeVersions';

const USAGE = [
  'usage: npm run kb:publish -- [--note "what changed"]   publish knowledge/ to every instance sharing the store',
  '       npm run kb:versions                             list the published versions',
  '       npm run kb:rollback -- VERSION                  serve an earlier version again (1: knowledge/ as committed)',
  '       npm run kb:pull                                 write the version being served into knowledge/, to review and commit',
].join('\n');

const within = `every instance sharing the store serves it within ${(2 * KNOWLEDGE_REFRESH_MS) / 1000} s`;

async function publish(versions: KnowledgeVersionStore, dir: string, note: string): Promise<string> {
  loadKnowledge(dir);
  const files = readKnowledgeDir(dir);
  const current = await versions.current();
  const served = current === COMMITTED_VERSION ? undefined : (await versions.get(current))?.files;
  const differences = served ? changedFiles(served, files) : Object.keys(files);
  if (served && differences.length === 0) return `Nothing to publish: knowledge/ is version ${current}, which is being served.`;
  const version = await versions.publish(files, note);
  return `Published version ${version} (${served ? `changed: ${differences.join(', ')}` : `${differences.length} files`}); ${within}.`;
}

async function list(versions: KnowledgeVersionStore): Promise<string> {
  const current = await versions.current();
  const rows = [
    `${current === COMMITTED_VERSION ? '*' : ' '} 1  knowledge/ as committed`,
    ...(await versions.list()).map((v) => `${v.version === current ? '*' : ' '} ${v.version}  ${v.publishedAt.toISOString()}  ${v.note}`),
  ];
  return `${rows.join('\n')}\n(* is being served)`;
}

async function pull(versions: KnowledgeVersionStore, dir: string): Promise<string> {
  const current = await versions.current();
  if (current === COMMITTED_VERSION) return 'knowledge/ is the version being served (1): nothing to pull.';
  const stored = await versions.get(current);
  if (!stored) throw new Error(`the store names version ${current} as current but does not hold it`);
  // Files the version does not have stay: a curator deletes a file by hand, in a commit of its own.
  const written = changedFiles(readKnowledgeDir(dir), stored.files).filter((name) => stored.files[name] !== undefined);
  for (const name of written) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), stored.files[name] ?? '');
  }
  if (written.length === 0) return `knowledge/ already holds version ${current}.`;
  return `Wrote version ${current} into knowledge/ (${written.join(', ')}); review it with git diff, then commit it.`;
}

/** `npm run kb:publish`, `kb:versions`, `kb:rollback` and `kb:pull`: knowledge versions in the state store. */
async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { note: { type: 'string' } } });
  const [command, argument] = positionals;
  loadDotEnv();
  const config = parseConfig(process.env);
  const dir = resolve(config.KNOWLEDGE_DIR);
  const store = await createStorage({ ...storageOptions(config), schedulePurge: false });
  try {
    let said: string;
    if (command === 'publish') said = await publish(store.knowledge, dir, values.note ?? '');
    else if (command === 'list') said = await list(store.knowledge);
    else if (command === 'pull') said = await pull(store.knowledge, dir);
    else if (command === 'rollback' && argument && /^\d+$/.test(argument)) {
      await store.knowledge.switchTo(Number(argument));
      said = `Version ${argument} is current again; ${within}.`;
    } else {
      process.stderr.write(`${USAGE}\n`);
      process.exitCode = 2;
      return;
    }
    process.stdout.write(`${said}\n`);
  } finally {
    await store.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    err instanceof KnowledgeError ? `${err.problems.map(formatProblem).join('\n')}\n` : `${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exitCode = 1;
});
