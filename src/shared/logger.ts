import { redact, stripControls } from './redact';

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

/**
 * Controls out of a logged string, line by line. Some fields come from requests (an activity's channel id)
 * and a log line is often read decoded, in a terminal, where an escape sequence would act. Newlines stay:
 * JSON escapes them, and a stack trace needs them.
 */
const printable = (value: string) => value.split('\n').map(stripControls).join('\n');

/** One JSON object per line on stderr, so stdout stays free for tools and the lines are easy to ship. */
export function createLogger(level: LogLevel, write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const at =
    (lvl: LogLevel) =>
    (event: string, fields: LogFields = {}) => {
      if (LOG_LEVELS.indexOf(lvl) > threshold) return;
      const entry = { time: new Date().toISOString(), level: lvl, event, ...fields };
      write(JSON.stringify(entry, (_key, value: unknown) => (typeof value === 'string' ? printable(value) : value)));
    };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

export const MAX_ERROR_MESSAGE_CHARS = 300;
export const MAX_STACK_LINES = 20;

/**
 * "scheme://…" up to a character a URL cannot hold unescaped. Paths, hosts and query strings carry ids,
 * tokens and signatures. file:// is kept: it is where a stack frame points (code in ES modules).
 */
const WEB_ADDRESS = /(?<![\p{L}\p{N}+.-])(?!file:)\p{L}[\p{L}\p{N}+.-]*:\/\/[^\s"'`<>(){}|\\^]*/gu;

/**
 * Ids in Teams and Bot Framework: "29:1abc…" (user), "28:…" (bot), "a:1…" (chat), "19:…@thread.skype",
 * "8:orgid:…". They run to dozens of characters; asking for 16 after the prefix keeps times ("12:30:45")
 * and a stack frame's "file.ts:12:3" out.
 */
const CHANNEL_ID = /(?<![\p{L}\p{N}_:.-])(?:\d{1,2}|a):[\p{L}\p{N}_.:@-]{16,}/gu;
const UUID = /\b[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}\b/gi;
/** Hashes, keys and request ids; "-" may join them to a word ("req-9f86d081884c7d65"). */
const HEX = /(?<![\p{L}\p{N}_])[\da-f]{16,}(?![\p{L}\p{N}_])/giu;
/** JSON web tokens: base64url header, payload and signature. */
const JWT = /\beyJ[\w-]*\.[\w-]*(?:\.[\w-]*)?/g;
/** Base64url secrets and ids (access keys, conversation ids); only when letters and digits mix, which words and paths do not. */
const TOKEN = /(?<![\w-])[\w-]{20,}(?![\w-])/g;

const hasLetterAndDigit = (text: string) => /\p{L}/u.test(text) && /\d/.test(text);
const idOrKept = (match: string) => (hasLetterAndDigit(match) ? '[id]' : match);

function hideIds(text: string): string {
  return text
    .replace(WEB_ADDRESS, '[url]')
    .replace(CHANNEL_ID, idOrKept)
    .replace(UUID, '[id]')
    .replace(JWT, '[id]')
    .replace(HEX, '[id]')
    .replace(TOKEN, idOrKept);
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * Text cut to a few times `max` before it is scrubbed, which bounds the work, then cut to `max` after, as
 * scrubbing shortens it. The first cut drops the word it splits where it can: that may be the front half
 * of an email or token, which the patterns would no longer recognise.
 */
function scrub(text: string, max: number): string {
  const cut = text.length > 4 * max;
  const clean = stripControls(text.slice(0, 4 * max).normalize('NFKC'));
  const space = clean.lastIndexOf(' ');
  return clip(redact(hideIds(cut && space > 0 ? clean.slice(0, space) : clean)), max);
}

function scrubStack(stack: string): string {
  const lines = stack.split('\n');
  const kept = lines.slice(0, MAX_STACK_LINES).map((line) => scrub(line, MAX_ERROR_MESSAGE_CHARS));
  return lines.length > MAX_STACK_LINES ? [...kept, `    … ${lines.length - MAX_STACK_LINES} more`].join('\n') : kept.join('\n');
}

/**
 * Error details safe to log: the class, message and stack frames, with URLs, ids, emails, phone and card
 * numbers replaced. A message can quote a remote service's response or the address it called.
 */
export function errorFields(err: unknown): LogFields {
  if (!(err instanceof Error)) return { error: typeof err };
  return {
    error: scrub(err.name, MAX_ERROR_MESSAGE_CHARS),
    message: scrub(err.message, MAX_ERROR_MESSAGE_CHARS),
    stack: err.stack === undefined ? undefined : scrubStack(err.stack),
  };
}
