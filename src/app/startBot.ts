import type { TurnContext } from 'botbuilder';
import { activityProcessor, createAdapter } from '../bot/adapter';
import { registerCurateRoutes } from '../channels/curate/curateRoutes';
import { createServer } from '../channels/http/server';
import { chatMode, registerWebChat } from '../channels/web/webChat';
import { PublishedKnowledge } from '../curation/publishedKnowledge';
import { TurnTally } from '../curation/turnTally';
import { DraftDesk } from '../curation/draftDesk';
import { loadKnowledge, readKnowledgeDir } from '../faq';
import type { HandoffDesk } from '../handoff/handoffDesk';
import { createStorage, type StateStore } from '../storage/createStorage';
import { createLogger, errorFields, type Logger } from '../shared/logger';
import { adapterSettings, composeBot, curateBackend, webChatOptions } from './compose';
import type { HandoffOverrides } from './handoffSetup';
import { isAnonymous, packageVersion, parseConfig, storageOptions, type Config } from './config';
import { askOnce, measureVersions } from './versionMeasure';

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
  handoff?: HandoffOverrides & { sweepIntervalMs?: number };
  /** How often to ask the store which knowledge version to serve (KNOWLEDGE_REFRESH_MS), for tests of publishing. */
  knowledgeRefreshMs?: number;
  /** How often each instance writes its tally of outcomes, for tests of the overview. */
  tallyFlushMs?: number;
}

/** How often each instance looks for tickets to remind the experts of, or to close for age. */
const HANDOFF_SWEEP_MS = 5 * 60 * 1000;

/**
 * How often each instance writes what became of its questions to the curation log (and only if it counted
 * any): the overview, which is by day, is half an hour behind at most, and an instance writes at most 48
 * records a day rather than one a turn. On Blob each record is a download when the workbench reads 30 days,
 * so fewer, fuller records keep the page quick.
 */
const TALLY_FLUSH_MS = 30 * 60 * 1000;

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

/** The workbench's draft, over the store's versions; knowledge/ as committed is version 1. */
function draftDesk(store: StateStore, config: Config): DraftDesk {
  return new DraftDesk({ versions: store.knowledge, committedFiles: readKnowledgeDir(config.KNOWLEDGE_DIR), measure: measureVersions(), ask: askOnce });
}

/** Wires configuration, knowledge, state, dialogs, bot and HTTP server together, and starts listening. */
export async function startBot(env: NodeJS.ProcessEnv, options: StartOptions = {}): Promise<RunningBot> {
  const config = parseConfig(env);
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const knowledge = loadKnowledge(config.KNOWLEDGE_DIR);
  const store = options.store ?? (await openStore(config, logger));
  // Serves what curators last published, from the first turn on, and follows every publish after.
  const published = new PublishedKnowledge(store.knowledge, knowledge, logger);
  await published.refresh();
  const stopFollowing = published.follow(options.knowledgeRefreshMs);
  const botAdapter = createAdapter(adapterSettings(config), logger);
  const { HANDOFF_TENANT_ID } = config;
  // Loaded only when turned on: a bot that does not ask a person does not spend its start loading how.
  const handoff = HANDOFF_TENANT_ID
    ? (await import('./handoffSetup')).handoffSetup(
        { ...config, HANDOFF_TENANT_ID },
        store,
        botAdapter.authentication,
        () => published.knowledge,
        logger,
        options.handoff,
      )
    : undefined;
  const tally = new TurnTally();
  const { bot } = composeBot({
    knowledge,
    published,
    tally,
    storage: store.storage,
    curation: store.curation,
    pseudonymise: store.pseudonymise,
    logger,
    ...(handoff ? { handoff } : {}),
  });

  const logic = (context: TurnContext) => bot.run(context);
  const version = packageVersion();
  const webChat = webChatOptions(config);
  const server = createServer({
    process: activityProcessor(botAdapter, logic, logger),
    anonymous: isAnonymous(config),
    health: async () => {
      const storeUp = await store.ping();
      return {
        status: storeUp ? 'ok' : 'degraded',
        store: storeUp ? 'up' : 'down',
        storage: store.kind,
        entries: published.knowledge.entries.length,
        knowledge: published.version,
        version,
      };
    },
    logger,
    routes: (routes, ownUrl) => {
      registerWebChat(routes, { adapter: botAdapter.adapter, logic, logger, ownUrl }, webChat);
      if (config.CURATOR_TOKEN) {
        const curate = { token: config.CURATOR_TOKEN, principals: config.CURATOR_PRINCIPALS, trustProxy: config.TRUST_PROXY };
        registerCurateRoutes(routes, { ...curate, backend: curateBackend(store.knowledge, store.curation, published, draftDesk(store, config)), logger });
      }
    },
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.PORT, config.HOST, () => {
        resolve();
      });
    });
  } catch (err) {
    stopFollowing();
    await store.close();
    throw err;
  }
  const { address, port } = server.address();
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  if (isAnonymous(config)) {
    logger.warn('anonymous_mode', {
      reason:
        'MicrosoftAppId is not set: requests are not authenticated, and replies go to loopback serviceUrls only. ' +
        'Fine for the Emulator and local tests, never for production.',
    });
  }
  // Which sources, not what they say: a curator runs `npm run kb:check` for the list.
  if (knowledge.warnings.length > 0) logger.info('knowledge_review_due', { sources: knowledge.warnings.length });
  logger.info('listening', {
    url: `${url}/api/messages`,
    entries: published.knowledge.entries.length,
    knowledge: published.version,
    version,
    chat: chatMode(webChat),
    handoff: handoff !== undefined,
  });
  const sweeper = handoff && startSweeping(handoff.desk, options.handoff?.sweepIntervalMs ?? HANDOFF_SWEEP_MS, logger);
  const writeTally = () =>
    tally.flushTo(store.curation).catch((err: unknown) => {
      logger.warn('tally_write_failed', errorFields(err));
    });
  const tallying = setInterval(() => void writeTally(), options.tallyFlushMs ?? TALLY_FLUSH_MS);
  tallying.unref();
  let closing: Promise<void> | undefined;
  const close = async () => {
    clearInterval(sweeper);
    clearInterval(tallying);
    stopFollowing();
    await new Promise<void>((resolve) => {
      // Keep-alive connections would hold close() open until they time out: idle ones are closed as soon
      // as they are idle, busy ones once their turn has answered, and any left at DRAIN_MS are cut.
      const sweep = setInterval(() => {
        server.server.closeIdleConnections();
      }, 100);
      const cutOff = setTimeout(() => {
        server.server.closeAllConnections();
      }, DRAIN_MS);
      server.close(() => {
        clearInterval(sweep);
        clearTimeout(cutOff);
        resolve();
      });
      server.server.closeIdleConnections();
    });
    // The turns are over: what they counted is written before the store closes.
    await writeTally();
    await store.close();
    logger.info('stopped', {});
  };
  return { url, close: () => (closing ??= close()) };
}

/** Reminders and expiry on a timer that does not keep the process alive; a failed sweep is logged and tried again. */
function startSweeping(desk: HandoffDesk, intervalMs: number, logger: Logger): NodeJS.Timeout {
  const timer = setInterval(() => {
    desk.sweep().catch((err: unknown) => {
      logger.warn('handoff_sweep_failed', errorFields(err));
    });
  }, intervalMs);
  timer.unref();
  return timer;
}
