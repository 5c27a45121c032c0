import type { CloudAdapter, TurnContext } from 'botbuilder';
import type { Server } from 'restify';
import { directLineDomain, isAnonymous, type Config } from '../config';
import type { Logger } from '../logger';
import { registerPageRoutes, withWebSocketOrigin } from '../web/pageRoutes';
import { ConversationStore } from './conversationStore';
import { LOCAL_DIRECT_LINE_PREFIX, registerLocalDirectLine } from './localDirectLine';
import { LocalTokens } from './localTokens';
import { RateLimiter } from './rateLimiter';
import { registerTokenEndpoint, type ChatBackend } from './tokenEndpoint';

/** The website chat's settings, from validated configuration. */
export interface WebChatOptions {
  /** Azure Direct Line, when DIRECT_LINE_SECRET is set. */
  azure?: { secret: string; tokenUrl: string; domain: string };
  /**
   * The bot's own Direct Line endpoint, for local and offline use: only without Bot Framework credentials,
   * since it hands the bot unauthenticated activities, and only when no secret makes it unnecessary.
   */
  localEndpoint: boolean;
  allowedOrigins: readonly string[];
  tokenRateLimit: number;
  trustProxy: boolean;
}

export function webChatOptions(config: Config): WebChatOptions {
  return {
    azure: config.DIRECT_LINE_SECRET ? { secret: config.DIRECT_LINE_SECRET, tokenUrl: config.DIRECT_LINE_TOKEN_URL, domain: directLineDomain(config) } : undefined,
    localEndpoint: isAnonymous(config) && !config.DIRECT_LINE_SECRET,
    allowedOrigins: config.ALLOWED_ORIGINS,
    tokenRateLimit: config.TOKEN_RATE_LIMIT,
    trustProxy: config.TRUST_PROXY,
  };
}

export interface WebChatDependencies {
  adapter: CloudAdapter;
  logic: (context: TurnContext) => Promise<void>;
  logger: Logger;
  ownUrl: () => string;
}

/** Where the page's chat goes: Azure Direct Line, the bot's own endpoint, or nowhere (Teams-only deployments). */
export function chatMode(options: WebChatOptions): ChatBackend['kind'] {
  return options.azure ? 'azure' : options.localEndpoint ? 'local' : 'off';
}

/** The page, the token endpoint and (in anonymous mode) the local Direct Line endpoint. */
export function registerWebChat(server: Server, deps: WebChatDependencies, options: WebChatOptions): void {
  let backend: ChatBackend = { kind: 'off' };
  if (options.azure) {
    backend = { kind: 'azure', ...options.azure };
  } else if (options.localEndpoint) {
    const tokens = new LocalTokens();
    backend = { kind: 'local', tokens, domain: LOCAL_DIRECT_LINE_PREFIX };
    registerLocalDirectLine(server, {
      ...deps,
      tokens,
      store: new ConversationStore(),
      limiter: new RateLimiter(options.tokenRateLimit),
      trustProxy: options.trustProxy,
    });
  }

  registerPageRoutes(server, {
    connectOrigins: options.azure ? withWebSocketOrigin(new URL(options.azure.domain).origin) : [],
    frameAncestors: options.allowedOrigins,
  });
  registerTokenEndpoint(server, {
    backend,
    allowedOrigins: options.allowedOrigins,
    limiter: new RateLimiter(options.tokenRateLimit),
    trustProxy: options.trustProxy,
    logger: deps.logger,
  });
}
