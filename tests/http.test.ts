import { expect } from 'chai';
import { shownText } from './helpers/shown';
import { startBot, type RunningBot } from '../src/app/startBot';
import { ConnectorStub, emulatorActivity, memoryLogger, postJson } from './helpers/http';

const ICM_QUESTION = 'How often is the International Council Meeting held?';
const SOURCE_URL = 'https://www.amnesty.org.uk/international-movement';

describe('HTTP endpoint (real server on 127.0.0.1)', () => {
  let bot: RunningBot;
  const logger = memoryLogger();

  before(async () => {
    bot = await startBot({ STORAGE: 'memory', PORT: '0', HOST: '127.0.0.1' }, { logger });
  });
  after(async () => bot.close());

  it('listens on loopback and warns once that it is anonymous', () => {
    expect(bot.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    const warnings = logger.lines.map((l) => JSON.parse(l)).filter((l) => l.level === 'warn');
    expect(warnings.map((w) => w.event)).to.deep.equal(['anonymous_mode']);
  });

  it('GET /healthz reports status, the store, entry count and version', async () => {
    const response = await fetch(`${bot.url}/healthz`);
    expect(response.status).to.equal(200);
    const body = (await response.json()) as { entries: number };
    expect(body).to.deep.equal({ status: 'ok', store: 'up', storage: 'memory', entries: body.entries, knowledge: 1, version: '0.1.0' });
    expect(body.entries).to.be.greaterThan(15);
  });

  it('answers an Emulator-style question in the response with deliveryMode expectReplies', async () => {
    const { status, body } = await postJson(`${bot.url}/api/messages`, emulatorActivity({ text: ICM_QUESTION, deliveryMode: 'expectReplies' }));
    expect(status).to.equal(200);
    // The Emulator channel also gets a botState trace for debugging; the user sees the messages.
    const messages = body.activities.filter((a: { type: string }) => a.type === 'message');
    expect(messages).to.have.length(1);
    const reply = messages[0];
    expect(reply.type).to.equal('message');
    // The Emulator renders Adaptive Cards, so the answer comes as one, with its source and as-of date.
    expect(reply.attachments[0].contentType).to.equal('application/vnd.microsoft.card.adaptive');
    expect(shownText(reply)).to.include('every two years');
    expect(shownText(reply)).to.include(SOURCE_URL);
    expect(shownText(reply)).to.match(/as of 2013/i);
  });

  it('welcomes a user who joins, through expectReplies', async () => {
    const { status, body } = await postJson(
      `${bot.url}/api/messages`,
      emulatorActivity({
        type: 'conversationUpdate',
        conversation: { id: 'welcome-http' },
        membersAdded: [
          { id: 'bot-1', name: 'Bot' },
          { id: 'user-1', name: 'Supporter' },
        ],
        deliveryMode: 'expectReplies',
      }),
    );
    expect(status).to.equal(200);
    expect(body.activities).to.have.length(1);
    expect(body.activities[0].text).to.match(/^Hello! I answer questions/);
  });

  describe('with a serviceUrl pointing at a Bot Connector stub', () => {
    const connector = new ConnectorStub();
    before(async () => connector.start());
    after(async () => connector.stop());

    it('POSTs the reply to the connector, addressed to the conversation and the message', async () => {
      const activity = emulatorActivity({ text: ICM_QUESTION, serviceUrl: connector.url, conversation: { id: 'stub-conversation' } });
      const { status } = await postJson(`${bot.url}/api/messages`, activity);
      expect(status).to.be.oneOf([200, 201, 202]);
      await connector.waitFor(1);
      const [reply] = connector.received;
      expect(reply!.path).to.equal(`/v3/conversations/stub-conversation/activities/${activity.id as string}`);
      expect(shownText(reply!.activity)).to.include('every two years');
      expect(shownText(reply!.activity)).to.include(SOURCE_URL);
      expect(reply!.activity.replyToId).to.equal(activity.id);
      expect(reply!.activity.recipient).to.deep.include({ id: 'user-1' });
    });
  });

  describe('malformed requests get a 4xx with a JSON reason, never a 500', () => {
    const cases: [string, string | unknown, number, RegExp][] = [
      ['a body that is not JSON', '{"type": "message", ', 400, /JSON/i],
      ['a JSON array', [], 400, /JSON object/],
      ['a JSON string', '"hello"', 400, /JSON object/],
      ['an activity without a type', { conversation: { id: 'c' } }, 400, /type/],
      ['an activity without a conversation', { type: 'message', text: 'hi' }, 400, /conversation/],
      ['a conversation without an id', { type: 'message', conversation: {} }, 400, /conversation\.id/],
      ['text that is not a string', { type: 'message', conversation: { id: 'c' }, text: 42 }, 400, /text/],
    ];
    for (const [what, body, status, reason] of cases) {
      it(`${what} → ${status}`, async () => {
        const response = await postJson(`${bot.url}/api/messages`, body);
        expect(response.status, response.text).to.equal(status);
        expect(response.body, response.text).to.be.an('object');
        expect(response.body.reason).to.match(reason);
      });
    }

    it('a body that is not JSON at all (text/plain) → 4xx', async () => {
      const response = await postJson(`${bot.url}/api/messages`, 'hello bot', { 'content-type': 'text/plain' });
      expect(response.status).to.be.within(400, 499);
      expect(response.body.reason).to.be.a('string');
    });

    it('an oversized body → 413', async () => {
      const response = await postJson(`${bot.url}/api/messages`, emulatorActivity({ text: 'x'.repeat(100_000) }));
      expect(response.status).to.equal(413);
      expect(response.body.reason).to.be.a('string');
    });

    it('keeps serving afterwards', async () => {
      expect((await fetch(`${bot.url}/healthz`)).status).to.equal(200);
    });
  });

  it('never logs what the user wrote or who they are', async () => {
    const secret = 'my email is jo.bloggs@example.org and I am Jo Bloggs';
    await postJson(
      `${bot.url}/api/messages`,
      emulatorActivity({ text: secret, deliveryMode: 'expectReplies', from: { id: 'jo-bloggs-id', name: 'Jo Bloggs' } }),
    );
    const log = logger.lines.join('\n');
    expect(log).to.include('"event":"turn"');
    for (const fragment of ['jo.bloggs', 'Jo Bloggs', 'jo-bloggs-id', 'my email']) expect(log).to.not.include(fragment);
  });
});

describe('HTTP endpoint with Bot Framework credentials', () => {
  let bot: RunningBot;
  before(async () => {
    bot = await startBot(
      {
        STORAGE: 'memory',
        PORT: '0',
        MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
        MicrosoftAppPassword: 'not-a-real-secret',
        MicrosoftAppType: 'MultiTenant',
      },
      { logger: memoryLogger() },
    );
  });
  after(async () => bot.close());

  it('rejects a request without a token with 401', async () => {
    const response = await postJson(`${bot.url}/api/messages`, emulatorActivity({ text: ICM_QUESTION, deliveryMode: 'expectReplies' }));
    expect(response.status).to.equal(401);
  });

  it('rejects a request with a malformed token with 401', async () => {
    const response = await postJson(`${bot.url}/api/messages`, emulatorActivity({ text: ICM_QUESTION, deliveryMode: 'expectReplies' }), {
      authorization: 'Bearer not.a.jwt',
    });
    expect(response.status).to.equal(401);
  });
});
