import type { ServerOptions } from 'restify';
import type { Logger } from '../../shared/logger';

/**
 * The logger restify is given in place of its own pino, which writes whole requests (body, names, tenant)
 * at warn level when a reply cannot be serialised. restify's calls carry objects (the request, the error)
 * and a message of its own; only that message is kept, as the `message` of one event, and the objects are
 * dropped unread. Its trace-level checks (`log.trace()` with no arguments) answer "not enabled".
 */
export function frameworkLog(logger: Logger): NonNullable<ServerOptions['log']> {
  const at =
    (write: Logger['warn']) =>
    (...args: unknown[]) => {
      if (args.length === 0) return true;
      const message = args.find((arg): arg is string => typeof arg === 'string');
      write('http_framework', { message: message?.slice(0, 200) });
      return undefined;
    };
  const quiet = () => false;
  const log = {
    level: 'warn',
    trace: quiet,
    debug: quiet,
    info: quiet,
    warn: at((event, fields) => {
      logger.warn(event, fields);
    }),
    error: at((event, fields) => {
      logger.error(event, fields);
    }),
    fatal: at((event, fields) => {
      logger.error(event, fields);
    }),
    child: () => log,
  };
  return log as unknown as NonNullable<ServerOptions['log']>;
}
