import { botActivity } from './activities';
import { clientHeaders, JSON_TYPE, type DraftRequest, type Gen } from './hostileRequest';

/** The server's body limit (src/channels/http/server.ts); every huge body is over it. */
const BODY_LIMIT = 64 * 1024;

/**
 * Requests too big to take: bodies from just over the limit to 4 MB (the server may answer 413 or hang up
 * mid-upload), headers and URLs past Node's 16 KB header limit, and thousands of headers.
 */
export function hugeBodies(g: Gen): DraftRequest {
  const { rng } = g;
  const size = rng.pick([BODY_LIMIT + 1, rng.int(BODY_LIMIT + 2, 200_000), rng.int(200_000, 1_000_000), rng.int(1_000_000, 4_000_000)]);
  const activity = botActivity(g);
  const over = (variant: string, path: string, body: Buffer, headers: [string, string][]): DraftRequest => ({
    variant,
    method: 'POST',
    path,
    headers,
    body,
    expect: 'answer-or-hang-up',
  });
  const variants: (() => DraftRequest)[] = [
    () =>
      over(`text of ${size} bytes`, '/api/messages', Buffer.from(JSON.stringify({ ...activity, text: `${g.canary()} ${'a'.repeat(size)}` })), [
        JSON_TYPE,
        ...clientHeaders(g),
      ]),
    () =>
      over(
        `${Math.ceil(size / 20)} members`,
        '/api/messages',
        Buffer.from(
          JSON.stringify({ ...activity, type: 'conversationUpdate', membersAdded: Array.from({ length: Math.ceil(size / 20) }, (_, i) => ({ id: `m${i}` })) }),
        ),
        [JSON_TYPE],
      ),
    () =>
      over(`${size} bytes with Expect: 100-continue`, '/api/messages', Buffer.from(JSON.stringify({ ...activity, channelData: { pad: 'p'.repeat(size) } })), [
        JSON_TYPE,
        ['expect', '100-continue'],
      ]),
    () =>
      over(
        `${size} bytes to the Direct Line endpoint`,
        '/directline/conversations/{conv}/activities',
        Buffer.from(JSON.stringify({ type: 'message', text: `${g.canary()} ${'b'.repeat(size)}` })),
        [JSON_TYPE, ['authorization', 'Bearer {convToken}']],
      ),
    () => over(`${size} bytes to /healthz`, '/healthz', Buffer.alloc(size, 0x61), [['content-type', 'text/plain']]),
    () => ({
      variant: `header of ${size} bytes`,
      method: 'GET',
      path: '/healthz',
      headers: [['x-fuzz', `${g.canary()}${'h'.repeat(Math.min(size, 200_000))}`]],
      body: Buffer.alloc(0),
      expect: 'answer-or-hang-up',
    }),
    () => ({
      variant: `URL of ${Math.min(size, 200_000)} bytes`,
      method: 'GET',
      path: `/static/${g.canary()}${'u'.repeat(Math.min(size, 200_000))}`,
      headers: [],
      body: Buffer.alloc(0),
      expect: 'answer-or-hang-up',
    }),
    () => ({
      variant: '3,000 headers',
      method: 'GET',
      path: '/healthz',
      headers: Array.from({ length: 3000 }, (_, i): [string, string] => [`x-h${i}`, g.canary()]),
      body: Buffer.alloc(0),
      expect: 'answer-or-hang-up',
    }),
    () => ({
      variant: 'cookie of 1 MB',
      method: 'GET',
      path: '/',
      headers: [['cookie', `a=${g.canary()}; ${'c=x; '.repeat(200_000)}`]],
      body: Buffer.alloc(0),
      expect: 'answer-or-hang-up',
    }),
  ];
  return rng.pick(variants)();
}

/** How long the client trickles a slow request before giving up on it. */
const SLOW_FOR_MS = 3000;

/**
 * Requests that arrive a byte at a time (slowloris): headers, a body with its length declared, a chunked
 * body, and a gzip body. The client abandons each after a few seconds; the server must stay responsive
 * to everyone else meanwhile (checked by /healthz at the end of the class).
 */
export function slowBodies(g: Gen): DraftRequest {
  const body = Buffer.from(JSON.stringify(botActivity(g)));
  const slow = (variant: string, headers: [string, string][], from: 'headers' | 'body', sent = body): DraftRequest => ({
    variant,
    method: 'POST',
    path: '/api/messages',
    headers,
    body: sent,
    expect: 'abandon',
    abandonAfterMs: SLOW_FOR_MS,
    trickle: { from, bytes: g.rng.int(1, 3), everyMs: g.rng.int(100, 400) },
  });
  const variants: (() => DraftRequest)[] = [
    () => slow('headers a byte at a time', [JSON_TYPE, ['x-fuzz', g.canary()]], 'headers'),
    () => slow('body a byte at a time', [JSON_TYPE], 'body'),
    () =>
      slow(
        'chunked body a byte at a time',
        [JSON_TYPE, ['transfer-encoding', 'chunked']],
        'body',
        Buffer.from(`${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`),
      ),
    () => slow('gzip body a byte at a time', [JSON_TYPE, ['content-encoding', 'gzip']], 'body', Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0]), body])),
  ];
  // Each kind in turn, so that even a run of four slow requests tries all four.
  return variants[g.nth % variants.length]!();
}
