import type { AddressInfo } from 'node:net';
import { MemoryStorage, type Storage } from 'botbuilder';
import { createAdapter } from './bot/adapter';
import { composeBot } from './bot/composeBot';
import { ConfigError, isAnonymous, loadDotEnv, packageVersion, parseConfig } from './config';
import { chatMode, webChatOptions } from './directline/webChat';
import { createServer } from './http/server';
import { KnowledgeError, loadKnowledge } from './knowledge/loadKnowledge';
import { createLogger, type Logger } from './logger';

export interface RunningBot {
  /** Base URL, e.g. http://127.0.0.1:3978 */
  url: string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Defaults to an in-memory store; persistent stores arrive with #5. */
  storage?: Storage;
  logger?: Logger;
}

/** Wires configuration, knowledge, state, dialogs, bot and HTTP server together, and starts listening. */
export async function startBot(env: NodeJS.ProcessEnv, options: StartOptions = {}): Promise<RunningBot> {
  const config = parseConfig(env);
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const knowledge = loadKnowledge(config.KNOWLEDGE_DIR);
  const { bot } = composeBot({ knowledge, storage: options.storage ?? new MemoryStorage(), logger });

  const adapter = createAdapter(config, logger);
  const version = packageVersion();
  const webChat = webChatOptions(config);
  const server = createServer({
    adapter,
    logic: (context) => bot.run(context),
    health: () => ({ status: 'ok', entries: knowledge.entries.length, version }),
    logger,
    webChat,
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  if (isAnonymous(config)) {
    logger.warn('anonymous_mode', { reason: 'MicrosoftAppId is not set: requests are not authenticated. Fine for the Emulator and local tests, never for production.' });
  }
  logger.info('listening', { url: `${url}/api/messages`, entries: knowledge.entries.length, version, chat: chatMode(webChat) });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections would hold close() open until they time out.
        server.server.closeIdleConnections();
      }),
  };
}

async function main(): Promise<void> {
  loadDotEnv();
  // Handlers go in before start-up, so a stop signal that arrives while starting is not lost.
  let bot: RunningBot | undefined;
  const stop = () => void (bot?.close() ?? Promise.resolve()).then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    bot = await startBot(process.env);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof KnowledgeError) {
      process.stderr.write(`Cannot start the bot. ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

if (require.main === module) void main();
