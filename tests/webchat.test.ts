import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'chai';
import type { Locator, Page } from 'playwright-core';
import { PROJECT_ROOT } from '../src/shared/projectRoot';
import { startBot, type RunningBot } from '../src/app/startBot';
import { entry } from './helpers/bot';
import { CHROMIUM_INSTALL_TIMEOUT_MS, launchChromium, type Browser } from './helpers/chromium';
import { memoryLogger } from './helpers/http';

const SCREENSHOT = resolve(PROJECT_ROOT, 'test-output', 'webchat.png');
const SOURCE_URL = 'https://www.amnesty.org.uk/international-movement';
const QUESTION = entry('icm-frequency').question;
const FOLLOW_UP = entry('icm-representatives');
/** How long Web Chat may take to show a reply: polling every 500 ms plus the turn, with room for a slow CI. */
const REPLY_TIMEOUT_MS = 15_000;

/**
 * One supporter's visit, step by step, in headless Chromium against the real bot and its local Direct Line
 * endpoint. The steps share one page, so each relies on the ones before it. Elements are found by role and
 * visible text, not by Web Chat's class names, so the steps keep working when answers become Adaptive Cards.
 */
describe('website chat in headless Chromium', () => {
  let bot: RunningBot;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async function () {
    this.timeout(CHROMIUM_INSTALL_TIMEOUT_MS); // launchChromium installs Chromium first if it is missing
    bot = await startBot({ STORAGE: 'memory', PORT: '0', LOG_LEVEL: 'error' }, { logger: memoryLogger() });
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // Content Security Policy violations are reported only inside the page; collect them for the last step.
    // (Scripts for the page are strings: the tests compile without the DOM's types.)
    await page.addInitScript(`
      window.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (event) => window.cspViolations.push(event.effectiveDirective + ' ' + event.blockedURI));
    `);
    await page.goto(`${bot.url}/`);
  });

  after(async () => {
    await browser?.close();
    await bot?.close();
  });

  const chat = (): Locator => page.getByRole('region', { name: 'Chat with the movement FAQ bot' });
  /**
   * Messages as a screen reader announces them: Web Chat gives each message in its transcript (a feed) an
   * article named "Bot AI said: …" or "You said: …". That article holds only the name; the message itself
   * is a second, unnamed article beside it, which `shown` finds.
   */
  const announced = (text: string): Locator => chat().getByRole('feed').getByRole('article', { name: text });
  /** The articles whose text holds this, among them the message as shown, with its links and buttons. */
  const shown = (text: string): Locator => chat().getByRole('feed').getByRole('article').filter({ hasText: text });
  /** A message's text as a person reads it: Web Chat puts zero-width spaces around links. */
  const textOf = async (locator: Locator): Promise<string> => ((await locator.textContent()) ?? '').replaceAll('\u200B', '');
  /** A suggested action, as the welcome offers the topics. */
  const suggested = (name: string): Locator => chat().getByRole('toolbar', { name: 'Suggested actions' }).getByRole('button', { name });
  /** A button inside a message: an answer card's follow-up questions and its 👍/👎. */
  const buttonIn = (message: string, name: string): Locator => shown(message).getByRole('button', { name, exact: true }).first();

  it('shows the page with its heading and intro, and the chat in a labelled region', async () => {
    expect(await page.title()).to.equal("Ask about Amnesty International's movement");
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal("Questions about Amnesty International's movement");
    expect(await page.getByRole('main').textContent()).to.include('written around 2013');
    expect(await chat().count()).to.equal(1);
  });

  it('welcomes the visitor once, offering the three topics', async () => {
    await announced('Hello! I answer questions').waitFor({ timeout: REPLY_TIMEOUT_MS });
    expect(await announced('Hello! I answer questions').count()).to.equal(1);
    for (const topic of ['Governance', 'Membership', 'Offices']) expect(await suggested(topic).isVisible()).to.equal(true);
  });

  it('is usable by keyboard: Tab reaches the topics and the message box, and Enter sends', async () => {
    const reached: string[] = [];
    for (let presses = 0; presses < 15 && !reached.includes('Message input box'); presses += 1) {
      await page.keyboard.press('Tab');
      reached.push(await page.evaluate<string>("document.activeElement.getAttribute('aria-label') ?? document.activeElement.textContent.trim()"));
    }
    expect(reached).to.include('Governance');
    expect(reached.at(-1)).to.equal('Message input box');
    await page.keyboard.type(QUESTION);
    await page.keyboard.press('Enter');
    await announced(`You said: ${QUESTION}`).waitFor({ timeout: REPLY_TIMEOUT_MS });
  });

  it('answers in a card with the source link and as-of date, follow-up questions and "Was this helpful?"', async () => {
    const answer = shown('every two years');
    await answer.first().waitFor({ timeout: REPLY_TIMEOUT_MS });
    expect(await textOf(answer.first())).to.include('Source: The International Movement, as of 2013.');
    expect(await answer.first().getByRole('link', { name: 'The International Movement' }).getAttribute('href')).to.equal(SOURCE_URL);
    expect(await textOf(answer.first())).to.include('Was this helpful?');
    await buttonIn('every two years', FOLLOW_UP.label).waitFor({ timeout: REPLY_TIMEOUT_MS });
    // The endpoint echoed the visitor's message with Web Chat's own id, so Web Chat counts it as sent.
    expect(await textOf(shown(QUESTION).first())).to.include('Sent at');
  });

  it("answers a follow-up button, showing the question it asked as the visitor's own words", async () => {
    await buttonIn('every two years', FOLLOW_UP.label).click();
    await announced(`You said: ${FOLLOW_UP.question}`).waitFor({ timeout: REPLY_TIMEOUT_MS });
    const opening = FOLLOW_UP.answer.slice(0, 60);
    await shown(opening).first().waitFor({ timeout: REPLY_TIMEOUT_MS });
    expect(await shown(opening).first().getByRole('link', { name: 'The International Movement' }).getAttribute('href')).to.equal(SOURCE_URL);
  });

  it('takes a 👍 on an answer and thanks the visitor', async () => {
    await buttonIn(FOLLOW_UP.answer.slice(0, 60), '👍 Yes').click();
    await announced('You said: 👍').waitFor({ timeout: REPLY_TIMEOUT_MS });
    await announced('Bot AI said: Thank you, glad it helped.').waitFor({ timeout: REPLY_TIMEOUT_MS });
  });

  it('keeps a screenshot of the conversation among the test output', async () => {
    mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true });
    await page.mouse.move(0, 0); // no hover colours in the picture
    await shown(FOLLOW_UP.answer.slice(0, 60)).first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(readFileSync(SCREENSHOT).subarray(1, 4).toString()).to.equal('PNG');
  });

  it('has no serious or critical accessibility violations (axe-core)', async () => {
    const { violations } = await new AxeBuilder({ page }).analyze();
    const serious = violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
    expect(serious).to.deep.equal([]);
  });

  it('made no request beyond 127.0.0.1, broke no Content Security Policy rule, and threw no error', async () => {
    expect(browser.requests.length).to.be.greaterThan(5);
    const offMachine = browser.requests.filter((url) => {
      const { protocol, hostname } = new URL(url);
      return !(protocol === 'data:' || protocol === 'blob:' || hostname === '127.0.0.1');
    });
    expect(offMachine).to.deep.equal([]);
    expect(await page.evaluate<string[]>('window.cspViolations')).to.deep.equal([]);
    expect(pageErrors).to.deep.equal([]);
  });
});
