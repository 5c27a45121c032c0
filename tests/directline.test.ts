import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { shownText } from './helpers/shown';
import { ConfigError, directLineDomain, parseConfig } from '../src/config';
import { ConversationStore } from '../src/directline/conversationStore';
import { LocalTokens } from '../src/directline/localTokens';
import { RateLimiter } from '../src/directline/rateLimiter';
import { startBot, type RunningBot } from '../src/index';
import { memoryLogger, postJson } from './helpers/http';

const ICM_QUESTION = 'How often is the International Council Meeting held?';
const SOURCE_URL = 'https://www.amnesty.org.uk/international-movement';
const SECRET = 'dl-secret-that-must-never-leave-the-server-1234567890';
const EMBEDDING_SITE = 'https://www.amnesty.org.uk';

type Json = Record<string, any>;

async function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers; text: string }> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, body, headers: response.headers, text };
}

function claimsOf(token: string): Json {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Json;
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** A stand-in for Azure's tokens/generate, at the configurable DIRECT_LINE_TOKEN_URL. */
class TokenServiceStub {
  readonly requests: { headers: IncomingHttpHeaders; body: Json }[] = [];
  reply: 'token' | 'error' | 'garbage' = 'token';
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      // Separate writeHead and end: restify, loaded in this process, patches writeHead to return nothing.
      if (req.method !== 'POST' || req.url !== '/v3/directline/tokens/generate') {
        res.writeHead(404);
        res.end();
        return;
      }
      this.requests.push({ headers: req.headers, body: JSON.parse(body) as Json });
      if (this.reply === 'error') {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'ServiceError', message: `echo ${req.headers.authorization}` } }));
      } else if (this.reply === 'garbage') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>maintenance</html>');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ conversationId: `conv-${this.requests.length}`, token: `upstream-token-${this.requests.length}`, expires_in: 1800 }));
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v3/directline/tokens/generate`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe('local Direct Line endpoint (anonymous mode, real server on 127.0.0.1)', () => {
  let bot: RunningBot;
  const logger = memoryLogger();

  before(async () => {
    bot = await startBot({ STORAGE: 'memory', PORT: '0', LOG_LEVEL: 'error', TOKEN_RATE_LIMIT: '1000' }, { logger });
  });
  after(async () => bot.close());

  async function userToken(): Promise<Json> {
    const { status, body } = await getJson(`${bot.url}/api/directline/token`);
    expect(status).to.equal(200);
    return body as Json;
  }

  async function startConversation(token?: string): Promise<Json> {
    const { status, body, text } = await postJson(`${bot.url}/directline/conversations`, { user: { id: 'r_chosen_by_the_browser' } }, token ? bearer(token) : {});
    expect(status, text).to.equal(201);
    return body as Json;
  }

  async function activities(conversation: Json, watermark = ''): Promise<{ activities: Json[]; watermark: string }> {
    const { status, body, text } = await getJson(`${bot.url}/directline/conversations/${conversation.conversationId}/activities?watermark=${watermark}`, bearer(conversation.token));
    expect(status, text).to.equal(200);
    return body as { activities: Json[]; watermark: string };
  }

  it('gives each visitor a token for the local endpoint, bound to an unguessable dl_ user id that Web Chat can read', async () => {
    const first = await userToken();
    const second = await userToken();
    expect(first).to.include({ mode: 'local', domain: '/directline', expires_in: 1800 });
    expect(first.userId).to.match(/^dl_[A-Za-z0-9_-]{24}$/);
    expect(second.userId).to.not.equal(first.userId);
    expect(claimsOf(first.token).user).to.equal(first.userId);
  });

  it('starts a conversation whose welcome arrives by watermark, then answers a question after echoing it', async () => {
    const visitor = await userToken();
    const conversation = await startConversation(visitor.token);
    expect(conversation).to.include({ expires_in: 1800 });
    expect(conversation.conversationId).to.be.a('string');
    expect(claimsOf(conversation.token)).to.include({ user: visitor.userId, conv: conversation.conversationId });

    const welcome = await activities(conversation);
    expect(welcome.activities).to.have.length(1);
    const [hello] = welcome.activities;
    expect(hello!.text).to.match(/^Hello! I answer questions/);
    expect(hello!.from).to.deep.include({ role: 'bot' });
    expect(hello!.recipient).to.deep.include({ id: visitor.userId });
    expect(hello!.suggestedActions.actions.map((a: Json) => a.title)).to.deep.equal(['Governance', 'Membership', 'Offices']);
    // It answers a conversationUpdate the browser never sees; a replyToId would make Web Chat hold it back.
    expect(hello).to.not.have.property('replyToId');
    expect(hello).to.not.have.property('serviceUrl');

    const posted = await postJson(
      `${bot.url}/directline/conversations/${conversation.conversationId}/activities`,
      { type: 'message', text: ICM_QUESTION, channelData: { clientActivityID: 'client-1' }, from: { id: 'someone-else', role: 'bot' }, channelId: 'msteams' },
      bearer(conversation.token),
    );
    expect(posted.status, posted.text).to.equal(200);
    expect(posted.body.id).to.be.a('string');

    const turn = await activities(conversation, welcome.watermark);
    expect(turn.activities).to.have.length(2);
    const [echo, answer] = turn.activities;
    expect(echo).to.deep.include({ id: posted.body.id, type: 'message', text: ICM_QUESTION, channelId: 'directline' });
    expect(echo!.from).to.deep.equal({ id: visitor.userId, role: 'user' });
    expect(echo!.channelData).to.deep.equal({ clientActivityID: 'client-1' });
    expect(shownText(answer!)).to.include('every two years');
    expect(shownText(answer!)).to.include(`Source: [The International Movement](${SOURCE_URL}), as of 2013.`);
    expect(answer!.replyToId).to.equal(echo!.id);
    expect(answer).to.not.have.property('serviceUrl');
    expect(Number(turn.watermark)).to.equal(Number(welcome.watermark) + 2);

    expect(await activities(conversation, turn.watermark)).to.deep.equal({ activities: [], watermark: turn.watermark });
    // Polling from the start again gives the whole transcript, as Direct Line does.
    expect((await activities(conversation)).activities.map((a) => a.id)).to.deep.equal([hello!.id, echo!.id, answer!.id]);
  });

  it('works for stock Web Chat without a token, giving the visitor a fresh dl_ id', async () => {
    const { status, body } = await postJson(`${bot.url}/directline/conversations`, { user: { id: 'r_x' } }, { authorization: 'Bearer undefined' });
    expect(status).to.equal(201);
    expect(claimsOf(body.token).user).to.match(/^dl_/);
    expect((await activities(body)).activities[0]!.text).to.match(/^Hello!/);
  });

  it('refreshes a conversation token, as Web Chat does every 15 minutes', async () => {
    const conversation = await startConversation((await userToken()).token);
    const response = await fetch(`${bot.url}/directline/tokens/refresh`, { method: 'POST', headers: bearer(conversation.token) });
    expect(response.status).to.equal(200);
    const refreshed = (await response.json()) as Json;
    expect(refreshed.conversationId).to.equal(conversation.conversationId);
    expect((await activities({ ...conversation, token: refreshed.token })).activities).to.have.length(1);
  });

  describe('refuses bad bodies with 400 and a JSON reason', () => {
    let conversation: Json;
    before(async () => {
      conversation = await startConversation((await userToken()).token);
    });

    const cases: [string, unknown, RegExp][] = [
      ['a body that is not JSON', '{"type": "message", ', /JSON/i],
      ['a JSON array', [], /JSON object/],
      ['an activity without a type', { text: 'hi' }, /type must be "message" or "event"/],
      ['a conversationUpdate, which only the endpoint may send', { type: 'conversationUpdate', membersAdded: [{ id: 'x' }] }, /type must be "message" or "event"/],
      ['text that is not a string', { type: 'message', text: 42 }, /text must be a string/],
      ['channelData that is not an object', { type: 'message', text: 'hi', channelData: 'x' }, /channelData must be an object/],
      ['text over 2,000 characters', { type: 'message', text: 'x'.repeat(2001) }, /text must be at most 2,000 characters/],
    ];
    for (const [what, body, reason] of cases) {
      it(`${what} → 400`, async () => {
        const response = await postJson(`${bot.url}/directline/conversations/${conversation.conversationId}/activities`, body, bearer(conversation.token));
        expect(response.status, response.text).to.equal(400);
        expect(response.body.reason).to.match(reason);
      });
    }

    it('an activity whose other fields make it over 8 KB → 413', async () => {
      const response = await postJson(`${bot.url}/directline/conversations/${conversation.conversationId}/activities`, { type: 'message', text: 'hi', value: { blob: 'x'.repeat(9000) } }, bearer(conversation.token));
      expect(response.status).to.equal(413);
      expect(response.body.error).to.equal('activity_too_large');
    });

    it('a watermark that is not a number → 400', async () => {
      const response = await getJson(`${bot.url}/directline/conversations/${conversation.conversationId}/activities?watermark=abc`, bearer(conversation.token));
      expect(response.status).to.equal(400);
      expect(response.body.reason).to.match(/watermark/);
    });

    it('and none of them reached the transcript', async () => {
      expect((await activities(conversation)).activities).to.have.length(1);
    });
  });

  describe('checks the conversation token on every call', () => {
    let mine: Json;
    let theirs: Json;
    before(async () => {
      mine = await startConversation((await userToken()).token);
      theirs = await startConversation((await userToken()).token);
    });

    const url = (conversation: Json) => `${bot.url}/directline/conversations/${conversation.conversationId}/activities`;

    it('no token → 403', async () => {
      const response = await getJson(url(mine));
      expect(response.status).to.equal(403);
      expect(response.body.error).to.equal('forbidden');
    });

    it("another conversation's token → 403, for reading and for posting", async () => {
      expect((await getJson(url(theirs), bearer(mine.token))).status).to.equal(403);
      expect((await postJson(url(theirs), { type: 'message', text: 'hi' }, bearer(mine.token))).status).to.equal(403);
      expect((await activities(theirs)).activities).to.have.length(1);
    });

    it('a tampered token → 403', async () => {
      const [header, payload, signature] = mine.token.split('.');
      const forged = Buffer.from(JSON.stringify({ ...claimsOf(mine.token), conv: theirs.conversationId })).toString('base64url');
      expect((await getJson(url(theirs), bearer(`${header}.${forged}.${signature}`))).status).to.equal(403);
      expect((await getJson(url(mine), bearer(`${header}.${payload}.${signature}x`))).status).to.equal(403);
    });

    it('a visitor token that has not started a conversation → 403', async () => {
      expect((await getJson(url(mine), bearer((await userToken()).token))).status).to.equal(403);
    });

    it('starting a conversation with a token we did not sign → 403', async () => {
      const response = await postJson(`${bot.url}/directline/conversations`, {}, bearer('not.a.token'));
      expect(response.status).to.equal(403);
      expect(response.body.reason).to.match(/token/);
    });

    it('a reply posted to the connector routes without the server-only key → 403', async () => {
      const response = await postJson(`${bot.url}/directline/connector/guess/v3/conversations/${mine.conversationId}/activities`, { type: 'message', text: 'I am the bot' });
      expect(response.status).to.equal(403);
      expect((await activities(mine)).activities.map((a) => a.text)).to.not.include('I am the bot');
    });
  });

  it('never logs what the user wrote, their id or the conversation id', async () => {
    const visitor = await userToken();
    const conversation = await startConversation(visitor.token);
    await postJson(`${bot.url}/directline/conversations/${conversation.conversationId}/activities`, { type: 'message', text: 'my email is jo.bloggs@example.org' }, bearer(conversation.token));
    const log = logger.lines.join('\n');
    for (const fragment of ['jo.bloggs', visitor.userId, conversation.conversationId, conversation.token]) expect(log).to.not.include(fragment);
  });
});

describe('the page and its assets', () => {
  let bot: RunningBot;
  before(async () => {
    bot = await startBot({ STORAGE: 'memory', PORT: '0', LOG_LEVEL: 'error' }, { logger: memoryLogger() });
  });
  after(async () => bot.close());

  it('serves GET / with a strict Content Security Policy whose style nonce is fresh for each request', async () => {
    const first = await fetch(`${bot.url}/`);
    expect(first.status).to.equal(200);
    expect(first.headers.get('content-type')).to.match(/^text\/html/);
    const csp = first.headers.get('content-security-policy')!;
    expect(csp).to.include("default-src 'none'").and.include("script-src 'self'").and.include("connect-src 'self';");
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    const html = await first.text();
    expect(html).to.include(`nonce="${nonce}"`);
    expect(html).to.match(/<main[\s>]/).and.match(/<section class="chat" aria-labelledby="chat-heading">/);
    const again = (await fetch(`${bot.url}/`)).headers.get('content-security-policy')!;
    expect(/'nonce-([^']+)'/.exec(again)![1]).to.not.equal(nonce);
  });

  it('serves the pinned Web Chat bundle from this server, cacheable for good', async () => {
    const html = await (await fetch(`${bot.url}/`)).text();
    const bundle = /src="(\/static\/webchat-4\.18\.1\.js)"/.exec(html)![1]!;
    const response = await fetch(`${bot.url}${bundle}`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('cache-control')).to.include('immutable');
    expect(response.headers.get('content-encoding')).to.equal('gzip');
    expect(await response.text()).to.include('renderWebChat');
  });

  it('answers an unknown static file with a JSON 404', async () => {
    for (const file of ['nope.js', '__proto__', 'constructor']) {
      const response = await getJson(`${bot.url}/static/${file}`);
      expect(response.status).to.equal(404);
      expect(response.body.reason).to.be.a('string');
    }
  });
});

describe('token endpoint with DIRECT_LINE_SECRET, against a stand-in token service', () => {
  const service = new TokenServiceStub();
  const logger = memoryLogger();
  let bot: RunningBot;

  before(async () => {
    await service.start();
    bot = await startBot(
      { STORAGE: 'memory', PORT: '0', LOG_LEVEL: 'error', DIRECT_LINE_SECRET: SECRET, DIRECT_LINE_TOKEN_URL: service.url, ALLOWED_ORIGINS: EMBEDDING_SITE, TOKEN_RATE_LIMIT: '1000' },
      { logger },
    );
  });
  after(async () => {
    await bot.close();
    await service.stop();
  });
  beforeEach(() => {
    service.reply = 'token';
  });

  it('exchanges the secret for a token bound to a fresh dl_ user id, and never returns the secret', async () => {
    const { status, body, text, headers } = await getJson(`${bot.url}/api/directline/token`);
    expect(status).to.equal(200);
    const upstream = service.requests.at(-1)!;
    expect(upstream.headers.authorization).to.equal(`Bearer ${SECRET}`);
    expect(upstream.body).to.deep.equal({ user: { id: body.userId } });
    expect(body.userId).to.match(/^dl_[A-Za-z0-9_-]{24}$/);
    expect(body).to.deep.include({ mode: 'azure', token: `upstream-token-${service.requests.length}`, expires_in: 1800, domain: service.url.replace('/tokens/generate', '') });
    expect(body.conversationId).to.be.a('string');
    expect(headers.get('cache-control')).to.equal('no-store');
    expect(text).to.not.include(SECRET);
  });

  it('gives every visitor a different user id', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i += 1) ids.add((await getJson(`${bot.url}/api/directline/token`)).body.userId);
    expect(ids.size).to.equal(5);
  });

  it('lets a listed origin read the token (CORS)', async () => {
    const response = await getJson(`${bot.url}/api/directline/token`, { origin: EMBEDDING_SITE });
    expect(response.status).to.equal(200);
    expect(response.headers.get('access-control-allow-origin')).to.equal(EMBEDDING_SITE);
    expect(response.headers.get('vary')).to.match(/Origin/);
  });

  it('refuses an origin that is not listed, without asking the token service', async () => {
    const before = service.requests.length;
    const response = await getJson(`${bot.url}/api/directline/token`, { origin: 'https://evil.example' });
    expect(response.status).to.equal(403);
    expect(response.body.error).to.equal('origin_not_allowed');
    expect(response.headers.get('access-control-allow-origin')).to.equal(null);
    expect(service.requests.length).to.equal(before);
  });

  it('serves its own page (same origin) without any CORS header', async () => {
    const response = await getJson(`${bot.url}/api/directline/token`, { origin: bot.url });
    expect(response.status).to.equal(200);
    expect(response.headers.get('access-control-allow-origin')).to.equal(null);
  });

  it("lets the page connect to the token service's Direct Line domain", async () => {
    const csp = (await fetch(`${bot.url}/`)).headers.get('content-security-policy')!;
    const origin = new URL(service.url).origin;
    expect(csp).to.include(`connect-src 'self' ${origin} ${origin.replace('http', 'ws')};`);
  });

  for (const [what, reply] of [
    ['fails', 'error'],
    ['answers something that is not a token', 'garbage'],
  ] as const) {
    it(`answers 502 when the token service ${what}, without leaking the secret`, async () => {
      service.reply = reply;
      const response = await getJson(`${bot.url}/api/directline/token`);
      expect(response.status).to.equal(502);
      expect(response.body.error).to.equal('token_service_failed');
      expect(response.text).to.not.include(SECRET);
    });
  }

  it('never logs the secret or the tokens', () => {
    const log = logger.lines.join('\n');
    expect(log).to.include('token_service_refused');
    expect(log).to.not.include(SECRET);
    expect(log).to.not.include('upstream-token');
  });

  it('has no local endpoint: the page uses Azure', async () => {
    const response = await postJson(`${bot.url}/directline/conversations`, {});
    expect(response.status).to.equal(404);
  });
});

describe('token endpoint when the token service is down', () => {
  let bot: RunningBot;
  before(async () => {
    const service = await new TokenServiceStub().start();
    await service.stop(); // its port is now closed
    bot = await startBot({ STORAGE: 'memory', PORT: '0', LOG_LEVEL: 'error', DIRECT_LINE_SECRET: SECRET, DIRECT_LINE_TOKEN_URL: service.url }, { logger: memoryLogger() });
  });
  after(async () => bot.close());

  it('answers 502 with a JSON reason', async () => {
    const response = await getJson(`${bot.url}/api/directline/token`);
    expect(response.status).to.equal(502);
    expect(response.body.reason).to.be.a('string');
    expect(response.text).to.not.include(SECRET);
  });
});

describe('token endpoint rate limit', () => {
  let bot: RunningBot;
  let trusting: RunningBot;
  before(async () => {
    bot = await startBot({ STORAGE: 'memory', PORT: '0', LOG_LEVEL: 'error', TOKEN_RATE_LIMIT: '3' }, { logger: memoryLogger() });
    trusting = await startBot({ STORAGE: 'memory', PORT: '0', LOG_LEVEL: 'error', TOKEN_RATE_LIMIT: '1', TRUST_PROXY: 'true' }, { logger: memoryLogger() });
  });
  after(async () => {
    await bot.close();
    await trusting.close();
  });

  it('allows a burst of TOKEN_RATE_LIMIT requests per client, then answers 429 with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await getJson(`${bot.url}/api/directline/token`)).status);
    expect(statuses).to.deep.equal([200, 200, 200]);
    const limited = await getJson(`${bot.url}/api/directline/token`);
    expect(limited.status).to.equal(429);
    expect(limited.body.error).to.equal('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).to.be.within(1, 60);
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY is set', async () => {
    expect((await getJson(`${bot.url}/api/directline/token`, { 'x-forwarded-for': '203.0.113.9' })).status).to.equal(429);
  });

  it("behind a trusted proxy, counts each client by the proxy's X-Forwarded-For entry", async () => {
    const ask = (forwardedFor: string) => getJson(`${trusting.url}/api/directline/token`, { 'x-forwarded-for': forwardedFor });
    expect((await ask('198.51.100.1:5000')).status).to.equal(200);
    expect((await ask('198.51.100.2:5001')).status).to.equal(200);
    // A client's own X-Forwarded-For comes first; the proxy's entry (last) is what counts.
    expect((await ask('10.9.9.9, 198.51.100.1:6000')).status).to.equal(429);
  });
});

describe('with Bot Framework credentials and no DIRECT_LINE_SECRET', () => {
  let bot: RunningBot;
  before(async () => {
    bot = await startBot(
      { STORAGE: 'memory', PORT: '0', LOG_LEVEL: 'error', MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'not-a-real-secret', MicrosoftAppType: 'MultiTenant' },
      { logger: memoryLogger() },
    );
  });
  after(async () => bot.close());

  it('has no local Direct Line endpoint: its routes are 404 JSON', async () => {
    const start = await postJson(`${bot.url}/directline/conversations`, {});
    expect(start.status).to.equal(404);
    expect(start.body.reason).to.be.a('string');
    expect((await getJson(`${bot.url}/directline/conversations/x/activities`)).status).to.equal(404);
  });

  it('says the chat is not configured, with 503 JSON', async () => {
    const response = await getJson(`${bot.url}/api/directline/token`);
    expect(response.status).to.equal(503);
    expect(response.body.error).to.equal('chat_unavailable');
  });
});

describe('web chat configuration', () => {
  it('defaults to Azure Direct Line for tokens, no other origins, 10 tokens a minute, and no trusted proxy', () => {
    const config = parseConfig({});
    expect(config).to.deep.include({ DIRECT_LINE_TOKEN_URL: 'https://directline.botframework.com/v3/directline/tokens/generate', ALLOWED_ORIGINS: [], TOKEN_RATE_LIMIT: 10, TRUST_PROXY: false });
    expect(directLineDomain(config)).to.equal('https://directline.botframework.com/v3/directline');
  });

  it('reads a comma-separated list of origins', () => {
    expect(parseConfig({ ALLOWED_ORIGINS: 'https://www.amnesty.org.uk, http://localhost:8080' }).ALLOWED_ORIGINS).to.deep.equal(['https://www.amnesty.org.uk', 'http://localhost:8080']);
  });

  const bad: [string, NodeJS.ProcessEnv, RegExp][] = [
    ['an origin with a path', { ALLOWED_ORIGINS: 'https://www.amnesty.org.uk/chat' }, /^ALLOWED_ORIGINS\.0: each entry must be an origin/],
    ['a wildcard origin', { ALLOWED_ORIGINS: '*' }, /^ALLOWED_ORIGINS\.0: /],
    ['a token URL over plain http beyond loopback', { DIRECT_LINE_TOKEN_URL: 'http://directline.example/v3/directline/tokens/generate' }, /^DIRECT_LINE_TOKEN_URL: must use https/],
    ['a token URL that is not tokens/generate', { DIRECT_LINE_TOKEN_URL: 'https://directline.example/v3/directline' }, /^DIRECT_LINE_TOKEN_URL: must end in \/tokens\/generate/],
    ['a rate limit of zero', { TOKEN_RATE_LIMIT: '0' }, /^TOKEN_RATE_LIMIT: /],
    ['TRUST_PROXY that is not a boolean', { TRUST_PROXY: 'maybe' }, /^TRUST_PROXY: must be true or false/],
  ];
  for (const [what, env, message] of bad) {
    it(`rejects ${what}, naming the variable`, () => {
      expect(() => parseConfig(env)).to.throw(ConfigError).with.property('problems').that.satisfies((problems: string[]) => problems.length === 1 && message.test(problems[0]!));
    });
  }
});

describe('local Direct Line building blocks', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('ConversationStore caps conversations, expires idle ones, and keeps watermarks counting past dropped activities', () => {
    const store = new ConversationStore({ maxConversations: 2, maxActivitiesPerConversation: 3, idleMs: 1000 }, clock);
    const a = store.create('dl_a')!;
    store.create('dl_b');
    expect(store.create('dl_c')).to.equal(undefined);
    now += 1000;
    expect(store.get(a.id)).to.equal(undefined);
    const c = store.create('dl_c')!;
    expect(store.size).to.equal(1);

    for (let i = 0; i < 5; i += 1) store.append(c, { type: 'message', text: `m${i}` });
    expect(store.since(c, 0)).to.deep.include({ watermark: '5' });
    expect(store.since(c, 0).activities.map((x) => x.text)).to.deep.equal(['m2', 'm3', 'm4']);
    expect(store.since(c, 4).activities.map((x) => x.text)).to.deep.equal(['m4']);
    expect(store.since(c, 99).activities).to.deep.equal([]);
    expect(store.holds(c, `${c.id}|0000000`)).to.equal(false);
    expect(store.holds(c, `${c.id}|0000004`)).to.equal(true);
  });

  it('LocalTokens refuses expired, tampered and foreign tokens', () => {
    const tokens = new LocalTokens(clock);
    const token = tokens.issue({ user: 'dl_x', conv: 'c1' });
    expect(tokens.verify(token)).to.deep.include({ user: 'dl_x', conv: 'c1' });
    expect(new LocalTokens(clock).verify(token)).to.equal(undefined);
    expect(tokens.verify(`${token}x`)).to.equal(undefined);
    now += 1800 * 1000;
    expect(tokens.verify(token)).to.equal(undefined);
  });

  it('RateLimiter refills at its rate per minute, per client', () => {
    const limiter = new RateLimiter(2, clock);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('b')].every((d) => d.allowed)).to.equal(true);
    expect(limiter.take('a')).to.deep.equal({ allowed: false, retryAfterSeconds: 30 });
    now += 30_000;
    expect(limiter.take('a').allowed).to.equal(true);
    expect(limiter.take('a').allowed).to.equal(false);
  });

  it('RateLimiter forgets the least recently seen client beyond its cap', () => {
    const limiter = new RateLimiter(1, clock, 2);
    limiter.take('a');
    limiter.take('b');
    limiter.take('c');
    // "a" was forgotten to make room, so it starts again with a full bucket; "c" is still counted.
    expect(limiter.take('a').allowed).to.equal(true);
    expect(limiter.take('c').allowed).to.equal(false);
  });
});
