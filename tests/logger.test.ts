import { expect } from 'chai';
import { createLogger, errorFields, MAX_ERROR_MESSAGE_CHARS, MAX_STACK_LINES } from '../src/shared/logger';

/** An error whose stack is exactly `frames` under its first line, as V8 would print it. */
function errorWith(message: string, frames: string[] = ['    at handler (/work/main/src/bot/faqBot.ts:12:3)']): Error {
  const err = new Error(message);
  err.stack = [`Error: ${message}`, ...frames].join('\n');
  return err;
}

class RestError extends Error {
  override name = 'RestError';
}

describe('errorFields', () => {
  const scrubs: [string, string, string][] = [
    ['URLs with ids and signatures', 'GET https://x.blob.core.windows.net/state/a%3A1?sig=abc&se=2026 failed', 'GET [url] failed'],
    [
      'URLs of any scheme, inside brackets',
      'connect ECONNREFUSED (redis://user:pw@cache:6379/0) and <wss://host/ws?t=1>',
      'connect ECONNREFUSED ([url]) and <[url]>',
    ],
    ['emails', 'no mailbox for jo.smith@example.org', 'no mailbox for [email]'],
    ['phone numbers', 'callback 07700 900123 refused', 'callback [phone] refused'],
    ['card numbers', 'echo: card 4111 1111 1111 1111', 'echo: card [card]'],
    ['UUIDs', 'conversation 3f2504e0-4f89-11d3-9a0c-0305e82c3301 not found', 'conversation [id] not found'],
    ['long hex runs, alone or after a word', 'request 9f86d081884c7d659a2feaa0c55ad015 and req-9f86d081884c7d65 failed', 'request [id] and req-[id] failed'],
    ['JSON web tokens', 'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U expired', 'token [id] expired'],
    ['base64url tokens', 'bad key Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5 given', 'bad key [id] given'],
    ['Teams user ids', 'no member 29:1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789 in team', 'no member [id] in team'],
    ['Teams chat and channel ids', 'chat a:1xYz-AbC_0123456789abcdefghij and 19:abcdef0123456789@thread.skype', 'chat [id] and [id]'],
    ['AAD-style ids', 'user 8:orgid:3f2504e0-4f89-11d3-9a0c-0305e82c3301 blocked', 'user [id] blocked'],
    ['escape sequences and bidi overrides', 'boom \u001b[31mred\u001b[0m \u202eevil\u202c', 'boom red evil'],
    ['full-width forms', 'from ｊｏ＠ｅｘａｍｐｌｅ．ｏｒｇ', 'from [email]'],
  ];
  for (const [what, message, expected] of scrubs) {
    it(`scrubs ${what} from the message and the stack`, () => {
      const fields = errorFields(errorWith(message));
      expect(fields.message).to.equal(expected);
      expect(fields.stack).to.equal(`Error: ${expected}\n    at handler (/work/main/src/bot/faqBot.ts:12:3)`);
    });
  }

  const keeps = [
    'Cannot read properties of undefined (reading "entryId")',
    'timed out after 30000 ms at 12:30:45',
    'SQLITE_BUSY: database is locked',
    'ENOENT: no such file or directory, open /work/main/data/state.db',
    'expected 3 items, got 2013',
    'storageConsistentTurn failed in botFrameworkAdapter',
  ];
  for (const message of keeps) {
    it(`keeps ${JSON.stringify(message)}`, () => expect(errorFields(new Error(message)).message).to.equal(message));
  }

  it('keeps the class name of the error', () => {
    expect(errorFields(new RestError('boom')).error).to.equal('RestError');
    expect(errorFields(new TypeError('boom')).error).to.equal('TypeError');
  });

  it('keeps stack frames, their file paths, lines and columns', () => {
    const frames = [
      '    at FaqBot.onMessage (/work/main/src/bot/faqBot.ts:87:19)',
      '    at async Promise.all (index 0)',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
      '    at Object.<anonymous> (/work/main/node_modules/botbuilder-core/lib/activityHandlerBase.js:71:13)',
      '    at file:///work/main/dist/src/index.js:12:3',
      '    at C:\\work\\main\\src\\storage\\sqliteStorage.ts:140:7',
    ];
    expect(errorFields(errorWith('boom', frames)).stack).to.equal(['Error: boom', ...frames].join('\n'));
  });

  it(`cuts the message to ${MAX_ERROR_MESSAGE_CHARS} characters`, () => {
    const message = errorFields(new Error('word '.repeat(2000))).message as string;
    expect(message).to.have.length(MAX_ERROR_MESSAGE_CHARS);
    expect(message.endsWith('…')).to.equal(true);
  });

  it('does not leave the front half of an email where a long message is first cut', () => {
    // The URL shrinks to "[url]", which brings what follows it into the kept 300 characters.
    const url = `https://e.example/${'a'.repeat(1170)}`;
    const message = `${url} jo.smith@example.org ${'word '.repeat(200)}`;
    expect(errorFields(new Error(message)).message).to.equal('[url]');
  });

  it(`cuts the stack to ${MAX_STACK_LINES} lines and says how many more there were`, () => {
    const frames = Array.from({ length: 50 }, (_, i) => `    at f${i} (/work/main/src/x.ts:${i + 1}:1)`);
    const lines = (errorFields(errorWith('boom', frames)).stack as string).split('\n');
    expect(lines).to.have.length(MAX_STACK_LINES + 1);
    expect(lines.slice(0, MAX_STACK_LINES)).to.deep.equal(['Error: boom', ...frames.slice(0, MAX_STACK_LINES - 1)]);
    expect(lines[MAX_STACK_LINES]).to.equal('    … 31 more');
  });

  it('scrubs a multi-line remote response quoted in the message: one line in the message, line by line in the stack', () => {
    const err = errorWith('403 {\n  "user": "jo@example.org",\n  "url": "https://api.example/u/1"\n}', []);
    expect(errorFields(err).message).to.equal('403 {   "user": "[email]",   "url": "[url]" }');
    expect(errorFields(err).stack).to.equal('Error: 403 {\n  "user": "[email]",\n  "url": "[url]"\n}');
  });

  it('copes with a long hostile message', () => {
    const fields = errorFields(new Error(`${'a@'.repeat(30000)} ${'1-'.repeat(30000)} ${'29:'.repeat(20000)}`));
    expect(fields.message).to.be.a('string').with.length.at.most(MAX_ERROR_MESSAGE_CHARS);
  });

  it('names only the type of what was thrown when it is not an Error', () => {
    expect(errorFields('jo@example.org')).to.deep.equal({ error: 'string' });
    expect(errorFields(undefined)).to.deep.equal({ error: 'undefined' });
  });
});

describe('createLogger', () => {
  const capture = () => {
    const lines: string[] = [];
    return { lines, logger: createLogger('info', (line) => lines.push(line)) };
  };

  it('writes one JSON object per line, leaving out levels below its own', () => {
    const { lines, logger } = capture();
    logger.info('turn', { entryId: 'icm-frequency', score: 0.8 });
    logger.debug('detail', { x: 1 });
    expect(lines).to.have.length(1);
    expect(JSON.parse(lines[0]!)).to.include({ level: 'info', event: 'turn', entryId: 'icm-frequency', score: 0.8 });
  });

  it('strips controls from string fields, which may come from a request', () => {
    const { lines, logger } = capture();
    logger.error('turn_error', { channelId: 'web\u001b]8;;http://evil\u0007chat\u001b]8;;\u0007\u202e', activityType: 'message\u0000' });
    expect(JSON.parse(lines[0]!)).to.include({ channelId: 'webchat', activityType: 'message' });
    expect(lines[0]).to.not.match(/\\u00(1b|07|00)|\u202e/);
  });

  it('keeps the newlines of a stack, which JSON escapes', () => {
    const { lines, logger } = capture();
    logger.error('turn_error', errorFields(errorWith('boom')));
    expect(JSON.parse(lines[0]!).stack).to.equal('Error: boom\n    at handler (/work/main/src/bot/faqBot.ts:12:3)');
  });
});
