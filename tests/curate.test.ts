import { AxeBuilder } from '@axe-core/playwright';
import { resolve } from 'node:path';
import { expect } from 'chai';
import { readKnowledgeDir } from '../src/faq';
import { PROJECT_ROOT } from '../src/shared/projectRoot';
import { startBot, type RunningBot } from '../src/app/startBot';
import { SIGN_IN_PER_MINUTE } from '../src/channels/curate/curateRoutes';
import { createStorage, type StateStore } from '../src/storage/createStorage';
import { CHROMIUM_INSTALL_TIMEOUT_MS, launchChromium, type Browser } from './helpers/chromium';
import { emulatorActivity, memoryLogger, postJson } from './helpers/http';

const TOKEN = 'a curator token of more than thirty-two characters';
const PRINCIPAL = Buffer.from(
  JSON.stringify({
    auth_typ: 'aad',
    name_typ: 'name',
    claims: [
      { typ: 'name', val: 'Sam Curator' },
      { typ: 'oid', val: '0000-sam' },
    ],
  }),
).toString('base64');

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
  redirect: 'manual' as const,
});

describe("the curators' workbench at /curate (issue #9)", function () {
  this.timeout(60_000);
  let store: StateStore;
  let bot: RunningBot;
  const logger = memoryLogger();

  before(async () => {
    store = await createStorage({ kind: 'memory', dataDir: 'unused', ttlDays: 30 });
    await store.knowledge.publish(readKnowledgeDir(resolve(PROJECT_ROOT, 'knowledge')), 'a version to switch to', new Date('2026-01-01T00:00:00Z'));
    await store.knowledge.switchTo(1);
    // A minute apart, so the order of rows asked as often (the latest first) does not hang on the clock's resolution.
    const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
    for (const [minutes, question] of [
      [40, 'Who funds Amnesty?'],
      [30, 'who funds amnesty'],
      [20, 'how many people work at the secretariat'],
      [10, 'Amnesty: who funds it? Mail me at jo@example.org'],
    ] as const) {
      await store.curation.record({ kind: 'unanswered', question, at: minutesAgo(minutes) });
    }
    for (const [entryId, helpful, question] of [
      ['movement-size', true, undefined],
      ['icm-frequency', false, 'how often does the council meet'],
      ['movement-size', true],
      ['an-entry-since-removed', false],
      ['icm-frequency', true],
      ['icm-frequency', false, 'How often does the council meet?'],
      ['movement-size', true],
    ] as const) {
      await store.curation.record({ kind: 'feedback', entryId, helpful, ...(question ? { question } : {}) });
    }
    bot = await startBot(
      { PORT: '0', LOG_LEVEL: 'error', CURATOR_TOKEN: TOKEN, CURATOR_PRINCIPALS: 'sam curator' },
      { store, logger, knowledgeRefreshMs: 60_000, tallyFlushMs: 100 },
    );
  });
  after(async () => bot?.close());

  const signIn = async (token = TOKEN) => fetch(`${bot.url}/curate/sign-in`, form({ token }));
  // One session for the tests that need one: sign-ins are rate-limited per client, and Chromium signs in too.
  let session: string | undefined;
  const sessionCookie = async () => (session ??= (await signIn()).headers.get('set-cookie')?.split(';')[0] ?? '');
  const csrfOf = async (cookie: string) =>
    /name="csrf" value="([^"]+)"/.exec(await (await fetch(`${bot.url}/curate`, { headers: { cookie } })).text())?.[1] ?? '';

  it('does not exist without CURATOR_TOKEN: a 404 with a JSON reason', async () => {
    const plain = await startBot({ PORT: '0', LOG_LEVEL: 'error' }, { logger: memoryLogger() });
    try {
      const response = await fetch(`${plain.url}/curate`);
      expect(response.status).to.equal(404);
      expect(await response.json()).to.have.property('reason');
    } finally {
      await plain.close();
    }
  });

  it('shows only the sign-in form until signed in, and refuses the API', async () => {
    const page = await fetch(`${bot.url}/curate`);
    expect(page.status).to.equal(200);
    const html = await page.text();
    expect(html).to.include('<form method="post" action="/curate/sign-in">').and.not.include('a version to switch to');
    expect(page.headers.get('content-security-policy')).to.include("default-src 'none'");
    expect((await fetch(`${bot.url}/curate/api/versions`)).status).to.equal(401);
    expect((await fetch(`${bot.url}/curate/api/versions`, { headers: { authorization: 'Bearer not the token' } })).status).to.equal(401);
  });

  it('signs in with the token into an HttpOnly, SameSite=Strict cookie, and refuses a wrong one', async () => {
    const wrong = await signIn('not the token');
    expect(wrong.status).to.equal(401);
    expect(await wrong.text()).to.include('That token is not right.');
    const right = await signIn();
    expect(right.status).to.equal(303);
    expect(right.headers.get('location')).to.equal('/curate');
    expect(right.headers.get('set-cookie')).to.match(/^curator_session=\d+\.[\w-]+; Path=\/curate; HttpOnly; SameSite=Strict; Max-Age=28800$/);
    const page = await (await fetch(`${bot.url}/curate`, { headers: { cookie: await sessionCookie() } })).text();
    expect(page).to.include('a version to switch to').and.include('Serve version 2');
    expect(logger.lines.join('\n')).to.not.include(TOKEN);
  });

  it('answers API calls that send the token as a bearer, and lets them change what is served without a CSRF token', async () => {
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const list = await (await fetch(`${bot.url}/curate/api/versions`, { headers })).json();
    expect(list).to.deep.equal({ current: 1, versions: [{ version: 2, publishedAt: '2026-01-01T00:00:00.000Z', note: 'a version to switch to' }] });
    const served = await fetch(`${bot.url}/curate/api/versions/current`, { method: 'POST', headers, body: JSON.stringify({ version: 1 }) });
    expect(served.status).to.equal(200);
    const unknown = await fetch(`${bot.url}/curate/api/versions/current`, { method: 'POST', headers, body: JSON.stringify({ version: 9 }) });
    expect(unknown.status).to.equal(404);
  });

  it('shows the inbox: unanswered questions grouped as the bot reads them, redacted, with the entries it nearly gave', async () => {
    const inbox = (await (await fetch(`${bot.url}/curate/api/inbox`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as {
      question: string;
      count: number;
      wordings: number;
      nearest: { entryId: string; probability: number }[];
    }[];
    expect(inbox.map((row) => [row.question, row.count, row.wordings])).to.deep.equal([
      ['who funds amnesty', 2, 1],
      ['amnesty: who funds it? mail me at [email]', 1, 1],
      ['how many people work at the secretariat', 1, 1],
    ]);
    expect(inbox[2]?.nearest.length).to.be.within(1, 3);
    expect((await fetch(`${bot.url}/curate/api/inbox`)).status).to.equal(401);
    const page = await (await fetch(`${bot.url}/curate`, { headers: { cookie: await sessionCookie() } })).text();
    expect(page).to.include('<h2>Inbox</h2>').and.include('how many people work at the secretariat').and.not.include('jo@example.org');
  });

  it("shows today's questions by outcome and the entries answered most, counted from the bot's own turns", async () => {
    const ask = (conversation: string, text: string) =>
      postJson(
        `${bot.url}/api/messages`,
        emulatorActivity({ text, conversation: { id: conversation }, serviceUrl: 'http://127.0.0.1:9', deliveryMode: 'expectReplies' }),
      );
    for (const [conversation, text] of [
      ['overview-1', 'How often is the International Council Meeting held?'],
      ['overview-2', 'how often is the icm held'],
      ['overview-3', 'what is the weather in Lisbon tomorrow?'],
      ['overview-4', 'hello'],
    ] as const) {
      expect((await ask(conversation, text)).status).to.equal(200);
    }
    type Overview = {
      days: { day: string; questions: number; answered: number; dontKnow: number }[];
      busiest: { entryId: string; question?: string; answers: number }[];
    };
    const overview = async () => (await (await fetch(`${bot.url}/curate/api/overview`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as Overview;
    // Each instance writes its tally every so often (here every 100 ms).
    let today: Overview['days'][number] | undefined;
    for (let tries = 0; tries < 50 && today?.questions !== 3; tries++) {
      await new Promise((wait) => setTimeout(wait, 100));
      today = (await overview()).days.at(-1);
    }
    const { days, busiest } = await overview();
    expect(days).to.have.length(30);
    expect(today).to.include({ day: new Date().toISOString().slice(0, 10), questions: 3, answered: 2, dontKnow: 1 });
    expect(busiest[0]).to.include({ entryId: 'icm-frequency', answers: 2 });
    expect(busiest[0]?.question).to.match(/International Council Meeting/);
    const page = await (await fetch(`${bot.url}/curate`, { headers: { cookie: await sessionCookie() } })).text();
    expect(page)
      .to.include('<h2>Overview</h2>')
      .and.include('<svg role="img"')
      // Today's bar, the last, is labelled with its date.
      .and.include(`>${new Date().toISOString().slice(5, 10)}</text>`)
      .and.include('<th scope="row">' + new Date().toISOString().slice(0, 10));
  });

  it("lists the entries due for review, by source: the committed page's review date passed in 2014", async () => {
    const response = await fetch(`${bot.url}/curate/api/overview`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const { dueForReview } = (await response.json()) as { dueForReview: { title: string; reviewBy: string; entries: { id: string }[] }[] };
    expect(dueForReview.map((s) => [s.title, s.reviewBy, s.entries.length])).to.deep.equal([['The International Movement', '2014-12-31', 23]]);
    const page = await (await fetch(`${bot.url}/curate`, { headers: { cookie: await sessionCookie() } })).text();
    expect(page)
      .to.include('<h3>Due for review</h3>')
      .and.include('due for review on 2014-12-31: 23 entries')
      .and.include('href="/curate/entries/board-election"');
  });

  it('shows the ratings per entry, the least helpful first, naming each entry by its question', async () => {
    const response = await fetch(`${bot.url}/curate/api/helpfulness`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const rows = (await response.json()) as { entryId: string; question?: string; helpful: number; unhelpful: number; failed: unknown[] }[];
    expect(rows.map((row) => [row.entryId, row.helpful, row.unhelpful])).to.deep.equal([
      ['icm-frequency', 1, 2],
      ['an-entry-since-removed', 0, 1],
      ['movement-size', 3, 0],
    ]);
    expect(rows[0]?.question).to.match(/International Council Meeting/);
    expect(rows[1]?.question).to.equal(undefined);
    // The questions a 👎 said the answer failed, folded as the inbox folds them.
    expect(rows[0]?.failed).to.deep.equal([{ question: 'how often does the council meet', count: 2 }]);
    expect((await fetch(`${bot.url}/curate/api/helpfulness`)).status).to.equal(401);
    const page = await (await fetch(`${bot.url}/curate`, { headers: { cookie: await sessionCookie() } })).text();
    expect(page).to.include('<h2>Helpfulness</h2>').and.include('an-entry-since-removed <span class="note">(no longer in the knowledge base)</span>');
  });

  it("refuses a change made with the cookie but without the page's CSRF token", async () => {
    const cookie = await sessionCookie();
    const forged = await fetch(`${bot.url}/curate/versions/current`, { ...form({ version: '2' }), headers: { ...form({}).headers, cookie } });
    expect(forged.status).to.equal(403);
    const wrong = await fetch(`${bot.url}/curate/versions/current`, { ...form({ version: '2', csrf: 'guessed' }), headers: { ...form({}).headers, cookie } });
    expect(wrong.status).to.equal(403);
    expect(await store.knowledge.current()).to.equal(1);
    const csrf = await csrfOf(cookie);
    const real = await fetch(`${bot.url}/curate/versions/current`, { ...form({ version: '2', csrf }), headers: { ...form({}).headers, cookie } });
    expect(real.status).to.equal(200);
    expect(await real.text()).to.include('Version 2 is being served');
    expect(await store.knowledge.current()).to.equal(2);
    await store.knowledge.switchTo(1);
  });

  it('lets in a principal App Service signed in, when CURATOR_PRINCIPALS names it, and no other', async () => {
    expect((await fetch(`${bot.url}/curate/api/versions`, { headers: { 'x-ms-client-principal': PRINCIPAL } })).status).to.equal(200);
    const stranger = Buffer.from(JSON.stringify({ claims: [{ typ: 'name', val: 'Someone Else' }] })).toString('base64');
    expect((await fetch(`${bot.url}/curate/api/versions`, { headers: { 'x-ms-client-principal': stranger } })).status).to.equal(401);
    expect((await fetch(`${bot.url}/curate/api/versions`, { headers: { 'x-ms-client-principal': 'not base64 json' } })).status).to.equal(401);
  });

  it(`limits sign-in attempts to ${SIGN_IN_PER_MINUTE} a minute per client, the right token included`, async () => {
    const limited = await startBot({ PORT: '0', LOG_LEVEL: 'error', CURATOR_TOKEN: TOKEN }, { logger: memoryLogger() });
    try {
      const statuses: number[] = [];
      for (let i = 0; i <= SIGN_IN_PER_MINUTE; i++) statuses.push((await fetch(`${limited.url}/curate/sign-in`, form({ token: 'guess' }))).status);
      expect(statuses).to.deep.equal([...Array<number>(SIGN_IN_PER_MINUTE).fill(401), 429]);
      const blocked = await fetch(`${limited.url}/curate/sign-in`, form({ token: TOKEN }));
      expect(blocked.status).to.equal(429);
      expect(Number(blocked.headers.get('retry-after'))).to.be.greaterThan(0);
    } finally {
      await limited.close();
    }
  });

  describe('in headless Chromium', function () {
    this.timeout(CHROMIUM_INSTALL_TIMEOUT_MS);
    let browser: Browser;
    before(async () => {
      browser = await launchChromium();
    });
    after(async () => browser?.close());

    it('signs in and serves another version by keyboard alone, with no serious or critical axe finding on either page', async () => {
      const page = await browser.context.newPage();
      await page.goto(`${bot.url}/curate`);
      const axe = async () =>
        (await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
      expect(await axe()).to.deep.equal([]);
      await page.keyboard.press('Tab');
      await page.keyboard.type(TOKEN);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: "Curators' workbench" }).waitFor();
      expect(await axe()).to.deep.equal([]);
      await page.getByRole('button', { name: 'Serve version 2' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('status').waitFor();
      expect(await page.getByRole('status').textContent()).to.include('Version 2 is being served');
      expect(await store.knowledge.current()).to.equal(2);
      expect(browser.requests.every((url) => url.startsWith(bot.url))).to.equal(true);
      await store.knowledge.switchTo(1);
      await page.close();
    });
  });
});
