import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { LOG_LEVELS } from '../shared/logger';
import { isLoopbackHost } from '../shared/loopback';
import { containerNameSchema, STORAGE_KINDS, type StorageOptions } from '../storage/storageOptions';

import { PROJECT_ROOT } from '../shared/projectRoot';

const optionalText = z.string().trim().optional();
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The Direct Line secret travels to this URL, so it must be https; plain http is accepted only on loopback,
 * for the local stand-in the tests use. The browser's Direct Line domain is derived from it (see
 * directLineDomain), which is why it must end in /tokens/generate.
 */
const tokenUrl = z.string().superRefine((value, ctx) => {
  const problem = tokenUrlProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

function tokenUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be a URL';
  }
  if (!isHttpsOrLoopbackHttp(url)) return 'must use https (plain http only on loopback)';
  if (!url.pathname.endsWith('/tokens/generate')) return 'must end in /tokens/generate';
  return undefined;
}

/** https, or plain http on loopback only: a local stand-in in tests, never a service across a network. */
function isHttpsOrLoopbackHttp(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}

const httpsUrl = z.string().refine((value) => {
  try {
    return isHttpsOrLoopbackHttp(new URL(value));
  } catch {
    return false;
  }
}, 'must be an https URL (plain http only on loopback)');

/** "a, b," → ['a', 'b'], each item then checked by `item`. */
function commaList<T extends z.ZodType<unknown, string>>(item: T) {
  return z
    .string()
    .transform((list) =>
      list
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ''),
    )
    .pipe(z.array(item));
}

/** "https://a.org, https://b.org" → ['https://a.org', 'https://b.org'], each checked to be a bare origin. */
const originList = commaList(
  z.string().refine((origin) => {
    try {
      const url = new URL(origin);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === origin;
    } catch {
      return false;
    }
  }, 'each entry must be an origin such as https://www.amnesty.org.uk (scheme and host, no path or trailing slash)'),
);

/**
 * Every environment variable the bot reads, with its default. `.env.example` documents the same list;
 * tests/config.test.ts keeps the two in step.
 */
export const envSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3978),
    /** Loopback by default so a developer's bot is not reachable from the network; containers set 0.0.0.0. */
    HOST: z.union([z.ipv4(), z.ipv6(), z.literal('localhost')]).default('127.0.0.1'),
    KNOWLEDGE_DIR: z.string().trim().min(1).default(resolve(PROJECT_ROOT, 'knowledge')),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional(),
    MicrosoftAppId: optionalText,
    MicrosoftAppPassword: optionalText,
    MicrosoftAppTenantId: optionalText,
    /** Turns on the Azure Direct Line token exchange; without it the page talks to the bot's own local endpoint. */
    DIRECT_LINE_SECRET: optionalText,
    DIRECT_LINE_TOKEN_URL: tokenUrl.default('https://directline.botframework.com/v3/directline/tokens/generate'),
    /** Other sites allowed to fetch a token (the page served here is same-origin and needs no entry). */
    ALLOWED_ORIGINS: originList.default([]),
    /** Token requests per minute per client, which is also the burst a client may spend at once. */
    TOKEN_RATE_LIMIT: z.coerce.number().int().min(1).max(10_000).default(10),
    /**
     * Behind a reverse proxy (App Service, Front Door) every request comes from the proxy, so the rate limit
     * would lump all visitors together; the proxy's own X-Forwarded-For entry (the last) names the client.
     * Off by default because a client can write any X-Forwarded-For it likes when no proxy is in front.
     */
    TRUST_PROXY: z.stringbool({ error: 'must be true or false' }).default(false),
    /** Where conversation state and curation records live: a SQLite file, Azure Blob storage (many instances), or memory (tests). */
    STORAGE: z.enum(STORAGE_KINDS).default('sqlite'),
    /** SQLite's folder, created if missing. */
    DATA_DIR: z.string().trim().min(1).default(resolve(PROJECT_ROOT, 'data')),
    AZURE_STORAGE_CONNECTION_STRING: optionalText,
    AZURE_STORAGE_CONTAINER: containerNameSchema.optional(),
    /** Conversation state untouched for this many days is deleted. */
    STATE_TTL_DAYS: z.coerce.number().positive().default(30),
    /** Unanswered questions and 👍/👎 older than this many days are deleted, with the same schedule as state. */
    CURATION_TTL_DAYS: z.coerce.number().positive().default(90),
    /**
     * The key of the keyed hash that stands in for channel ids in storage keys and stored state. Every
     * instance sharing a store needs the same one; SQLite keeps a generated one beside its database if unset.
     */
    PSEUDONYM_KEY: z.string().trim().min(32, 'must be at least 32 characters (e.g. openssl rand -base64 32)').optional(),
    /**
     * Asking a person: the Microsoft 365 tenant of the supporter care team. Set, it turns handoff on; only a
     * Teams channel of this tenant can be made the experts' channel, and only there can questions be answered.
     */
    HANDOFF_TENANT_ID: z.string().trim().regex(GUID, 'must be a tenant id (a GUID)').optional(),
    /**
     * The Entra object ids of the people who may choose the experts' channel. Without this, anyone in the
     * tenant with the app in a team could send supporters' questions, email addresses among them, to it.
     */
    HANDOFF_ADMIN_IDS: commaList(z.string().toLowerCase().regex(GUID, 'each entry must be an Entra object id (a GUID)')).default([]),
    /**
     * Turns on the curators' workbench at /curate: the token curators sign in with, and that API calls send
     * as `Authorization: Bearer`. Unset, nothing answers under /curate but a 404.
     */
    CURATOR_TOKEN: z.string().trim().min(32, 'must be at least 32 characters (e.g. openssl rand -base64 32)').optional(),
    /**
     * Only behind App Service Authentication, which sets X-MS-CLIENT-PRINCIPAL and removes it from what
     * clients send: signed-in principals (names, email addresses or Entra object ids) let in without the token.
     */
    CURATOR_PRINCIPALS: commaList(z.string().trim().toLowerCase().min(1)).default([]),
    /** A question open longer than this is brought up again in the experts' channel. */
    HANDOFF_SLA_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 30)
      .default(24),
    /** A ticket, and with it an email address, is kept at most this long; it is closed unanswered then. */
    HANDOFF_TTL_DAYS: z.coerce.number().positive().default(14),
    /** Where answers are emailed from, to supporters who left the chat: smtp://user:pass@host:587 or smtps://…. */
    SMTP_URL: z
      .string()
      .trim()
      .refine((value) => {
        try {
          return ['smtp:', 'smtps:'].includes(new URL(value).protocol);
        } catch {
          return false;
        }
      }, 'must be an smtp:// or smtps:// URL')
      .optional(),
    /** The From address of those emails, e.g. "Amnesty International UK <supportercare@amnesty.org.uk>". */
    SMTP_FROM: optionalText,
    /**
     * Anonymous mode answers anyone who can reach the port, so it is for loopback; this opts in to it on a
     * network interface (a private network in front of a test deployment, never the internet).
     */
    ALLOW_ANONYMOUS_ON_NETWORK: z.stringbool({ error: 'must be true or false' }).default(false),
    /**
     * Where the Bot Framework token issuers publish their signing keys (Bot Framework's own setting names).
     * Microsoft's defaults; tests point them at a local stand-in.
     */
    ToBotFromChannelOpenIdMetadataUrl: httpsUrl.optional(),
    ToBotFromEmulatorOpenIdMetadataUrl: httpsUrl.optional(),
  })
  .superRefine((env, ctx) => {
    if (env.STORAGE === 'blob') {
      for (const key of ['AZURE_STORAGE_CONNECTION_STRING', 'AZURE_STORAGE_CONTAINER'] as const) {
        if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when STORAGE is blob' });
      }
    }
    if (env.STORAGE === 'blob' && !env.PSEUDONYM_KEY) {
      ctx.addIssue({ code: 'custom', path: ['PSEUDONYM_KEY'], message: 'is required when STORAGE is blob: every instance must hash ids alike' });
    }
    if (env.SMTP_URL && !env.SMTP_FROM) ctx.addIssue({ code: 'custom', path: ['SMTP_FROM'], message: 'is required when SMTP_URL is set' });
    // Tickets live in the state store, whose own retention would delete them first.
    if (env.HANDOFF_TENANT_ID && env.HANDOFF_ADMIN_IDS.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['HANDOFF_ADMIN_IDS'],
        message: "is required when HANDOFF_TENANT_ID is set: it names who may choose the experts' channel",
      });
    }
    if (env.HANDOFF_TENANT_ID && env.HANDOFF_TTL_DAYS > env.STATE_TTL_DAYS) {
      ctx.addIssue({
        code: 'custom',
        path: ['HANDOFF_TTL_DAYS'],
        message: `must be at most STATE_TTL_DAYS (${env.STATE_TTL_DAYS}): tickets are kept in the state store`,
      });
    }
    if (!env.MicrosoftAppId) {
      if (!isLoopbackHost(env.HOST) && !env.ALLOW_ANONYMOUS_ON_NETWORK) {
        ctx.addIssue({
          code: 'custom',
          path: ['HOST'],
          message:
            `is ${env.HOST}, a network interface, but MicrosoftAppId is not set, so anyone could talk to the bot unauthenticated; ` +
            'set MicrosoftAppId, or HOST=127.0.0.1, or ALLOW_ANONYMOUS_ON_NETWORK=true to accept that',
        });
      }
      for (const key of ['MicrosoftAppPassword', 'MicrosoftAppTenantId', 'MicrosoftAppType'] as const) {
        if (env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is set but MicrosoftAppId is not' });
      }
      return;
    }
    if (env.MicrosoftAppType !== 'UserAssignedMSI' && !env.MicrosoftAppPassword) {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppPassword'], message: 'is required when MicrosoftAppId is set' });
    }
    if (env.MicrosoftAppType && env.MicrosoftAppType !== 'MultiTenant' && !env.MicrosoftAppTenantId) {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppTenantId'], message: `is required when MicrosoftAppType is ${env.MicrosoftAppType}` });
    }
  });

export type Config = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Bot Framework's own settings are read case-insensitively (as ConfigurationBotFrameworkAuthentication
 * does), so `MICROSOFTAPPID` and `MicrosoftAppId` mean the same. A blank value, as copied from
 * .env.example, means "not set".
 */
function canonicalKeys(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const known = Object.keys(envSchema.shape);
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(env)) {
    const canonical = known.find((k) => k.toLowerCase() === key.toLowerCase());
    if (canonical && value?.trim()) out[canonical] = value;
  }
  return out;
}

export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const result = envSchema.safeParse(canonicalKeys(env));
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`));
  }
  return result.data;
}

/** Reads `.env` from the project root if there is one; variables already set in the environment win. */
export function loadDotEnv(): void {
  const file = resolve(PROJECT_ROOT, '.env');
  if (existsSync(file)) process.loadEnvFile(file);
}

export function isAnonymous(config: Config): boolean {
  return !config.MicrosoftAppId;
}

/** Where browsers reach Direct Line: the token URL without /tokens/generate (Azure's is …/v3/directline). */
export function directLineDomain(config: Config): string {
  const url = new URL(config.DIRECT_LINE_TOKEN_URL);
  return `${url.origin}${url.pathname.replace(/\/tokens\/generate$/, '')}`;
}

/** The version reported by /healthz: the package's, so a deployment can be matched to a release. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(resolve(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The store the configuration asks for, as createStorage takes it. */
export function storageOptions(config: Config): StorageOptions {
  return {
    kind: config.STORAGE,
    dataDir: resolve(PROJECT_ROOT, config.DATA_DIR),
    connectionString: config.AZURE_STORAGE_CONNECTION_STRING,
    container: config.AZURE_STORAGE_CONTAINER,
    ttlDays: config.STATE_TTL_DAYS,
    curationTtlDays: config.CURATION_TTL_DAYS,
    pseudonymKey: config.PSEUDONYM_KEY,
  };
}
