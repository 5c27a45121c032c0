import { createHmac } from 'node:crypto';
import { postedActivity, question, wrongValue } from './activities';
import { bearer, clientHeaders, get, JSON_TYPE, postJson, type DraftRequest, type Gen } from './hostileRequest';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Tokens that are not ours: unsigned ("alg": "none"), signed with someone else's key, expired, or malformed. */
function forgedToken(g: Gen): { name: string; token: string } {
  const { rng } = g;
  const claims = { user: `dl_${g.canary()}`, conv: rng.chance(0.5) ? g.canary() : undefined, exp: rng.chance(0.5) ? 1 : 4_102_444_800 };
  const hs256 = b64({ alg: 'HS256', typ: 'JWT' });
  const payload = b64(claims);
  const forgers: (() => { name: string; token: string })[] = [
    () => ({ name: 'alg none', token: `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.` }),
    () => ({
      name: 'signed with another key',
      token: `${hs256}.${payload}.${createHmac('sha256', g.canary()).update(`${hs256}.${payload}`).digest('base64url')}`,
    }),
    () => ({
      name: 'expired, signed with another key',
      token: `${hs256}.${b64({ ...claims, exp: 1 })}.${createHmac('sha256', 'k').update('x').digest('base64url')}`,
    }),
    () => ({ name: 'plain text', token: g.canary() }),
    () => ({ name: 'too many segments', token: `${hs256}.${payload}.sig.${g.canary()}` }),
    () => ({ name: 'not base64', token: `${hs256}.%%%${g.canary()}.***` }),
    () => ({ name: 'payload not JSON', token: `${hs256}.${Buffer.from(g.canary()).toString('base64url')}.x` }),
    () => ({ name: '8 KB token', token: `${hs256}.${payload}.${'A'.repeat(8192)}` }),
    () => ({ name: 'conversation token with a byte changed', token: `{convToken}${rng.pick(['x', 'A', '='])}` }),
  ];
  return rng.pick(forgers)();
}

/** How an Authorization header can be wrong, including right tokens for the wrong thing. */
function authorization(g: Gen): { name: string; header?: [string, string] } {
  const { rng } = g;
  const choices: (() => { name: string; header?: [string, string] })[] = [
    () => ({ name: 'no token' }),
    () => ({ name: 'empty Bearer', header: ['authorization', 'Bearer'] }),
    () => ({ name: 'Bearer undefined', header: ['authorization', 'Bearer undefined'] }),
    () => ({ name: 'lower-case scheme', header: ['authorization', 'bearer {convToken}'] }),
    () => ({ name: 'Basic', header: ['authorization', `Basic ${Buffer.from(`${g.canary()}:x`).toString('base64')}`] }),
    () => ({ name: 'user token without a conversation', header: bearer('{userToken}') }),
    () => ({ name: "another conversation's token", header: bearer('{otherToken}') }),
    () => ({ name: 'token twice', header: ['authorization', 'Bearer {convToken} {convToken}'] }),
    () => {
      const forged = forgedToken(g);
      return { name: forged.name, header: bearer(forged.token) };
    },
  ];
  return rng.pick(choices)();
}

function conversationInPath(g: Gen): string {
  return g.rng.pick([
    '{conv}',
    '{conv}',
    '{otherConv}',
    g.canary(),
    `${g.canary()}%00`,
    '..%2F..%2Fhealthz',
    '%2e%2e',
    '{conv}%2F..%2F{otherConv}',
    'a'.repeat(5000),
    '㌖',
    '%F0%9F%98%80',
    '{conv}?x=1',
  ]);
}

/**
 * Direct Line with bad, forged, expired, unsigned and misdirected tokens, on every route that takes one,
 * and the token endpoint with hostile origins.
 */
export function directLineAuth(g: Gen): DraftRequest {
  const { rng } = g;
  const auth = authorization(g);
  const headers: [string, string][] = [...(auth.header ? [auth.header] : []), ...clientHeaders(g)];
  const routes: (() => DraftRequest)[] = [
    () =>
      postJson(`post activity, ${auth.name}`, `/directline/conversations/${conversationInPath(g)}/activities`, JSON.stringify(postedActivity(g)), [
        JSON_TYPE,
        ...headers,
      ]),
    () => get(`get activities, ${auth.name}`, `/directline/conversations/${conversationInPath(g)}/activities?watermark=`, headers),
    () => postJson(`refresh, ${auth.name}`, '/directline/tokens/refresh', '', headers),
    // No claimed address: starts that succeed count against this client's ten conversations, not the store's 200.
    () =>
      postJson(`start, ${auth.name}`, '/directline/conversations', JSON.stringify({ user: { id: g.canary() } }), [
        JSON_TYPE,
        ...(auth.header ? [auth.header] : []),
      ]),
    () =>
      get('token with a hostile Origin', '/api/directline/token', [
        ['origin', rng.pick(['null', 'https://evil.example', `https://${g.canary()}.invalid`, 'not a url', 'http://127.0.0.1:1', `${'o'.repeat(5000)}`])],
        ...clientHeaders(g),
      ]),
  ];
  // Starts are few: each one that succeeds holds a conversation for 30 minutes.
  return (rng.chance(0.05) ? routes[3]! : rng.pick([routes[0]!, routes[1]!, routes[2]!, routes[4]!]))();
}

/** The connector routes the bot's replies come in by, with keys that are not the server's secret one. */
export function connectorRoutes(g: Gen): DraftRequest {
  const { rng } = g;
  const key = rng.pick([
    g.canary(),
    Buffer.from(g.canary().padEnd(24, 'x').slice(0, 24)).toString('base64url'),
    '',
    '..',
    '%00',
    'k'.repeat(10_000),
    '㌖',
    '{convToken}',
  ]);
  const activityId = rng.chance(0.5) ? `/${rng.pick([g.canary(), '{conv}|0000000', '%2e%2e'])}` : '';
  const path = `/directline/connector/${key}/v3/conversations/${conversationInPath(g)}/activities${activityId}`;
  const body = rng.chance(0.7)
    ? JSON.stringify({ type: 'message', text: `${g.canary()} pretending to be the bot`, replyToId: g.canary(), serviceUrl: 'http://192.0.2.1/' })
    : JSON.stringify(wrongValue(g));
  const method = rng.pick(['POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE']);
  return {
    variant: `${method} with a wrong key`,
    method,
    path,
    headers: [JSON_TYPE, ...clientHeaders(g)],
    body: method === 'GET' ? Buffer.alloc(0) : Buffer.from(body),
    expect: 'answer',
  };
}

/**
 * Heavy but well-formed use of one conversation: floods of posts, posts of every size and shape the schema
 * draws a line at, watermarks that are not counts, token refreshes, and many conversation starts from
 * many (claimed) addresses, enough to fill the endpoint's 200 conversations.
 */
export function directLineFloods(g: Gen): DraftRequest {
  const { rng } = g;
  const auth = bearer('{convToken}');
  const activities = '/directline/conversations/{conv}/activities';
  const choices: [number, () => DraftRequest][] = [
    [35, () => postJson('post flood', activities, JSON.stringify({ ...postedActivity(g), text: question(g) }), [JSON_TYPE, auth])],
    [
      20,
      () => {
        const [name, activity] = rng.pick<[string, Record<string, unknown>]>([
          ['text over 2,000', { type: 'message', text: `${g.canary()} ${'t'.repeat(rng.int(2000, 60_000))}` }],
          ['JSON over 8 KB', { type: 'message', text: g.canary(), value: { pad: 'v'.repeat(rng.int(8200, 60_000)) } }],
          ['10,000 entities', { type: 'message', text: g.canary(), entities: Array.from({ length: 10_000 }, () => ({ type: 'x' })) }],
          [
            'attachments',
            { type: 'message', attachments: Array.from({ length: rng.int(1, 50) }, () => ({ contentType: g.canary(), content: { a: g.canary() } })) },
          ],
          ['conversationUpdate', { type: 'conversationUpdate', membersAdded: [{ id: g.canary() }] }],
          ['event', { type: 'event', name: g.canary(), value: { ask: g.canary() } }],
          ['card feedback', { type: 'message', value: { feedback: 'helpful', entryId: g.canary() } }],
          ['card ask', { type: 'message', value: { ask: question(g) } }],
          [
            'identity claims',
            {
              type: 'message',
              text: g.canary(),
              from: { id: g.canary(), role: 'bot' },
              recipient: { id: g.canary() },
              channelId: 'msteams',
              serviceUrl: 'http://192.0.2.1/',
            },
          ],
        ]);
        return postJson(`post ${name}`, activities, JSON.stringify(activity), [JSON_TYPE, auth]);
      },
    ],
    [
      20,
      () => {
        const watermark = rng.pick([
          '-1',
          'NaN',
          '1e9',
          '999999999',
          '9999999999',
          '%00',
          g.canary(),
          '1&watermark=2',
          '0x10',
          '%201',
          '%EF%BC%91',
          '9'.repeat(10_000),
          '1.5',
          'Infinity',
          '',
        ]);
        return get(`watermark ${watermark.slice(0, 20)}`, `${activities}?watermark=${watermark}`, [auth]);
      },
    ],
    [10, () => postJson('refresh', '/directline/tokens/refresh', '', [auth])],
    [
      15,
      () =>
        // With TRUST_PROXY on, each claimed address is a new client to the rate limiter, so starts get past it
        // and fill the store; one fixed address meets the limiter instead.
        postJson('start from many addresses', '/directline/conversations', '{}', [
          JSON_TYPE,
          ['authorization', 'Bearer undefined'],
          ['x-forwarded-for', rng.chance(0.8) ? `${g.canary()}, 198.51.100.${rng.int(1, 254)}:${rng.int(1, 65535)}` : '198.51.100.77'],
        ]),
    ],
  ];
  return rng.weighted(choices)();
}
