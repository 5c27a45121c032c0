import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Activity } from 'botbuilder';
import { expect } from 'chai';
import { startBot, type RunningBot } from '../src/app/startBot';
import { startPlayground, type RunningPlayground } from '../src/tools/playground';
import { cardNodes } from './helpers/cards';
import { visibleText } from './helpers/conversation';
import { ConnectorStub, memoryLogger, postJson } from './helpers/http';
import { playgroundConfig, repliesInLog, type LoggedReply } from './helpers/playgroundLog';

const TENANT = '72f988bf-0000-0000-0000-000000000001';
const ADMIN = '00000000-0000-0000-0000-00000000abcd';
const EXPERTS = { id: '19:care@thread.tacv2;messageid=1', conversationType: 'channel', tenantId: TENANT };
const QUESTION = 'Does Amnesty have an office in Reykjavik?';
const ANSWER = 'There is no office in Reykjavik; Amnesty Iceland is the section there.';

/** Polls until `find` returns something; the limit only stops a broken run from hanging. */
async function waitFor<T>(what: string, find: () => T | undefined, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Asking a person from Teams, with Microsoft's Agents Playground as the staff member's client: its personal
 * chat posts the question and the card clicks (through its own card-submit route), and its Connector
 * emulation must accept the expert's answer, which arrives outside any turn of the chat. The experts'
 * channel, which the playground cannot host, is the local Connector stub.
 */
describe('asking a person from Teams (Microsoft 365 Agents Playground)', () => {
  let dir: string;
  let bot: RunningBot;
  let playground: RunningPlayground;
  let connector: ConnectorStub;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'playground-handoff-'));
    connector = await new ConnectorStub().start();
    bot = await startBot({ STORAGE: 'memory', PORT: '0', LOG_LEVEL: 'error', HANDOFF_TENANT_ID: TENANT, HANDOFF_ADMIN_IDS: ADMIN }, { logger: memoryLogger() });
    playground = await startPlayground({ botPort: Number(new URL(bot.url).port), port: 0, logFile: join(dir, 'playground.log') });
  });

  after(async () => {
    await playground?.close();
    await bot?.close();
    await connector?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("offers the team, asks consent without an email field, sends, and shows the expert's answer in the chat", async () => {
    const experts = {
      channelId: 'msteams',
      serviceUrl: connector.url,
      recipient: { id: '28:bot' },
      conversation: EXPERTS,
      channelData: { tenant: { id: TENANT } },
    };
    const registered = await postJson(`${bot.url}/api/messages`, {
      ...experts,
      type: 'message',
      from: { id: '29:admin', aadObjectId: ADMIN },
      text: 'use this channel for questions',
      deliveryMode: 'expectReplies',
    });
    expect(JSON.stringify(registered.body)).to.include('Done');

    const { config } = playgroundConfig.parse(await (await fetch(`${playground.url}/_internal/v1/config`)).json());
    const chat = config.personalChat.id;
    const replies = () => repliesInLog(playground.logFile, chat);
    const latest = (needle: string) => (): LoggedReply | undefined => [...replies()].reverse().find((r) => JSON.stringify(r.activity).includes(needle));
    const click = async (card: LoggedReply, value: unknown) => {
      const response = await fetch(`${playground.url}/_conversation/v1/submit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ conversation: { id: chat }, from: { id: config.currentUser.id }, replyToId: card.id, value }),
      });
      expect(response.status).to.equal(200);
    };

    const asked = await fetch(`${playground.url}/_conversation/v1/conversations/${chat}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: { id: config.currentUser.id }, text: QUESTION, textFormat: 'plain' }),
    });
    expect(asked.status).to.equal(200);
    const offer = await waitFor('the offer', latest('"handoff":"offer"'));
    const offerData = cardNodes(offer.activity).find((n) => n.type === 'Action.Submit')!.data;
    await click(offer, offerData);

    const consent = await waitFor('the consent card', latest('Send to the team'));
    expect(
      cardNodes(consent.activity).some((n) => n.type === 'Input.Text'),
      'no email field in Teams',
    ).to.equal(false);
    await click(consent, { handoff: 'send' });
    await waitFor('"Sent."', latest('Sent. A person'));

    const ticketCard = await waitFor('the ticket card', () => connector.received.find((r) => decodeURIComponent(r.path).includes('19:care@thread.tacv2')));
    const facts = cardNodes(ticketCard.activity).find((n) => n.type === 'FactSet')!.facts as { title: string; value: string }[];
    expect(facts.find((f) => f.title === 'From')?.value).to.equal('Teams');
    const ticketId = (cardNodes(ticketCard.activity).find((n) => n.verb === 'handoff.answer')!.data as { ticketId: string }).ticketId;
    const answered = await postJson(`${bot.url}/api/messages`, {
      ...experts,
      type: 'invoke',
      name: 'adaptiveCard/action',
      from: { id: '29:expert', name: 'Priya' },
      value: { action: { type: 'Action.Execute', verb: 'handoff.answer', data: { ticketId, answer: ANSWER } } },
    });
    expect(answered.status).to.equal(200);

    const delivered = await waitFor('the answer in the playground chat', latest(ANSWER));
    expect(delivered.statusCode).to.be.within(200, 299);
    expect(visibleText(delivered.activity as Partial<Activity>)).to.include('Answer from the supporter care team');
  });
});
