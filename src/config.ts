import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { z } from 'zod';

/** The project root, whether running from src/ under tsx or from dist/src/ after a build. */
export const PROJECT_ROOT = ((parent) => (basename(parent) === 'dist' ? resolve(parent, '..') : parent))(resolve(__dirname, '..'));

const optionalText = z.string().trim().optional();

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;

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
  })
  .superRefine((env, ctx) => {
    if (!env.MicrosoftAppId) {
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

/** The version reported by /healthz: the package's, so a deployment can be matched to a release. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(resolve(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}
