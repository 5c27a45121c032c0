import type { AddressInfo } from 'node:net';
import type { TurnContext } from 'botbuilder';
import { activityProcessor, createAdapter } from './bot/adapter';
import { composeBot } from './bot/composeBot';
import { ConfigError, isAnonymous, loadDotEnv, packageVersion, parseConfig, storageOptions, type Config } from './config';
import { chatMode, webChatOptions } from './directline/webChat';
import { createServer } from './http/server';
import { KnowledgeError, loadKnowledge } from './faq/knowledge/loadKnowledge';
import { createLogger, errorFields, type Logger } from './logger';
import { createStorage, type StateStore } from './storage/createStorage';

export interface RunningBot {
  /** Base URL, e.g. http://127.0.0.1:3978 */
  url: string;
  /** Stops accepting requests, lets the turns in flight finish, then closes the store. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Replaces the store the configuration names (STORAGE), for tests that share or break one. */
  store?: StateStore;
  logger?: Logger;
}

/** Turns still running this long after a stop signal are cut off, so the process exits within 10 s. */
const DRAIN_MS = 8000;

/** The store could not be opened at start-up: a clear reason rather than the storage SDK's stack. */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`The state store did not answer (${cause instanceof Error ? cause.message : String(cause)})`, { cause });
    this.name = 'StoreUnavailableError';
  }
}

async function openStore(config: Config, logger: Logger): Promise<StateStore> {
  try {
    return await createStorage(storageOptions(config), logger);
  } catch (err) {
    throw new StoreUnavailableError(err);
  }
}

/** Wires configuration, knowledge, state, dialogs, bot and HTTP server together, and starts listening. */
export async function startBot(env: NodeJS.ProcessEnv, options: StartOptions = {}): Promise<RunningBot> {
  const config = parseConfig(env);
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const knowledge = loadKnowledge(config.KNOWLEDGE_DIR);
  const store = options.store ?? (await openStore(config, logger));
  const { bot } = composeBot({ knowledge, storage: store.storage, curation: store.curation, pseudonymise: store.pseudonymise, logger });

  const botAdapter = createAdapter(config, logger);
  const logic = (context: TurnContext) => bot.run(context);
  const version = packageVersion();
  const webChat = webChatOptions(config);
  const server = createServer({
    process: activityProcessor(botAdapter, logic, logger),
    adapter: botAdapter.adapter,
    logic,
    anonymous: isAnonymous(config),
    health: async () => {
      const storeUp = await store.ping();
      return { status: storeUp ? 'ok' : 'degraded', store: storeUp ? 'up' : 'down', storage: store.kind, entries: knowledge.entries.length, version };
    },
    logger,
    webChat,
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.PORT, config.HOST, () => resolve());
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  if (isAnonymous(config)) {
    logger.warn('anonymous_mode', {
      reason: 'MicrosoftAppId is not set: requests are not authenticated, and replies go to loopback serviceUrls only. Fine for the Emulator and local tests, never for production.',
    });
  }
  logger.info('listening', { url: `${url}/api/messages`, entries: knowledge.entries.length, version, chat: chatMode(webChat) });
  let closing: Promise<void> | undefined;
  const close = async () => {
    await new Promise<void>((resolve) => {
      // Keep-alive connections would hold close() open until they time out: idle ones are closed as soon
      // as they are idle, busy ones once their turn has answered, and any left at DRAIN_MS are cut.
      const sweep = setInterval(() => server.server.closeIdleConnections(), 100);
      const cutOff = setTimeout(() => server.server.closeAllConnections(), DRAIN_MS);
      server.close(() => {
        clearInterval(sweep);
        clearTimeout(cutOff);
        resolve();
      });
      server.server.closeIdleConnections();
    });
    await store.close();
    logger.info('stopped', {});
  };
  return { url, close: () => (closing ??= close()) };
}

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
