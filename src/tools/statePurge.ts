import { loadDotEnv, parseConfig, storageOptions } from '../app/config';
import { createStorage } from '../storage/createStorage';

/**
 * `npm run state:purge`: deletes conversation state not written for STATE_TTL_DAYS days, and curation
 * records older than CURATION_TTL_DAYS, and prints how many went. Blob storage is shared by every
 * instance, so its retention is this command run on a schedule (cron, an Azure Container Apps job, a
 * WebJob); SQLite also purges by itself while the bot runs.
 */
async function main(): Promise<void> {
  loadDotEnv();
  const options = storageOptions(parseConfig(process.env));
  const store = await createStorage({ ...options, schedulePurge: false });
  try {
    const deleted = await store.purgeExpired();
    process.stdout.write(`Deleted ${deleted} conversation state item(s) not written for ${options.ttlDays} days (${store.kind} storage).\n`);
    const curation = await store.purgeExpiredCuration();
    process.stdout.write(`Deleted ${curation} curation record(s) older than ${options.curationTtlDays} days.\n`);
  } finally {
    await store.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
