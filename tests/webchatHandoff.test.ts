import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'chai';
import type { Locator, Page } from 'playwright-core';
import { startBot, type RunningBot } from '../src/app/startBot';
import { CHROMIUM_INSTALL_TIMEOUT_MS, launchChromium, type Browser } from './helpers/chromium';
import { cardNodes } from './helpers/cards';
import { ConnectorStub, memoryLogger, postJson } from './helpers/http';

const TENANT = '72f988bf-0000-0000-0000-000000000001';
const BOT = { id: '28:faq-bot', name: 'Movement FAQ' };
const EXPERTS = '19:experts@thread.tacv2';
const EXPERTS_CONVERSATION = { id: `${EXPERTS};messageid=1000`, conversationType: 'channel', tenantId: TENANT, isGroup: true };
const QUESTION = 'Does Amnesty have an office in Reykjavik I could visit?';
const ANSWER = 'We have no office in Reykjavik, but Amnesty Iceland (Íslandsdeild) has one you can visit.';
/** How long Web Chat may take to show a reply: polling every 500 ms plus the turn, with room for a slow CI. */
const REPLY_TIMEOUT_MS = 15_000;
/** The expert's answer arrives outside any turn of the supporter's, so it shows only on a later poll. */
const PROACTIVE_TIMEOUT_MS = 30_000;

type Body = Record<string, unknown>;

/** Text to find on the page, with either apostrophe where it has a plain one. */
const typeset = (text: string): RegExp => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replaceAll("'", "['’]"));

/** An activity from the experts' Teams channel, as the Connector posts it (here, the stub stands in for it). */
function fromExperts(connector: ConnectorStub, extra: Body): Body {
  return {
    channelId: 'msteams',
    serviceUrl: connector.url,
    from: { id: '29:expert', name: 'Sam Expert', aadObjectId: '00000000-0000-0000-0000-00000000abcd' },
    recipient: BOT,
    conversation: EXPERTS_CONVERSATION,
    channelData: { tenant: { id: TENANT } },
    ...extra,
  };
}

/**
 * Asking a person, end to end, as a supporter meets it: headless Chromium on the bot's own page (Web Chat
 * over the local Direct Line endpoint) asks what the bot cannot answer, takes the offer, consents, and sees
 * the expert's answer arrive. The experts' side is Teams, which cannot run here: a ConnectorStub takes the
 * ticket card and the test posts the expert's "Send answer" as Teams would. The steps share one page.
 */
describe('asking a person from the website chat in headless Chromium', () => {
  let bot: RunningBot;
  let connector: ConnectorStub;
  let browser: Browser;
  let page: Page;
  let ticketId: string;
  const pageErrors: string[] = [];

  before(async function () {
    this.timeout(CHROMIUM_INSTALL_TIMEOUT_MS); // launchChromium installs Chromium first if it is missing
    connector = await new ConnectorStub().start();
    // No SMTP: the consent card then asks for no email address, and the answer can only come to the chat.
    bot = await startBot(
      { STORAGE: 'memory', PORT: '0', LOG_LEVEL: 'error', HANDOFF_TENANT_ID: TENANT, HANDOFF_ADMIN_IDS: '00000000-0000-0000-0000-00000000abcd' },
      { logger: memoryLogger() },
    );
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  after(async () => {
    await browser?.close();
    await bot?.close();
    await connector?.stop();
  });

  const chat = (): Locator => page.getByRole('region', { name: 'Chat with the movement FAQ bot' });
  /** The article Web Chat names for a screen reader: "Bot AI said: …" or "You said: …". */
  const announced = (text: string): Locator => chat().getByRole('feed').getByRole('article', { name: text });
  /**
   * The articles whose text holds this, among them the message as shown, with its buttons. Web Chat sets
   * apostrophes typographically (don't becomes don’t), so either kind matches.
   */
  const shown = (text: string): Locator =>
    chat()
      .getByRole('feed')
      .getByRole('article')
      .filter({ hasText: typeset(text) });
  /** A button inside a message, such as a card's action. */
  const buttonIn = (message: string, name: string): Locator => shown(message).getByRole('button', { name, exact: true }).first();
  /** A message's text as written: without the zero-width spaces Web Chat puts around links, and with plain apostrophes. */
  const textOf = async (locator: Locator): Promise<string> => ((await locator.textContent()) ?? '').replaceAll('\u200B', '').replaceAll('’', "'");
  /** The posts the bot made to the experts' channel (not to a thread in it, which is where reminders go). */
  const toExperts = () => connector.received.filter((r) => r.method === 'POST' && r.path === `/v3/conversations/${encodeURIComponent(EXPERTS)}/activities`);

  it('registers the experts\' Teams channel ("use this channel for questions")', async () => {
    // Until a channel is registered the bot offers no person, so this comes before the supporter asks.
    const response = await postJson(
      `${bot.url}/api/messages`,
      fromExperts(connector, { type: 'message', id: 't-1', text: `<at>${BOT.name}</at> use this channel for questions`, deliveryMode: 'expectReplies' }),
    );
    expect(response.status).to.equal(200);
    expect(JSON.stringify(response.body?.activities ?? [])).to.include('Done');
  });

  it("answers an unanswerable question with a don't-know and the offer of the supporter care team", async () => {
    await page.goto(`${bot.url}/`);
    await announced('Hello! I answer questions').waitFor({ timeout: REPLY_TIMEOUT_MS });
    const input = chat().getByRole('textbox', { name: 'Message input box' });
    await input.fill(QUESTION);
    await input.press('Enter');
    await announced(`You said: ${QUESTION}`).waitFor({ timeout: REPLY_TIMEOUT_MS });
    await shown("Sorry, I don't know the answer to that.").first().waitFor({ timeout: REPLY_TIMEOUT_MS });
    await buttonIn("can answer what I can't", 'Ask the supporter care team').waitFor({ timeout: REPLY_TIMEOUT_MS });
  });

  it('shows the question before sending it, and sends it only when the supporter says "Send to the team"', async () => {
    await buttonIn("can answer what I can't", 'Ask the supporter care team').click();
    const consent = shown(`“${QUESTION}”`).last();
    await consent.waitFor({ timeout: REPLY_TIMEOUT_MS });
    expect(await textOf(consent)).to.include("I'll send your question to Amnesty International UK's supporter care team");
    // Without SMTP there is nowhere to email an answer, so no address is asked for.
    expect(await consent.getByRole('textbox').count()).to.equal(0);
    expect(await consent.getByRole('button', { name: "Don't send", exact: true }).isVisible()).to.equal(true);
    expect(toExperts(), 'nothing sent before consent').to.have.length(0);

    await consent.getByRole('button', { name: 'Send to the team', exact: true }).click();
    // Waits for either outcome, so that a failed turn fails here with its apology rather than by timing out.
    const failed = announced('Bot AI said: Sorry, something went wrong');
    await announced('Bot AI said: Sent.').or(failed).first().waitFor({ timeout: REPLY_TIMEOUT_MS });
    expect(await failed.count(), 'the bot apologised for an error instead of sending the question').to.equal(0);
    expect(await textOf(shown('Sent. A person on').first())).to.include('here in this chat');
  });

  it('posts the question to the experts\' channel as a card with "Send answer"', async () => {
    await connector.waitFor(1);
    const [posted] = toExperts();
    expect(posted, "the ticket card in the experts' channel").to.not.equal(undefined);
    const card = posted!.activity.attachments?.[0]?.content;
    expect(JSON.stringify(card)).to.include(QUESTION).and.include('the website');
    const execute = cardNodes(card).find((n) => n.type === 'Action.Execute' && n.verb === 'handoff.answer');
    ticketId = (execute?.data as Body | undefined)?.ticketId as string;
    expect(ticketId).to.be.a('string').and.not.equal('');
  });

  it('takes the expert\'s answer and shows the expert "Answered by" in place of the card', async () => {
    const response = await postJson(
      `${bot.url}/api/messages`,
      fromExperts(connector, {
        type: 'invoke',
        name: 'adaptiveCard/action',
        id: 'i-1',
        value: { action: { type: 'Action.Execute', verb: 'handoff.answer', data: { ticketId, answer: ANSWER } }, trigger: 'manual' },
      }),
    );
    expect(response.status).to.equal(200);
    expect(JSON.stringify(response.body?.value)).to.include('Answered by Sam Expert').and.not.include('could not be reached');
  });

  it("shows the expert's answer in the supporter's chat, marked as a person's and not the knowledge base's", async () => {
    const answer = shown('Answer from the supporter care team').filter({ hasText: ANSWER }).first();
    await answer.waitFor({ timeout: PROACTIVE_TIMEOUT_MS });
    const text = await textOf(answer);
    expect(text).to.include(`To your question “${QUESTION}”`);
    expect(text).to.include("Written by a person on Amnesty International UK's supporter care team, not taken from this bot's knowledge base.");
    // Delivered once: the page's polling must not show the same answer twice.
    expect(await shown(ANSWER).getByText(ANSWER, { exact: true }).count()).to.equal(1);
  });

  it('has no serious or critical accessibility violations in the chat (axe-core)', async () => {
    const { violations } = await new AxeBuilder({ page }).include('#webchat').analyze();
    const serious = violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
    expect(serious).to.deep.equal([]);
  });

  it('threw no error in the page', () => {
    expect(pageErrors).to.deep.equal([]);
  });
});
