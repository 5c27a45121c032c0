import type { CloudAdapter, TurnContext } from 'botbuilder';
import type { Server } from 'restify';
import type { Logger } from '../../shared/logger';
import { registerPageRoutes, withWebSocketOrigin } from './pageRoutes';
import { ConversationStore } from '../local-directline/conversationStore';
import { LOCAL_DIRECT_LINE_PREFIX, registerLocalDirectLine } from '../local-directline/localDirectLine';
import { LocalTokens } from '../local-directline/localTokens';
import { RateLimiter } from '../http/rateLimiter';
import { registerTokenEndpoint, type ChatBackend } from './tokenEndpoint';

/** The website chat's settings, from validated configuration (src/app/compose.ts). */
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
