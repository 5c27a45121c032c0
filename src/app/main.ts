import { KnowledgeError } from '../faq';
import { errorFields } from '../shared/logger';
import { ConfigError, loadDotEnv } from './config';
import { startBot, StoreUnavailableError, type RunningBot } from './startBot';

/** The process: reads .env, starts the bot, stops it on a signal, and says plainly why it could not start. */
async function main(): Promise<void> {
  loadDotEnv();
  // Handlers go in before start-up, so a stop signal that arrives while starting is not lost.
  let bot: RunningBot | undefined;
  const stop = () =>
    void (bot?.close() ?? Promise.resolve()).then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`Stopping failed: ${JSON.stringify(errorFields(err))}\n`);
        process.exit(1);
      },
    );
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    bot = await startBot(process.env);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof KnowledgeError || err instanceof StoreUnavailableError) {
      process.stderr.write(`Cannot start the bot. ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

if (require.main === module) void main();
