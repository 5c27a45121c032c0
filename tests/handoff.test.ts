import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Activity } from 'botbuilder';
import { expect } from 'chai';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { startBot, type RunningBot, type StartOptions } from '../src/app/startBot';
import { createStorage, type StateStore } from '../src/storage/createStorage';
import { TicketStore } from '../src/handoff/ticketStore';
import { MAX_HANDOFFS_PER_HOUR } from '../dialogs/handoffDialog';
import { visibleText } from './helpers/conversation';
import { cardNodes } from './helpers/cards';
import { ConnectorStub, memoryLogger, postJson } from './helpers/http';

const TENANT = '72f988bf-0000-0000-0000-000000000001';
const OTHER_TENANT = '11111111-0000-0000-0000-000000000002';
/** The Entra object id every Teams activity here carries; HANDOFF_ADMIN_IDS names it. */
const ADMIN = '00000000-0000-0000-0000-00000000abcd';
const BOT = { id: '28:faq-bot', name: 'Movement FAQ' };
const EXPERTS = '19:experts@thread.tacv2';
const UNKNOWN = 'Does Amnesty have a office in Reykjavik I could visit?';
let sequence = 0;

type Body = Record<string, unknown>;
const messages = (activities: Partial<Activity>[]) => activities.filter((a) => a.type === 'message');
const cardOf = (activity: Partial<Activity> | undefined) => activity?.attachments?.[0]?.content as Body | undefined;

interface World {
  bot: RunningBot;
  store: StateStore;
  connector: ConnectorStub;
  logger: ReturnType<typeof memoryLogger>;
}

async function startWorld(env: Record<string, string> = {}, handoff: StartOptions['handoff'] = {}, store?: StateStore): Promise<World> {
  const connector = await new ConnectorStub().start();
  const logger = memoryLogger();
  const theStore = store ?? (await createStorage({ kind: 'memory', dataDir: '.', ttlDays: 30 }));
  const bot = await startBot(
    { STORAGE: 'memory', PORT: '0', LOG_LEVEL: 'debug', HANDOFF_TENANT_ID: TENANT, HANDOFF_ADMIN_IDS: ADMIN, ...env },
    { store: theStore, logger, handoff },
  );
  return { bot, store: theStore, connector, logger };
}

async function stopWorld(world: World | undefined): Promise<void> {
  await world?.bot.close();
  await world?.connector.stop();
}

/** Posts an activity and returns the replies under expectReplies, or the invoke's response body. */
async function post(world: World, activity: Body): Promise<{ status: number; body: any; replies: Partial<Activity>[] }> {
  const response = await postJson(`${world.bot.url}/api/messages`, activity);
  return { status: response.status, body: response.body, replies: messages(response.body?.activities ?? []) };
}

function teams(world: World, conversation: Body, extra: Body): Body {
  sequence += 1;
  return {
    type: 'message',
    id: `t-${sequence}`,
    channelId: 'msteams',
    serviceUrl: world.connector.url,
    from: { id: '29:expert', name: 'Sam Expert', aadObjectId: '00000000-0000-0000-0000-00000000abcd' },
    recipient: BOT,
    conversation,
    channelData: { tenant: { id: (conversation.tenantId as string | undefined) ?? TENANT } },
    deliveryMode: 'expectReplies',
    ...extra,
  };
}

const expertsConversation = (tenantId = TENANT, thread = '1000') => ({
  id: `${EXPERTS};messageid=${thread}`,
  conversationType: 'channel',
  tenantId,
  isGroup: true,
});

/** A supporter on the website (Direct Line), whose replies come back under expectReplies and whose proactive messages reach the stub. */
function website(world: World, conversationId: string, extra: Body): Body {
  sequence += 1;
  return {
    type: 'message',
    id: `w-${sequence}`,
    channelId: 'directline',
    serviceUrl: world.connector.url,
    from: { id: 'dl_supporter', name: 'Supporter' },
    recipient: BOT,
    conversation: { id: conversationId },
    deliveryMode: 'expectReplies',
    ...extra,
  };
}

async function registerExperts(world: World, tenantId = TENANT): Promise<string> {
  const { replies } = await post(world, teams(world, expertsConversation(tenantId), { text: `<at>${BOT.name}</at> use this channel for questions` }));
  return replies.map(visibleText).join('\n');
}

/** Asks an unanswerable question on the website, takes the offer and says yes; returns the ticket card posted to the experts. */
async function askTheTeam(world: World, conversationId: string, email = ''): Promise<{ ticketId: string; card: Body; sent: string }> {
  const before = world.connector.received.length;
  const unknown = await post(world, website(world, conversationId, { text: UNKNOWN }));
  const offer = cardNodes(unknown.replies.map(cardOf)).find((n) => n.type === 'Action.Submit' && (n.data as Body | undefined)?.handoff === 'offer');
  expect(offer, "the offer under a don't-know").to.not.equal(undefined);
  const consent = await post(world, website(world, conversationId, { value: offer!.data }));
  const send = cardNodes(consent.replies.map(cardOf)).find((n) => n.type === 'Action.Submit' && (n.data as Body).handoff === 'send');
  expect(send, 'the consent card').to.not.equal(undefined);
  const sent = await post(world, website(world, conversationId, { value: { ...(send!.data as Body), email } }));
  await world.connector.waitFor(before + 1);
  const posted = world.connector.received.slice(before).find((r) => r.path.startsWith(`/v3/conversations/${encodeURIComponent(EXPERTS)}/activities`));
  expect(posted, "the ticket card in the experts' channel").to.not.equal(undefined);
  const card = cardOf(posted!.activity)!;
  const execute = cardNodes(card).find((n) => n.type === 'Action.Execute' && n.verb === 'handoff.answer');
  return { ticketId: (execute!.data as Body).ticketId as string, card, sent: sent.replies.map(visibleText).join('\n') };
}

function invoke(world: World, verb: string, data: Body, conversation: Body = expertsConversation()): Body {
  sequence += 1;
  return {
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: `i-${sequence}`,
    channelId: 'msteams',
    serviceUrl: world.connector.url,
    from: { id: '29:expert', name: 'Sam Expert' },
    recipient: BOT,
    conversation,
    channelData: { tenant: { id: conversation.tenantId } },
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}

const ANSWER = 'We have no office in Reykjavik, but Amnesty Iceland (Íslandsdeild) has one you can visit.';
const toConversation = (world: World, id: string) =>
  world.connector.received.filter((r) => r.method === 'POST' && r.path.startsWith(`/v3/conversations/${encodeURIComponent(id)}/activities`));

describe('asking a person: the supporter care team in Teams (real HTTP endpoint, local Connector stub)', () => {
  describe('when handoff is not configured', () => {
    let world: World;
    before(async () => (world = await startWorld({ HANDOFF_TENANT_ID: '', HANDOFF_ADMIN_IDS: '' })));
    after(async () => stopWorld(world));

    it('offers no person, and "can I talk to a human" gets what it got before', async () => {
      const unknown = await post(world, website(world, 'plain-1', { text: UNKNOWN }));
      expect(unknown.replies).to.have.length(1);
      expect(JSON.stringify(unknown.replies)).to.not.include('supporter care team');
      const human = await post(world, website(world, 'plain-1', { text: 'can I talk to a human' }));
      expect(JSON.stringify(human.replies)).to.not.include('supporter care team');
    });

    it('ignores "use this channel for questions"', async () => {
      expect(await registerExperts(world)).to.not.include('Done');
    });

    it('answers a card action with a 400 and a reason, as it does any malformed invoke', async () => {
      const response = await post(world, invoke(world, 'handoff.answer', { ticketId: '00000000-0000-4000-8000-000000000000', answer: 'x' }));
      expect(response.status).to.equal(400);
      expect(response.body.value.code).to.equal('BadRequest');
    });
  });

  describe('when it is configured', () => {
    let world: World;
    beforeEach(async () => (world = await startWorld({}, { chatPresenceMs: 60 * 60 * 1000 })));
    afterEach(async () => stopWorld(world));

    it("offers nothing until an experts' channel is registered, and only a channel of the team's tenant can be", async () => {
      const unknown = await post(world, website(world, 'web-0', { text: UNKNOWN }));
      expect(unknown.replies).to.have.length(1);
      expect(await registerExperts(world, OTHER_TENANT)).to.include("another organisation's");
      const notAdmin = await post(
        world,
        teams(world, expertsConversation(), {
          text: 'use this channel for questions',
          from: { id: '29:colleague', name: 'A Colleague', aadObjectId: '22222222-0000-0000-0000-000000000003' },
        }),
      );
      expect(notAdmin.replies.map(visibleText).join()).to.include('Only the administrators');
      const personal = await post(
        world,
        teams(world, { id: 'a:personal', conversationType: 'personal', tenantId: TENANT }, { text: 'use this channel for questions' }),
      );
      expect(personal.replies.map(visibleText).join()).to.include('channel of a team');
      expect(await registerExperts(world)).to.include('Done');
      const offered = await post(world, website(world, 'web-0', { text: UNKNOWN }));
      expect(offered.replies).to.have.length(2);
      expect(visibleText(offered.replies[1]!)).to.include('supporter care team');
    });

    it("takes a website question to the channel as a card, and the expert's answer back to the supporter, updating the card in place", async () => {
      await registerExperts(world);
      const { ticketId, card, sent } = await askTheTeam(world, 'web-1');
      expect(sent).to.include('Sent.');
      expect(card.version).to.equal('1.5');
      const shown = visibleText({ attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }] });
      expect(shown).to.include(UNKNOWN);
      const facts = cardNodes(card).find((n) => n.type === 'FactSet')!.facts as { title: string; value: string }[];
      expect(facts.find((f) => f.title === 'From')!.value).to.equal('the website');
      expect(cardNodes(card).some((n) => n.type === 'Input.Text' && n.id === 'answer')).to.equal(true);

      const response = await post(world, invoke(world, 'handoff.answer', { ticketId, answer: ANSWER, suggest: 'true' }));
      expect(response.status).to.equal(200);
      expect(response.body.type).to.equal('application/vnd.microsoft.card.adaptive');
      expect(JSON.stringify(response.body.value)).to.include('Answered by Sam Expert').and.include(ANSWER);
      expect(
        cardNodes(response.body.value).some((n) => n.type === 'Action.Execute'),
        'the answered card has no actions',
      ).to.equal(false);

      const [delivered] = toConversation(world, 'web-1');
      expect(delivered, "the answer in the supporter's conversation").to.not.equal(undefined);
      const text = visibleText(delivered!.activity);
      expect(text).to.include('Answer from the supporter care team').and.include(ANSWER).and.include("not taken from this bot's knowledge base");
      const update = world.connector.received.find((r) => r.method === 'PUT');
      expect(update?.path).to.match(
        new RegExp(`^/v3/conversations/${encodeURIComponent(EXPERTS).replace(/[.*+?^${}()|[\]\\%]/g, '\\$&')}/activities/reply-\\d+$`),
      );
      expect(JSON.stringify(update!.activity)).to.include('Answered by Sam Expert');

      const suggestions = (await world.store.curation.list()).filter((r) => r.kind === 'suggestion');
      expect(suggestions).to.deep.include.members([{ kind: 'suggestion', question: UNKNOWN, answer: ANSWER, at: suggestions[0]!.at }]);
      const ticket = await new TicketStore(world.store.storage).get(ticketId);
      expect(ticket?.status).to.equal('answered');
      expect(ticket).to.not.have.property('asker');
    });

    it('works when replies are posted to the channel rather than returned (no expectReplies), as Web Chat and Teams send them', async () => {
      await registerExperts(world);
      const posted = (extra: Body) => {
        const activity = website(world, 'web-posted', extra);
        delete activity.deliveryMode;
        return post(world, activity);
      };
      const toChat = () =>
        toConversation(world, 'web-posted')
          .map((r) => visibleText(r.activity))
          .join('\n');
      await posted({ text: UNKNOWN });
      await world.connector.waitFor(2);
      const offer = cardNodes(toConversation(world, 'web-posted').map((r) => cardOf(r.activity))).find(
        (n) => (n.data as Body | undefined)?.handoff === 'offer',
      )!;
      await posted({ value: offer.data });
      // The consent is a silent turn for the dialog (it ends), and the bot speaks after it: "Sent."
      const sent = await posted({ value: { handoff: 'send' } });
      expect(sent.status).to.equal(200);
      await world.connector.waitFor(5);
      expect(toChat()).to.include('Sent.').and.not.include('something went wrong');
      expect(toConversation(world, EXPERTS)).to.have.length(1);
    });

    it('gives one winner when two experts answer at once; the other is told it was already answered', async () => {
      await registerExperts(world);
      const { ticketId } = await askTheTeam(world, 'web-2');
      const [first, second] = await Promise.all([
        post(world, invoke(world, 'handoff.answer', { ticketId, answer: 'First answer.' })),
        post(world, invoke(world, 'handoff.answer', { ticketId, answer: 'Second answer.' })),
      ]);
      const cards = [first, second].map((r) => JSON.stringify(r.body.value));
      expect(cards.filter((c) => c.includes('Answered by'))).to.have.length(1);
      expect(cards.filter((c) => c.includes('Already answered'))).to.have.length(1);
      expect(toConversation(world, 'web-2')).to.have.length(1);
    });

    it('answers a Teams user in their own chat, without asking for an email address', async () => {
      await registerExperts(world);
      const personal = { id: 'a:staff-chat', conversationType: 'personal', tenantId: TENANT };
      const unknown = await post(world, teams(world, personal, { text: UNKNOWN }));
      const offer = cardNodes(unknown.replies.map(cardOf)).find((n) => (n.data as Body | undefined)?.handoff === 'offer')!;
      const consent = await post(world, teams(world, personal, { value: offer.data }));
      expect(
        cardNodes(consent.replies.map(cardOf)).some((n) => n.type === 'Input.Text'),
        'no email input in Teams',
      ).to.equal(false);
      await post(world, teams(world, personal, { value: { handoff: 'send' } }));
      await world.connector.waitFor(1);
      const execute = cardNodes(cardOf(toConversation(world, EXPERTS)[0]!.activity)).find((n) => n.verb === 'handoff.answer')!;
      await post(world, invoke(world, 'handoff.answer', { ...(execute.data as Body), answer: ANSWER }));
      const [delivered] = toConversation(world, 'a:staff-chat');
      expect(visibleText(delivered!.activity)).to.include(ANSWER);
      expect(delivered!.activity.conversation?.tenantId ?? (delivered!.activity.channelData as Body).tenant).to.not.equal(undefined);
    });

    it('"can I talk to a human" asks for the question, shows it, and sends it only on yes', async () => {
      await registerExperts(world);
      const asked = await post(world, website(world, 'web-3', { text: 'Can I talk to a human?' }));
      expect(asked.replies.map(visibleText).join()).to.include('What would you like to ask');
      const consent = await post(world, website(world, 'web-3', { text: 'Are the International Board paid?' }));
      expect(consent.replies.map(visibleText).join()).to.include('“Are the International Board paid?”');
      const declined = await post(world, website(world, 'web-3', { value: { handoff: 'cancel' } }));
      expect(declined.replies.map(visibleText).join()).to.include("haven't sent it");
      expect(toConversation(world, EXPERTS)).to.have.length(0);
      const stale = await post(world, website(world, 'web-3', { value: { handoff: 'send' } }));
      expect(stale.replies.map(visibleText).join()).to.include('already been sent or cancelled');
      expect(toConversation(world, EXPERTS)).to.have.length(0);
    });

    it('offers the team after a 👎', async () => {
      await registerExperts(world);
      const voted = await post(world, website(world, 'web-4', { value: { feedback: 'unhelpful', entryId: 'icm-frequency' } }));
      const offer = cardNodes(voted.replies.map(cardOf)).find((n) => (n.data as Body | undefined)?.handoff === 'offer');
      expect(offer?.data).to.deep.include({ entryId: 'icm-frequency', rated: true });
    });

    it('asks again for an email address that is not one, and sends nothing meanwhile', async () => {
      await stopWorld(world);
      world = await startWorld({ SMTP_URL: 'smtp://127.0.0.1:9', SMTP_FROM: 'bot@example.org' });
      await registerExperts(world);
      const unknown = await post(world, website(world, 'web-5', { text: UNKNOWN }));
      const offer = cardNodes(unknown.replies.map(cardOf)).find((n) => (n.data as Body | undefined)?.handoff === 'offer')!;
      const consent = await post(world, website(world, 'web-5', { value: offer.data }));
      expect(cardNodes(consent.replies.map(cardOf)).some((n) => n.type === 'Input.Text' && n.id === 'email')).to.equal(true);
      const wrong = await post(world, website(world, 'web-5', { value: { handoff: 'send', email: 'not an address' } }));
      expect(wrong.replies.map(visibleText).join()).to.include("doesn't look right");
      expect(toConversation(world, EXPERTS)).to.have.length(0);
    });

    it(`lets one conversation open at most ${MAX_HANDOFFS_PER_HOUR} tickets an hour`, async () => {
      await registerExperts(world);
      for (let i = 0; i < MAX_HANDOFFS_PER_HOUR; i++) expect((await askTheTeam(world, 'web-6')).sent).to.include('Sent.');
      const unknown = await post(world, website(world, 'web-6', { text: UNKNOWN }));
      const offer = cardNodes(unknown.replies.map(cardOf)).find((n) => (n.data as Body | undefined)?.handoff === 'offer')!;
      await post(world, website(world, 'web-6', { value: offer.data }));
      const refused = await post(world, website(world, 'web-6', { value: { handoff: 'send' } }));
      expect(refused.replies.map(visibleText).join()).to.include('in the last hour');
      expect(toConversation(world, EXPERTS)).to.have.length(MAX_HANDOFFS_PER_HOUR);
    });

    it('answers malformed card actions and unknown invokes with a 400 and a JSON reason, at once', async () => {
      await registerExperts(world);
      const malformed: unknown[] = [
        undefined,
        {},
        { action: {} },
        { action: { type: 'Action.Submit' } },
        { action: { type: 'Action.Execute', verb: 'x'.repeat(5000) } },
        'text',
      ];
      for (const value of malformed) {
        const started = performance.now();
        const response = await post(world, { ...invoke(world, 'handoff.answer', {}), value });
        expect(response.status, JSON.stringify(value)).to.equal(400);
        expect(response.body.value.message ?? response.body.value, JSON.stringify(value)).to.be.a('string');
        expect(performance.now() - started).to.be.below(1000);
      }
      const unknown = await post(world, { ...invoke(world, 'handoff.answer', {}), name: 'no/such/invoke' });
      expect(unknown.status).to.equal(400);
      const notATicket = await post(world, invoke(world, 'handoff.answer', { ticketId: '../handoff/experts', answer: 'x' }));
      expect(JSON.stringify(notATicket.body.value)).to.include('no longer open');
      const { ticketId } = await askTheTeam(world, 'web-long');
      const tooLong = await post(world, invoke(world, 'handoff.answer', { ticketId, answer: 'a'.repeat(5000) }));
      expect(tooLong.status).to.equal(200);
      expect(JSON.stringify(tooLong.body.value)).to.include('at most 2000 characters');
      expect(toConversation(world, 'web-long')).to.have.length(0);
    });

    it('"stop using this channel for questions" stops the offer; cards already there can still be answered, and only there', async () => {
      await registerExperts(world);
      const { ticketId } = await askTheTeam(world, 'web-stop');
      const elsewhere = await post(
        world,
        teams(world, { id: '19:other@thread.tacv2', conversationType: 'channel', tenantId: TENANT }, { text: 'stop using this channel for questions' }),
      );
      expect(elsewhere.replies.map(visibleText).join()).to.include('nothing to stop here');
      const stopped = await post(world, teams(world, expertsConversation(), { text: `<at>${BOT.name}</at> Stop using this channel for questions` }));
      expect(stopped.replies.map(visibleText).join()).to.include('no longer come here');
      const unknown = await post(world, website(world, 'web-stop-2', { text: UNKNOWN }));
      expect(unknown.replies, 'no offer once stopped').to.have.length(1);
      const answered = await post(world, invoke(world, 'handoff.answer', { ticketId, answer: ANSWER }));
      expect(JSON.stringify(answered.body.value)).to.include('Answered by');
      expect(visibleText(toConversation(world, 'web-stop')[0]!.activity)).to.include(ANSWER);
    });

    it('"Close without answering" closes the ticket, updates the card, and tells the supporter', async () => {
      await registerExperts(world);
      const { ticketId } = await askTheTeam(world, 'web-close');
      const closed = await post(world, invoke(world, 'handoff.close', { ticketId }));
      expect(JSON.stringify(closed.body.value)).to.include('Closed by Sam Expert');
      expect(visibleText(toConversation(world, 'web-close')[0]!.activity)).to.include('closed your question');
      const answered = await post(world, invoke(world, 'handoff.answer', { ticketId, answer: ANSWER }));
      expect(JSON.stringify(answered.body.value)).to.include('Already closed');
      expect(toConversation(world, 'web-close')).to.have.length(1);
    });

    it("answers a card only in the experts' channel", async () => {
      await registerExperts(world);
      const { ticketId } = await askTheTeam(world, 'web-7');
      const elsewhere = await post(
        world,
        invoke(world, 'handoff.answer', { ticketId, answer: 'x' }, { id: '19:other@thread.tacv2', conversationType: 'channel', tenantId: TENANT }),
      );
      expect(JSON.stringify(elsewhere.body.value)).to.include("only in the supporter care team's channel");
      expect(toConversation(world, 'web-7')).to.have.length(0);
    });

    it('never logs the question, the answer or an email address', async () => {
      await registerExperts(world);
      const { ticketId } = await askTheTeam(world, 'web-8');
      await post(world, invoke(world, 'handoff.answer', { ticketId, answer: ANSWER }));
      const logs = world.logger.lines.join('\n');
      expect(logs).to.include('handoff_ticket_opened').and.include('handoff_answered');
      expect(logs).to.not.include('Reykjavik').and.not.include('Sam Expert').and.not.include('web-8');
    });
  });
});

/** A real SMTP server on 127.0.0.1 that keeps what it receives, parsed. */
async function startSmtp(): Promise<{ url: string; mails: Awaited<ReturnType<typeof simpleParser>>[]; stop(): Promise<void> }> {
  const mails: Awaited<ReturnType<typeof simpleParser>>[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          mails.push(mail);
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as { port: number };
  return { url: `smtp://127.0.0.1:${port}`, mails, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('asking a person: email, restarts, reminders and retention', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  let world: World | undefined;
  afterEach(async () => {
    await stopWorld(world);
    world = undefined;
  });

  it('emails the answer through a real SMTP server to a supporter who left an address and has left the chat, then forgets the address', async () => {
    const smtp = await startSmtp();
    try {
      world = await startWorld({ SMTP_URL: smtp.url, SMTP_FROM: 'Amnesty International UK <supportercare@example.org>' }, { chatPresenceMs: 0 });
      await registerExperts(world);
      const { ticketId, sent } = await askTheTeam(world, 'web-mail', 'supporter@example.org');
      expect(sent).to.include('by email');
      const tickets = new TicketStore(world.store.storage);
      expect((await tickets.get(ticketId))?.email).to.equal('supporter@example.org');
      await post(world, invoke(world, 'handoff.answer', { ticketId, answer: ANSWER }));
      expect(smtp.mails).to.have.length(1);
      const [mail] = smtp.mails;
      expect(mail!.to && 'text' in mail!.to ? mail!.to.text : '').to.equal('supporter@example.org');
      expect(mail!.subject).to.equal('Your question to Amnesty International UK');
      expect(mail!.text).to.include(ANSWER).and.include(UNKNOWN);
      expect(await tickets.get(ticketId)).to.not.have.property('email');
      expect(world.logger.lines.join('\n')).to.not.include('supporter@example.org');
    } finally {
      await smtp.stop();
    }
  });

  it('keeps tickets across a restart (SQLite): an answer after the restart still reaches the supporter', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'faq-handoff-'));
    dirs.push(dataDir);
    const env = { STORAGE: 'sqlite', DATA_DIR: dataDir };
    world = await startWorld(env, {}, await createStorage({ kind: 'sqlite', dataDir, ttlDays: 30 }));
    await registerExperts(world);
    const { ticketId } = await askTheTeam(world, 'web-restart');
    await world.bot.close();
    await world.store.close();
    const connector = world.connector;
    const logger = memoryLogger();
    const store = await createStorage({ kind: 'sqlite', dataDir, ttlDays: 30 });
    const bot = await startBot({ ...env, PORT: '0', LOG_LEVEL: 'error', HANDOFF_TENANT_ID: TENANT, HANDOFF_ADMIN_IDS: ADMIN }, { store, logger });
    world = { bot, store, connector, logger };
    const response = await post(world, invoke(world, 'handoff.answer', { ticketId, answer: ANSWER }));
    expect(JSON.stringify(response.body.value)).to.include('Answered by');
    expect(visibleText(toConversation(world, 'web-restart')[0]!.activity)).to.include(ANSWER);
    await store.close();
  });

  it('reminds the channel of a ticket left open, once per HANDOFF_SLA_HOURS, in its thread, and closes it unanswered after HANDOFF_TTL_DAYS', async () => {
    const asked = Date.parse('2026-12-01T09:00:00Z');
    let now = asked;
    const hours = (h: number) => asked + h * 60 * 60 * 1000;
    // The sweep runs every 20 ms here against a clock the test moves; in production, every 5 minutes.
    world = await startWorld({ HANDOFF_SLA_HOURS: '24', HANDOFF_TTL_DAYS: '3' }, { now: () => new Date(now), sweepIntervalMs: 20 });
    await registerExperts(world);
    const { ticketId } = await askTheTeam(world, 'web-sla');
    const reminders = () => world!.connector.received.filter((r) => r.method === 'POST' && decodeURIComponent(r.path).includes(';messageid='));
    const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

    now = hours(23);
    await settle();
    expect(reminders(), 'nothing before the SLA').to.have.length(0);
    now = hours(25);
    await settle();
    expect(reminders()).to.have.length(1);
    expect(decodeURIComponent(reminders()[0]!.path)).to.include(`${EXPERTS};messageid=`);
    expect(reminders()[0]!.activity.text).to.include('waited 25 hours');
    now = hours(30);
    await settle();
    expect(reminders(), 'one reminder per SLA period').to.have.length(1);
    now = hours(49);
    await settle();
    expect(reminders()).to.have.length(2);

    now = hours(3 * 24 + 1);
    await settle();
    const tickets = new TicketStore(world.store.storage);
    const ticket = await tickets.get(ticketId);
    expect(ticket?.status).to.equal('closed');
    expect(ticket).to.not.have.property('asker');
    expect(await tickets.openIds()).to.deep.equal([]);
    const update = world.connector.received.find((r) => r.method === 'PUT');
    expect(JSON.stringify(update?.activity)).to.include('Closed: no answer within 3 days');
    const late = await post(world, invoke(world, 'handoff.answer', { ticketId, answer: ANSWER }));
    expect(JSON.stringify(late.body.value)).to.include('Already closed');
    const toSupporter = toConversation(world, 'web-sla').map((r) => visibleText(r.activity));
    expect(toSupporter).to.have.length(1);
    expect(toSupporter[0]).to.include('closed your question').and.not.include(ANSWER);
    // The state store deletes what is untouched for STATE_TTL_DAYS; the sweep keeps the channel fresh.
    expect((await tickets.experts())?.refreshedAt).to.equal(new Date(hours(3 * 24 + 1)).toISOString());
  });
});
