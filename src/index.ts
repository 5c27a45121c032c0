import type { AddressInfo } from 'node:net';
import type { TurnContext } from 'botbuilder';
import { activityProcessor, createAdapter } from './bot/adapter';
import { composeBot, type HandoffSetup } from './bot/composeBot';
import { connectorMessenger } from './bot/proactive';
import { ConfigError, isAnonymous, loadDotEnv, packageVersion, parseConfig, storageOptions, type Config } from './config';
import { chatMode, webChatOptions } from './directline/webChat';
import { createServer } from './http/server';
import { KnowledgeError, loadKnowledge } from './faq';
import { HandoffDesk, type HandoffDeskOptions } from './handoff/handoffDesk';
import { smtpMailer } from './handoff/mailer';
import type { Messenger } from './handoff/messenger';
import { TicketStore } from './handoff/ticketStore';
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
  /** For tests of asking a person: a clock, how long a supporter counts as still in the chat, how often to sweep. */
  handoff?: Pick<HandoffDeskOptions, 'now' | 'chatPresenceMs'> & { sweepIntervalMs?: number; messenger?: Messenger };
}

/** How often each instance looks for tickets to remind the experts of, or to close for age. */
const HANDOFF_SWEEP_MS = 5 * 60 * 1000;

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
  const botAdapter = createAdapter(config, logger);
  const handoff = handoffSetup(config, store, botAdapter.authentication, knowledge, logger, options.handoff);
  const { bot } = composeBot({ knowledge, storage: store.storage, curation: store.curation, pseudonymise: store.pseudonymise, logger, ...(handoff ? { handoff } : {}) });

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
  logger.info('listening', { url: `${url}/api/messages`, entries: knowledge.entries.length, version, chat: chatMode(webChat), handoff: handoff !== undefined });
  const sweeper = handoff && startSweeping(handoff.desk, options.handoff?.sweepIntervalMs ?? HANDOFF_SWEEP_MS, logger);
  let closing: Promise<void> | undefined;
  const close = async () => {
    clearInterval(sweeper);
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

/** The supporter care team's desk, when HANDOFF_TENANT_ID turns it on. */
function handoffSetup(
  config: Config,
  store: StateStore,
  authentication: Parameters<typeof connectorMessenger>[0],
  knowledge: ReturnType<typeof loadKnowledge>,
  logger: Logger,
  overrides: StartOptions['handoff'],
): HandoffSetup | undefined {
  if (!config.HANDOFF_TENANT_ID) return undefined;
  const mailer = config.SMTP_URL && config.SMTP_FROM ? smtpMailer(config.SMTP_URL, config.SMTP_FROM) : undefined;
  const desk = new HandoffDesk({
    store: new TicketStore(store.storage),
    messenger: overrides?.messenger ?? connectorMessenger(authentication, config.MicrosoftAppId),
    settings: { tenantId: config.HANDOFF_TENANT_ID, adminIds: config.HANDOFF_ADMIN_IDS, slaHours: config.HANDOFF_SLA_HOURS, ttlDays: config.HANDOFF_TTL_DAYS },
    logger,
    curation: store.curation,
    entryQuestion: (id) => knowledge.entries.find((entry) => entry.id === id)?.question,
    ...(mailer ? { mailer } : {}),
    ...(overrides?.now ? { now: overrides.now } : {}),
    ...(overrides?.chatPresenceMs !== undefined ? { chatPresenceMs: overrides.chatPresenceMs } : {}),
  });
  return { desk, slaHours: config.HANDOFF_SLA_HOURS, email: mailer !== undefined };
}

/** Reminders and expiry on a timer that does not keep the process alive; a failed sweep is logged and tried again. */
function startSweeping(desk: HandoffDesk, intervalMs: number, logger: Logger): NodeJS.Timeout {
  const timer = setInterval(() => {
    desk.sweep().catch((err: unknown) => logger.warn('handoff_sweep_failed', errorFields(err)));
  }, intervalMs);
  timer.unref();
  return timer;
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
