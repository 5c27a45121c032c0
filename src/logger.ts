/** Most severe first; a level logs itself and everything before it. */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;

export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Structured fields only. Callers pass event names, ids of knowledge entries, scores and timings; never a
 * user's text, name or id. Our users support a human-rights organisation, and logs travel further than
 * anyone intends.
 */
export type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  error(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  debug(event: string, fields?: LogFields): void;
}

/** One JSON object per line on stderr, so stdout stays free for tools and the lines are easy to ship. */
export function createLogger(level: LogLevel, write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const at = (lvl: LogLevel) => (event: string, fields: LogFields = {}) => {
    if (LOG_LEVELS.indexOf(lvl) > threshold) return;
    write(JSON.stringify({ time: new Date().toISOString(), level: lvl, event, ...fields }));
  };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

/** Error details safe to log: the class and message of the error and where it came from, not the turn's text. */
export function errorFields(err: unknown): LogFields {
  if (err instanceof Error) return { error: err.name, message: err.message, stack: err.stack };
  return { error: typeof err };
}
