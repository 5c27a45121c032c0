import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import { expect } from 'chai';
import restify from 'restify';
import { shownText } from './helpers/shown';
import { ConfigError, directLineDomain, parseConfig } from '../src/app/config';
import { ConversationStore, DEFAULT_LIMITS, type Admission, type Conversation, type StoreLimits } from '../src/channels/local-directline/conversationStore';
import { registerLocalDirectLine } from '../src/channels/local-directline/localDirectLine';
import { LocalTokens } from '../src/channels/local-directline/localTokens';
import { RateLimiter } from '../src/channels/http/rateLimiter';
import { startBot, type RunningBot } from '../src/app/startBot';
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
    const { status, body, text } = await postJson(
      `${bot.url}/directline/conversations`,
      { user: { id: 'r_chosen_by_the_browser' } },
      token ? bearer(token) : {},
    );
    expect(status, text).to.equal(201);
    return body as Json;
  }

  async function activities(conversation: Json, watermark = ''): Promise<{ activities: Json[]; watermark: string }> {
    const { status, body, text } = await getJson(
      `${bot.url}/directline/conversations/${conversation.conversationId}/activities?watermark=${watermark}`,
      bearer(conversation.token),
    );
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
      [
        'a conversationUpdate, which only the endpoint may send',
        { type: 'conversationUpdate', membersAdded: [{ id: 'x' }] },
        /type must be "message" or "event"/,
      ],
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
      const response = await postJson(
        `${bot.url}/directline/conversations/${conversation.conversationId}/activities`,
        { type: 'message', text: 'hi', value: { blob: 'x'.repeat(9000) } },
        bearer(conversation.token),
      );
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
      const response = await postJson(`${bot.url}/directline/connector/guess/v3/conversations/${mine.conversationId}/activities`, {
        type: 'message',
        text: 'I am the bot',
      });
      expect(response.status).to.equal(403);
      expect((await activities(mine)).activities.map((a) => a.text)).to.not.include('I am the bot');
    });
  });

  it('never logs what the user wrote, their id or the conversation id', async () => {
    const visitor = await userToken();
    const conversation = await startConversation(visitor.token);
    await postJson(
      `${bot.url}/directline/conversations/${conversation.conversationId}/activities`,
      { type: 'message', text: 'my email is jo.bloggs@example.org' },
      bearer(conversation.token),
    );
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
    expect(html)
      .to.match(/<main[\s>]/)
      .and.match(/<section class="chat" aria-labelledby="chat-heading">/);
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
      {
        STORAGE: 'memory',
        PORT: '0',
        LOG_LEVEL: 'error',
        DIRECT_LINE_SECRET: SECRET,
        DIRECT_LINE_TOKEN_URL: service.url,
        ALLOWED_ORIGINS: EMBEDDING_SITE,
        TOKEN_RATE_LIMIT: '1000',
      },
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
    expect(body).to.deep.include({
      mode: 'azure',
      token: `upstream-token-${service.requests.length}`,
      expires_in: 1800,
      domain: service.url.replace('/tokens/generate', ''),
    });
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
    bot = await startBot(
      { STORAGE: 'memory', PORT: '0', LOG_LEVEL: 'error', DIRECT_LINE_SECRET: SECRET, DIRECT_LINE_TOKEN_URL: service.url },
      { logger: memoryLogger() },
    );
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
      {
        STORAGE: 'memory',
        PORT: '0',
        LOG_LEVEL: 'error',
        MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
        MicrosoftAppPassword: 'not-a-real-secret',
        MicrosoftAppType: 'MultiTenant',
      },
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
    expect(config).to.deep.include({
      DIRECT_LINE_TOKEN_URL: 'https://directline.botframework.com/v3/directline/tokens/generate',
      ALLOWED_ORIGINS: [],
      TOKEN_RATE_LIMIT: 10,
      TRUST_PROXY: false,
    });
    expect(directLineDomain(config)).to.equal('https://directline.botframework.com/v3/directline');
  });

  it('reads a comma-separated list of origins', () => {
    expect(parseConfig({ ALLOWED_ORIGINS: 'https://www.amnesty.org.uk, http://localhost:8080' }).ALLOWED_ORIGINS).to.deep.equal([
      'https://www.amnesty.org.uk',
      'http://localhost:8080',
    ]);
  });

  const bad: [string, NodeJS.ProcessEnv, RegExp][] = [
    ['an origin with a path', { ALLOWED_ORIGINS: 'https://www.amnesty.org.uk/chat' }, /^ALLOWED_ORIGINS\.0: each entry must be an origin/],
    ['a wildcard origin', { ALLOWED_ORIGINS: '*' }, /^ALLOWED_ORIGINS\.0: /],
    [
      'a token URL over plain http beyond loopback',
      { DIRECT_LINE_TOKEN_URL: 'http://directline.example/v3/directline/tokens/generate' },
      /^DIRECT_LINE_TOKEN_URL: must use https/,
    ],
    [
      'a token URL that is not tokens/generate',
      { DIRECT_LINE_TOKEN_URL: 'https://directline.example/v3/directline' },
      /^DIRECT_LINE_TOKEN_URL: must end in \/tokens\/generate/,
    ],
    ['a rate limit of zero', { TOKEN_RATE_LIMIT: '0' }, /^TOKEN_RATE_LIMIT: /],
    ['TRUST_PROXY that is not a boolean', { TRUST_PROXY: 'maybe' }, /^TRUST_PROXY: must be true or false/],
  ];
  for (const [what, env, message] of bad) {
    it(`rejects ${what}, naming the variable`, () => {
      expect(() => parseConfig(env))
        .to.throw(ConfigError)
        .with.property('problems')
        .that.satisfies((problems: string[]) => problems.length === 1 && message.test(problems[0]!));
    });
  }
});

function admitted(admission: Admission): Conversation {
  if (!admission.admitted) throw new Error(`refused: ${admission.reason}`);
  return admission.conversation;
}

describe('local Direct Line building blocks', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('ConversationStore caps conversations, expires idle ones, and keeps watermarks counting past dropped activities', () => {
    const store = new ConversationStore({ ...DEFAULT_LIMITS, maxConversations: 2, maxActivitiesPerConversation: 3, idleMs: 1000, abandonedMs: 1000 }, clock);
    const a = admitted(store.create('dl_a', 'client'));
    store.create('dl_b', 'client');
    expect(store.create('dl_c', 'client')).to.deep.include({ admitted: false, reason: 'store_full' });
    now += 1000;
    expect(store.get(a.id)).to.equal(undefined);
    const c = admitted(store.create('dl_c', 'client'));
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

  it('RateLimiter allows a burst smaller than its rate a minute, and forgets a client on request', () => {
    const limiter = new RateLimiter(20, clock, 10_000, 10);
    for (let i = 0; i < 10; i += 1) expect(limiter.take('a').allowed).to.equal(true);
    expect(limiter.take('a')).to.deep.equal({ allowed: false, retryAfterSeconds: 3 });
    now += 3000;
    expect(limiter.take('a').allowed).to.equal(true);
    expect(limiter.take('a').allowed).to.equal(false);
    limiter.forget('a');
    expect(limiter.take('a').allowed).to.equal(true);
  });

  describe('ConversationStore over its total byte cap', () => {
    const limits: StoreLimits = { ...DEFAULT_LIMITS, maxBytesPerConversation: 40_000, maxTotalBytes: 50_000 };
    /** About 8.1 KB of JSON once stored: six fit in the store, the seventh does not. */
    const blob = (n: number) => ({ type: 'message', text: `b${n}`, value: 'x'.repeat(8000) });
    const texts = (store: ConversationStore, conversation: Conversation) => store.since(conversation, 0).activities.map((a) => a.text);

    it('ends the least recently used abandoned conversation first', () => {
      const store = new ConversationStore(limits, clock);
      const old = admitted(store.create('dl_old', 'A'));
      for (let i = 0; i < 3; i += 1) store.append(old, blob(i));
      now += limits.abandonedMs;
      const busy = admitted(store.create('dl_busy', 'B'));
      for (let i = 0; i < 4; i += 1) store.append(busy, blob(i));
      expect(store.get(old.id)).to.equal(undefined);
      expect(texts(store, busy)).to.deep.equal(['b0', 'b1', 'b2', 'b3']);
      expect(store.bytes).to.be.within(1, limits.maxTotalBytes);
    });

    it('with none abandoned, trims the conversation that grows, and refuses newcomers while still over', () => {
      const store = new ConversationStore(limits, clock);
      const first = admitted(store.create('dl_1', 'A'));
      for (let i = 0; i < 4; i += 1) store.append(first, blob(i));
      const second = admitted(store.create('dl_2', 'B'));
      for (let i = 0; i < 3; i += 1) store.append(second, blob(i));
      expect(texts(store, first)).to.deep.equal(['b0', 'b1', 'b2', 'b3']);
      expect(texts(store, second)).to.deep.equal(['b1', 'b2']);
      expect(store.since(second, 0).watermark).to.equal('3');
      expect(store.bytes).to.be.at.most(limits.maxTotalBytes);

      // A conversation always keeps its newest activity, so a third one's first tips the store over.
      const third = admitted(store.create('dl_3', 'C'));
      store.append(third, blob(0));
      expect(store.bytes).to.be.above(limits.maxTotalBytes);
      expect(store.create('dl_4', 'D')).to.deep.equal({ admitted: false, reason: 'store_full', retryAfterSeconds: limits.abandonedMs / 1000 });

      now += limits.abandonedMs;
      store.get(third.id);
      admitted(store.create('dl_4', 'D'));
      // Ending the least recently used one was enough.
      expect(store.get(first.id)).to.equal(undefined);
      expect(store.get(second.id)).to.equal(second);
      expect(store.bytes).to.be.at.most(limits.maxTotalBytes);
    });
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

type Reply = { status: number; body: any; headers: Headers };

/**
 * The local endpoint alone on a real server, with limits and a clock the test sets, and a stand-in bot that
 * welcomes each conversation and answers each message with a card of `cardChars` characters. It records the
 * messages it was run for. The server trusts X-Forwarded-For, so that tests name their clients with it.
 */
class LocalEndpoint {
  now = 1_000_000;
  readonly turns: string[] = [];
  readonly store: ConversationStore;
  readonly logger = memoryLogger();
  url = '';
  private readonly server = restify.createServer();

  constructor(
    readonly limits: StoreLimits = DEFAULT_LIMITS,
    private readonly cardChars = 0,
  ) {
    this.store = new ConversationStore(limits, () => this.now);
  }

  async start(): Promise<this> {
    const clock = () => this.now;
    this.server.use(restify.plugins.bodyParser({ maxBodySize: 64 * 1024, mapParams: false, rejectUnknown: true }));
    registerLocalDirectLine(this.server, {
      // Anonymous, as the endpoint only ever is.
      adapter: new CloudAdapter(new ConfigurationBotFrameworkAuthentication({})),
      logic: (context) => this.bot(context),
      tokens: new LocalTokens(clock),
      store: this.store,
      limiter: new RateLimiter(1000, clock),
      trustProxy: true,
      ownUrl: () => this.url,
      logger: this.logger,
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async bot(context: TurnContext): Promise<void> {
    if (context.activity.type !== 'message') {
      await context.sendActivity('welcome');
      return;
    }
    this.turns.push(context.activity.text ?? '');
    const card = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'y'.repeat(this.cardChars) }] };
    await context.sendActivity({
      type: 'message',
      text: `re: ${context.activity.text}`,
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
    });
  }

  private async call(method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: unknown): Promise<Reply> {
    const response = await fetch(`${this.url}/directline${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json(), headers: response.headers };
  }

  begin(client: string): Promise<Reply> {
    return this.call('POST', '/conversations', { authorization: 'Bearer undefined', 'x-forwarded-for': client }, {});
  }

  /** A conversation that must start, as { conversationId, token, expires_in }. */
  async started(client: string): Promise<Json> {
    const reply = await this.begin(client);
    expect(reply.status, JSON.stringify(reply.body)).to.equal(201);
    return reply.body as Json;
  }

  post(conversation: Json, activity: Json): Promise<Reply> {
    return this.call('POST', `/conversations/${conversation.conversationId}/activities`, bearer(conversation.token), activity);
  }

  poll(conversation: Json, watermark = ''): Promise<Reply> {
    return this.call('GET', `/conversations/${conversation.conversationId}/activities?watermark=${watermark}`, bearer(conversation.token));
  }

  refresh(conversation: Json): Promise<Reply> {
    return this.call('POST', '/tokens/refresh', bearer(conversation.token));
  }
}

describe('local Direct Line limits (real server on 127.0.0.1, clock set by the test)', () => {
  const A = '198.51.100.1';
  const B = '198.51.100.2';
  let endpoint: LocalEndpoint;
  afterEach(async () => endpoint.stop());

  const minutes = (n: number) => n * 60_000;
  const texts = (reply: Reply): string[] => reply.body.activities.map((a: Json) => a.text);

  it('rate-limits posts per conversation: past the burst, 429 with Retry-After, and the bot is not run', async () => {
    endpoint = await new LocalEndpoint().start();
    const conversation = await endpoint.started(A);
    for (let i = 0; i < DEFAULT_LIMITS.postBurst; i += 1) expect((await endpoint.post(conversation, { type: 'message', text: `q${i}` })).status).to.equal(200);

    const refused = await endpoint.post(conversation, { type: 'message', text: 'one too many' });
    expect(refused.status).to.equal(429);
    expect(refused.body).to.deep.include({ error: 'rate_limited' });
    expect(refused.body.reason).to.be.a('string');
    // 20 a minute: the next post is earned back in 3 seconds.
    expect(refused.headers.get('retry-after')).to.equal('3');
    expect(endpoint.turns).to.have.length(DEFAULT_LIMITS.postBurst).and.not.include('one too many');
    const transcript = await endpoint.poll(conversation);
    expect(texts(transcript)).to.have.length(1 + 2 * DEFAULT_LIMITS.postBurst);
    expect(texts(transcript)).to.not.include('one too many').and.not.include('re: one too many');

    // A new token opens the same conversation, and the same budget.
    const refreshed = (await endpoint.refresh(conversation)).body as Json;
    expect((await endpoint.post(refreshed, { type: 'message', text: 'with a new token' })).status).to.equal(429);
    // Another conversation of the same client has its own.
    expect((await endpoint.post(await endpoint.started(A), { type: 'message', text: 'elsewhere' })).status).to.equal(200);

    endpoint.now += 3000;
    expect((await endpoint.post(conversation, { type: 'message', text: 'after a pause' })).status).to.equal(200);
    expect(endpoint.turns.at(-1)).to.equal('after a pause');
    expect(endpoint.logger.lines.join('\n')).to.include('directline_post_rate_limited').and.not.include(conversation.conversationId);
  });

  it('caps the conversations one client holds, and frees a slot when one expires', async () => {
    // Idle expiry within the tokens' 30 minutes, and abandonment no sooner, so that only expiry frees the slot here.
    const idleMs = minutes(20);
    endpoint = await new LocalEndpoint({ ...DEFAULT_LIMITS, maxConversationsPerClient: 2, idleMs, abandonedMs: idleMs }).start();
    const first = await endpoint.started(A);
    endpoint.now += minutes(5);
    const second = await endpoint.started(A);

    const refused = await endpoint.begin(A);
    expect(refused.status).to.equal(429);
    expect(refused.body).to.deep.include({ error: 'too_many_conversations_for_client' });
    expect(refused.body.reason).to.match(/conversations/);
    // The first could end in 15 minutes, unless it is used meanwhile.
    expect(refused.headers.get('retry-after')).to.equal(String(minutes(15) / 1000));
    expect((await endpoint.begin(B)).status).to.equal(201);

    endpoint.now += minutes(10);
    expect((await endpoint.poll(second)).status).to.equal(200);
    expect((await endpoint.begin(A)).status).to.equal(429);
    endpoint.now += minutes(5);
    expect((await endpoint.poll(first)).body).to.deep.include({ error: 'conversation_not_found' });
    await endpoint.started(A);
    expect((await endpoint.begin(A)).status).to.equal(429);
  });

  it("ends a client's abandoned conversation when it needs the slot, as a reloaded page does", async () => {
    endpoint = await new LocalEndpoint({ ...DEFAULT_LIMITS, maxConversationsPerClient: 2 }).start();
    const closedTab = await endpoint.started(A);
    const openTab = await endpoint.started(A);
    expect((await endpoint.begin(A)).headers.get('retry-after')).to.equal('120');
    endpoint.now += minutes(1);
    expect((await endpoint.poll(openTab)).status).to.equal(200);
    expect((await endpoint.begin(A)).headers.get('retry-after')).to.equal('60');
    endpoint.now += minutes(1);
    expect((await endpoint.poll(openTab)).status).to.equal(200);
    await endpoint.started(A);
    expect((await endpoint.poll(closedTab)).body).to.deep.include({ error: 'conversation_not_found' });
    expect((await endpoint.poll(openTab)).status).to.equal(200);
  });

  it('refuses a start with 503 and Retry-After while the store is full of conversations in use', async () => {
    endpoint = await new LocalEndpoint({ ...DEFAULT_LIMITS, maxConversations: 1 }).start();
    await endpoint.started(A);
    const refused = await endpoint.begin(B);
    expect(refused.status).to.equal(503);
    expect(refused.body).to.deep.include({ error: 'too_many_conversations' });
    expect(refused.headers.get('retry-after')).to.equal('120');
  });

  it('keeps a conversation flooded with 8 KB activities under its byte cap, with watermarks that stay right', async () => {
    endpoint = await new LocalEndpoint(DEFAULT_LIMITS, 6000).start();
    const conversation = await endpoint.started(A);
    const posts = 150;
    for (let i = 0; i < posts; i += 1) {
      endpoint.now += 3000; // within the post rate
      const posted = await endpoint.post(conversation, { type: 'message', text: `n${i}`, value: { blob: 'x'.repeat(7700) } });
      expect(posted.status, JSON.stringify(posted.body)).to.equal(200);
    }

    const kept = await endpoint.poll(conversation);
    const activities = kept.body.activities as Json[];
    const bytes = activities.reduce((sum, a) => sum + Buffer.byteLength(JSON.stringify(a)), 0);
    expect(bytes).to.be.at.most(DEFAULT_LIMITS.maxBytesPerConversation).and.equal(endpoint.store.bytes);
    // The byte cap, not the count cap, is what let the oldest go.
    expect(activities.length).to.be.below(DEFAULT_LIMITS.maxActivitiesPerConversation);
    const total = 1 + 2 * posts;
    expect(kept.body.watermark).to.equal(String(total));
    const sequences = activities.map((a) => Number(String(a.id).split('|')[1]));
    expect(sequences).to.deep.equal(Array.from({ length: activities.length }, (_, i) => total - activities.length + i));
    expect(activities.at(-1)!.text).to.equal(`re: n${posts - 1}`);

    const recent = await endpoint.poll(conversation, String(total - 2));
    expect(texts(recent)).to.deep.equal([`n${posts - 1}`, `re: n${posts - 1}`]);
    expect(recent.body.watermark).to.equal(String(total));
    // A watermark from before what is kept gets what is left, as from the start.
    expect((await endpoint.poll(conversation, '1')).body).to.deep.equal(kept.body);
  });

  it('ends a conversation at its lifetime however active it is, and refreshing its token does not extend it', async () => {
    endpoint = await new LocalEndpoint({ ...DEFAULT_LIMITS, maxConversationsPerClient: 1 }).start();
    let conversation = await endpoint.started(A);
    const lifetime = DEFAULT_LIMITS.lifetimeMs;
    for (let elapsed = minutes(10); elapsed < lifetime; elapsed += minutes(10)) {
      endpoint.now += minutes(10);
      expect((await endpoint.post(conversation, { type: 'message', text: `at ${elapsed}` })).status).to.equal(200);
      const refreshed = await endpoint.refresh(conversation);
      expect(refreshed.status).to.equal(200);
      expect(refreshed.body.expires_in).to.equal(Math.min(1800, (lifetime - elapsed) / 1000));
      conversation = refreshed.body as Json;
      // Still in use, it keeps its client's only slot.
      expect((await endpoint.begin(A)).status).to.equal(429);
    }
    const turns = endpoint.turns.length;

    endpoint.now += minutes(10);
    // The token was issued ten minutes ago and is still good; the conversation is not.
    expect(claimsOf(conversation.token).exp * 1000).to.be.above(endpoint.now);
    const posted = await endpoint.post(conversation, { type: 'message', text: 'too late' });
    expect(posted.status).to.equal(404);
    expect(posted.body).to.deep.include({ error: 'conversation_not_found' });
    expect(endpoint.turns).to.have.length(turns);
    expect((await endpoint.poll(conversation)).status).to.equal(404);
    expect((await endpoint.refresh(conversation)).status).to.equal(403);
    // Its slot is free again.
    await endpoint.started(A);
  });
});
