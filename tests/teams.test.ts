import type { Activity } from 'botbuilder';
import { expect } from 'chai';
import { startBot, type RunningBot } from '../src/app/startBot';
import { createStorage, type StateStore } from '../src/storage/createStorage';
import { CARD_VERSION } from '../src/cards/adaptiveCards';
import { memoryLogger, postJson } from './helpers/http';
import { shownButtons, shownText } from './helpers/shown';

const BOT = { id: '28:faq-bot-app-id', name: 'Movement FAQ' };
const TENANT = '72f988bf-0000-0000-0000-000000000000';
const QUESTION = 'How often is the International Council Meeting held?';
let sequence = 0;

type ConversationType = 'personal' | 'groupChat' | 'channel';

/** An activity as Teams sends it: tenant, AAD object id, conversation type and, outside personal chats, an @mention. */
function teamsActivity(conversationType: ConversationType, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  sequence += 1;
  const conversationId = `${conversationType}-conversation-${sequence}`;
  return {
    type: 'message',
    id: `teams-${sequence}`,
    channelId: 'msteams',
    serviceUrl: 'http://127.0.0.1:9/unused',
    from: { id: `29:user-${sequence}`, name: 'A Volunteer', aadObjectId: '00000000-0000-0000-0000-00000000abcd' },
    recipient: BOT,
    conversation: { id: conversationId, conversationType, tenantId: TENANT, isGroup: conversationType !== 'personal' },
    channelData: { tenant: { id: TENANT }, ...(conversationType === 'channel' ? { team: { id: '19:team' }, channel: { id: '19:channel' } } : {}) },
    deliveryMode: 'expectReplies',
    ...overrides,
  };
}

function mentioning(text: string): Record<string, unknown> {
  const at = `<at>${BOT.name}</at>`;
  return { text: `${at} ${text}`, entities: [{ type: 'mention', mentioned: BOT, text: at }] };
}

const messages = (body: { activities: Partial<Activity>[] }) => body.activities.filter((a) => a.type === 'message');

describe('Teams-shaped activities (real HTTP endpoint, channelId msteams)', () => {
  let bot: RunningBot;
  let store: StateStore;
  before(async () => {
    store = await createStorage({ kind: 'memory', dataDir: '.', ttlDays: 30 });
    bot = await startBot({ STORAGE: 'memory', PORT: '0', LOG_LEVEL: 'error' }, { store, logger: memoryLogger() });
  });
  after(async () => bot.close());

  const post = async (activity: Record<string, unknown>) => {
    const response = await postJson(`${bot.url}/api/messages`, activity);
    expect(response.status, response.text).to.equal(200);
    return messages(response.body);
  };

  for (const conversationType of ['personal', 'groupChat', 'channel'] as const) {
    it(`answers in a ${conversationType} conversation, with the bot's @mention stripped, as an Adaptive Card ${CARD_VERSION}`, async () => {
      const replies = await post(teamsActivity(conversationType, conversationType === 'personal' ? { text: QUESTION } : mentioning(QUESTION)));
      expect(replies).to.have.length(1);
      const reply = replies[0]!;
      expect(reply.attachments![0]!.contentType).to.equal('application/vnd.microsoft.card.adaptive');
      expect(Number((reply.attachments![0]!.content as { version: string }).version)).to.be.at.most(1.5);
      expect(shownText(reply)).to.include('every two years');
      expect(shownText(reply)).to.include('Source: [The International Movement](https://www.amnesty.org.uk/international-movement), as of 2013.');
      // Teams drops suggested actions from a message with attachments, so there are none.
      expect(reply.suggestedActions).to.equal(undefined);
    });
  }

  it("gives follow-up buttons as messageBack, so a click shows as the user's words and is routed like typed text", async () => {
    const [reply] = await post(teamsActivity('personal', { text: QUESTION }));
    const content = reply!.attachments![0]!.content;
    const followUps = shownButtons(reply!).filter((b) => b.ask);
    expect(followUps.length).to.be.within(1, 3);
    const submit = JSON.stringify(content).includes('"msteams":{"type":"messageBack"');
    expect(submit).to.equal(true);
    // What Teams sends for a messageBack click: the question as text, the data as value.
    const [answer] = await post(teamsActivity('personal', { text: followUps[0]!.ask, value: { ask: followUps[0]!.ask } }));
    expect(shownText(answer!)).to.include('Source:');
  });

  it('takes 👍/👎 and keeps it with the answer id only', async () => {
    const [reply] = await post(teamsActivity('groupChat', mentioning(QUESTION)));
    const thumbsDown = shownButtons(reply!).find((b) => b.feedback === 'unhelpful')!;
    expect(thumbsDown.entryId).to.equal('icm-frequency');
    const [thanks] = await post(teamsActivity('groupChat', { text: 'feedback', value: { feedback: 'unhelpful', entryId: 'icm-frequency' } }));
    expect(thanks!.text).to.match(/^Thank you/);
    // A rating for an answer id the bot never gave is thanked but not kept.
    await post(teamsActivity('groupChat', { text: 'feedback', value: { feedback: 'helpful', entryId: 'no-such-entry' } }));
    const records = await store.curation.list();
    expect(records.filter((r) => r.kind === 'feedback')).to.deep.equal([
      { kind: 'feedback', entryId: 'icm-frequency', helpful: false, at: records.find((r) => r.kind === 'feedback')!.at },
    ]);
  });

  it('sends the question asked back with 👎 (and not with 👍), and keeps it with the vote, redacted, for curators', async () => {
    const [reply] = await post(teamsActivity('personal', { text: QUESTION }));
    const buttons = shownButtons(reply!);
    expect(buttons.find((b) => b.feedback === 'helpful')?.question).to.equal(undefined);
    const thumbsDown = buttons.find((b) => b.feedback === 'unhelpful')!;
    expect(thumbsDown.question).to.equal(QUESTION);
    // A client can put anything there: it is kept as any question is, redacted.
    const value = { feedback: 'unhelpful', entryId: thumbsDown.entryId, question: `${QUESTION} Mail me at jo@example.org` };
    await post(teamsActivity('personal', { text: 'feedback', value }));
    const kept = (await store.curation.list()).filter((r) => r.kind === 'feedback' && r.question !== undefined);
    expect(kept.map((r) => (r.kind === 'feedback' ? [r.entryId, r.helpful, r.question] : []))).to.deep.equal([
      ['icm-frequency', false, `${QUESTION} Mail me at [email]`],
    ]);
    // Redaction's placeholders can make a 500-character message a little longer: it is still a vote.
    const [thanks] = await post(teamsActivity('personal', { text: 'feedback', value: { ...value, question: 'SW1A 1AA '.repeat(60) } }));
    expect(thanks!.text).to.match(/^Thank you for telling us/);
  });

  it('welcomes once per installation, and not when members join a channel', async () => {
    const install = await post(teamsActivity('channel', { type: 'installationUpdate', action: 'add', text: undefined, deliveryMode: 'expectReplies' }));
    expect(install).to.have.length(1);
    expect(shownText(install[0]!)).to.match(/^Hello! I answer questions/);
    const joined = await post(
      teamsActivity('channel', { type: 'conversationUpdate', text: undefined, membersAdded: [{ id: '29:newcomer' }, { id: '29:another' }] }),
    );
    expect(joined).to.deep.equal([]);
  });

  it('gives the same answer entry on msteams and on directline', async () => {
    const entryOf = (reply: Partial<Activity> | undefined) => (reply ? shownButtons(reply).find((b) => b.feedback)?.entryId : undefined);
    for (const question of [QUESTION, 'who appoints the SG?', 'how many supporters in the uk']) {
      const [teams] = await post(teamsActivity('personal', { text: question }));
      const [web] = await post(teamsActivity('personal', { text: question, channelId: 'directline', channelData: {} }));
      expect(entryOf(teams), question).to.be.a('string');
      expect(entryOf(teams), question).to.equal(entryOf(web));
    }
  });
});
