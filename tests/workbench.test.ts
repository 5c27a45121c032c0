import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { startBot, type RunningBot } from '../src/app/startBot';
import { loadKnowledge, textFiles } from '../src/faq';
import { createStorage, type StateStore } from '../src/storage/createStorage';
import { CHROMIUM_INSTALL_TIMEOUT_MS, launchChromium, type Browser } from './helpers/chromium';
import { say } from './helpers/conversation';
import { memoryLogger } from './helpers/http';

const TOKEN = 'a curator token of more than thirty-two characters';
const bearer = { authorization: `Bearer ${TOKEN}` };
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
/** The International Board's election, as the bot answers it. */
const BOARD_ANSWER = 'The International Board is elected at the International Council Meeting.';

const form = (fields: Record<string, string | string[]>, cookie: string) => {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: body.toString(), redirect: 'manual' as const };
};
const json = (body: unknown) => ({ method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Asks until the reply holds `text` (or no longer does): each instance follows the store on its own timer. */
async function replyBecomes(bot: RunningBot, question: string, text: string, wanted: boolean, ms = 5000): Promise<string> {
  const deadline = Date.now() + ms;
  for (let turn = 0; ; turn++) {
    const reply = (await say(bot.url, `ask-${Date.now()}-${turn}`, question)).messages.join('\n');
    if (reply.includes(text) === wanted || Date.now() > deadline) return reply;
    await sleep(100);
  }
}

describe("the curators' workbench: drafts, the editor, the test pane and publishing (issue #9)", function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  const bots: RunningBot[] = [];
  after(async () => {
    for (const bot of bots.splice(0)) await bot.close();
    dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  });

  describe('over the API and forms', () => {
    let store: StateStore;
    let bot: RunningBot;
    let cookie: string;
    let csrf: string;

    before(async () => {
      store = await createStorage({ kind: 'memory', dataDir: 'unused', ttlDays: 30 });
      bot = await startBot({ PORT: '0', LOG_LEVEL: 'error', CURATOR_TOKEN: TOKEN }, { store, logger: memoryLogger(), knowledgeRefreshMs: 100 });
      bots.push(bot);
      const signedIn = await fetch(`${bot.url}/curate/sign-in`, form({ token: TOKEN }, ''));
      cookie = signedIn.headers.get('set-cookie')?.split(';')[0] ?? '';
      csrf = /name="csrf" value="([^"]+)"/.exec(await (await fetch(`${bot.url}/curate`, { headers: { cookie } })).text())?.[1] ?? '';
      expect(csrf).to.not.equal('');
    });
    afterEach(async () => {
      const draft = await store.knowledge.draft();
      if (draft) await store.knowledge.discardDraft(draft.revision);
      await store.knowledge.switchTo(1);
    });

    it('refuses a change made with the cookie but without the CSRF token, and any change without signing in', async () => {
      const fields = { question: 'who picks the people running amnesty worldwide', entryId: 'board-election', revision: '' };
      expect((await fetch(`${bot.url}/curate/inbox/phrasing`, form(fields, cookie))).status).to.equal(403);
      expect((await fetch(`${bot.url}/curate/inbox/phrasing`, form({ ...fields, csrf: 'not the token' }, cookie))).status).to.equal(403);
      expect((await fetch(`${bot.url}/curate/inbox/phrasing`, form({ ...fields, csrf }, ''))).status).to.equal(401);
      expect((await fetch(`${bot.url}/curate/draft/publish`, form({ revision: '1', note: 'x', csrf: 'wrong' }, cookie))).status).to.equal(403);
      expect(await store.knowledge.draft()).to.equal(undefined);
      // A page asked for without signing in shows the sign-in form; the API says 401.
      for (const path of ['/curate/entries', '/curate/entries/board-election', '/curate/test?q=hello', '/curate/draft']) {
        const page = await fetch(`${bot.url}${path}`);
        expect(page.status, path).to.equal(200);
        expect(await page.text(), path)
          .to.include('<label for="token">Curator token</label>')
          .and.not.include('board-election');
      }
      expect((await fetch(`${bot.url}/curate/api/draft`)).status).to.equal(401);
    });

    it('answers hostile bodies and paths with a 4xx and a JSON reason, never a 5xx, and keeps no draft', async () => {
      const routes = [
        '/curate/inbox/phrasing',
        '/curate/inbox/out-of-scope',
        '/curate/entries/new',
        '/curate/entries/board-election',
        '/curate/sources/reviewed',
        '/curate/draft/publish',
        '/curate/draft/discard',
      ];
      const bodies: unknown[] = [
        [],
        'a string',
        { question: ['an', 'array'], entryId: { nested: true } },
        { question: 'x'.repeat(60_000), entryId: 'board-election' },
        { revision: -1, question: 'q', entryId: 'board-election' },
        { revision: 'NaN', note: 'n' },
        { quotes: [{ not: 'text' }], related: 'x'.repeat(200), phrasings: 7, topic: 'weather', id: '../../etc' },
        { url: 'https://www.amnesty.org.uk/international-movement', reviewBy: '2027-02-30' },
      ];
      for (const path of routes) {
        for (const body of bodies) {
          const response = await fetch(`${bot.url}${path}`, json(body));
          expect(response.status, `${path} ${JSON.stringify(body).slice(0, 80)}`).to.be.within(400, 499);
          expect(await response.json()).to.have.property('reason');
        }
      }
      for (const path of ['/curate/entries/%2e%2e%2fgovernance', `/curate/entries/${'a'.repeat(5000)}`, '/curate/test?q=' + 'x'.repeat(6000)]) {
        expect((await fetch(`${bot.url}${path}`, { headers: bearer })).status, path.slice(0, 60)).to.be.below(500);
      }
      expect(await store.knowledge.draft()).to.equal(undefined);
    });

    it('adds a phrasing into a draft, refuses a stale revision, and shows the change as a YAML diff with the eval before and after', async () => {
      const question = 'who picks the people running amnesty worldwide';
      const added = await fetch(`${bot.url}/curate/inbox/phrasing`, json({ question, entryId: 'board-election' }));
      const saved = (await added.json()) as { kind: string; revision: number };
      expect(saved.kind).to.equal('saved');
      // A second curator whose page still shows no draft.
      const stale = await fetch(`${bot.url}/curate/inbox/phrasing`, json({ question: 'who runs amnesty', entryId: 'board-election' }));
      expect(stale.status).to.equal(409);
      const again = await fetch(`${bot.url}/curate/inbox/phrasing`, json({ question: `${question}?`, entryId: 'board-election', revision: saved.revision }));
      expect(again.status).to.equal(422);
      expect(((await again.json()) as { message: string }).message)
        .to.include('board-election')
        .and.include('already a phrasing');

      const review = (await (await fetch(`${bot.url}/curate/api/draft`, { headers: bearer })).json()) as {
        problems: string[];
        gateFailures: string[];
        diff: { file: string; patch: string }[];
        served: { version: number; measure: { figures: { inScopeCorrect: number } } };
        measure: { figures: { inScopeCorrect: number }; corpus: { questions: number } };
      };
      expect(review.problems).to.deep.equal([]);
      expect(review.gateFailures).to.deep.equal([]);
      expect(review.diff.map((d) => d.file)).to.deep.equal(['governance.yaml']);
      const changed = review.diff[0]?.patch.split('\n').filter((line) => /^[+-][^+-]/.test(line));
      expect(changed).to.deep.equal([`+      - "${question}"`]);
      expect(review.served.version).to.equal(1);
      expect(review.measure.figures.inScopeCorrect).to.be.within(0.9, 1);
      expect(review.measure.corpus.questions).to.be.greaterThan(1000);

      const page = await (await fetch(`${bot.url}/curate/draft`, { headers: { cookie } })).text();
      expect(page).to.include('meets every eval gate').and.include('In-scope questions answered correctly').and.include('Publish to every instance');
    });

    it('keeps an edit that breaks a rule out of the draft, naming the field, and saves it once fixed', async () => {
      const entry = await (await fetch(`${bot.url}/curate/entries/board-election`, { headers: { cookie } })).text();
      const value = (name: string) => new RegExp(`id="${name}" name="${name}" value="([^"]*)"`).exec(entry)?.[1] ?? '';
      const phrasings = /<textarea id="phrasings"[^>]*>([^<]*)<\/textarea>/.exec(entry)?.[1] ?? '';
      const quotes = [...entry.matchAll(/name="quotes" value="([^"]*)" checked/g)].map((m) => m[1] ?? '');
      expect(quotes.length).to.be.greaterThan(0);
      const fields = { csrf, revision: '', question: value('question'), label: value('label'), subject: value('subject'), phrasings, quotes };
      const decode = (s: string) => s.replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)));
      const decoded = {
        ...fields,
        question: decode(fields.question),
        label: decode(fields.label),
        subject: decode(fields.subject),
        phrasings: decode(phrasings),
        quotes: quotes.map(decode),
      };

      // 1,200 is in no quote: kb:check's rule that every number of an answer is in its quotes.
      const wrong = await fetch(
        `${bot.url}/curate/entries/board-election`,
        form({ ...decoded, answer: 'About 1,200 delegates elect the International Board at the International Council Meeting.' }, cookie),
      );
      expect(wrong.status).to.equal(422);
      const shown = await wrong.text();
      expect(shown).to.include('id="answer" name="answer" rows="5" cols="100" aria-invalid="true"').and.include('1,200');
      expect(await store.knowledge.draft()).to.equal(undefined);

      const tooLong = await fetch(
        `${bot.url}/curate/entries/board-election`,
        form({ ...decoded, label: 'A label far longer than a button', answer: BOARD_ANSWER }, cookie),
      );
      expect(tooLong.status).to.equal(422);
      expect(await tooLong.text()).to.include('id="label" name="label" value="A label far longer than a button" aria-invalid="true"');

      const fixed = await fetch(
        `${bot.url}/curate/entries/board-election`,
        form({ ...decoded, answer: 'The International Board is elected at the International Council Meeting, one of its key decisions.' }, cookie),
      );
      expect(fixed.status).to.equal(303);
      const draft = await store.knowledge.draft();
      expect(fixed.headers.get('location')).to.equal(`/curate/entries/board-election?saved=${draft?.revision}`);
      const kb = loadKnowledge(textFiles(draft?.files ?? {}, 'draft'));
      expect(kb.entries.find((e) => e.id === 'board-election')?.answer).to.equal(
        'The International Board is elected at the International Council Meeting, one of its key decisions.',
      );
    });

    it('creates a new entry from an inbox question, quoting the source verbatim, and refuses one with too few phrasings', async () => {
      // The same fact as the entry shared-goal, asked another way: a new entry need not be a new fact.
      const question = 'What does everyone in Amnesty work towards?';
      const editor = await (
        await fetch(`${bot.url}/curate/entries/new?topic=membership&question=${encodeURIComponent(question)}`, { headers: { cookie } })
      ).text();
      expect(editor).to.include(`value="${question}"`);
      const quote = 'All of us work towards one shared goal: to stand up for humanity and human rights.';
      expect(editor).to.include(`name="quotes" value="${quote}"`);
      const entry = {
        csrf,
        revision: '',
        topic: 'membership',
        id: 'one-goal',
        question,
        label: 'One goal',
        subject: "Amnesty's shared goal",
        answer: 'All of Amnesty works towards one shared goal: to stand up for humanity and human rights.',
        quotes: [quote],
        related: ['movement-size'],
      };
      const few = await fetch(`${bot.url}/curate/entries/new`, form({ ...entry, phrasings: 'what is amnesty for' }, cookie));
      expect(few.status).to.equal(422);
      expect(await few.text())
        .to.include('needs at least 5 phrasings')
        .and.include('value="shared-goal"');
      const phrasings = [
        'what do all amnesty people strive for',
        'the single aim of every amnesty member',
        'what unites amnesty activists',
        'one aim for the whole movement',
        'what common purpose do amnesty supporters have',
      ];
      const made = await fetch(`${bot.url}/curate/entries/new`, form({ ...entry, phrasings: phrasings.join('\n') }, cookie));
      expect(made.status).to.equal(303);
      const asked = encodeURIComponent('what unites amnesty activists');
      const test = await (await fetch(`${bot.url}/curate/test?q=${asked}&against=draft`, { headers: { cookie } })).text();
      expect(test).to.include('answer one-goal').and.include('<th scope="col">Why</th>');
      const served = await (await fetch(`${bot.url}/curate/test?q=${asked}&against=served`, { headers: { cookie } })).text();
      expect(served).to.include('<h2>Decision</h2>').and.not.include('one-goal');
    });

    it('marks a question out of scope: the draft lists it, the inbox hides it once published, and a gate stops a list the bot answers', async () => {
      const outside = 'can amnesty help me get a visa';
      await store.curation.record({ kind: 'unanswered', question: outside, at: new Date() });
      const marked = await fetch(`${bot.url}/curate/inbox/out-of-scope`, json({ question: outside }));
      expect(marked.status).to.equal(200);
      const { revision } = (await marked.json()) as { revision: number };
      const inbox = async () => (await (await fetch(`${bot.url}/curate/api/inbox`, { headers: bearer })).json()) as { question: string; inDraft?: object }[];
      expect((await inbox()).find((row) => row.question === outside)?.inDraft).to.deep.equal({ outOfScope: true });

      const published = await fetch(`${bot.url}/curate/draft/publish`, json({ revision, note: 'visa questions are not ours' }));
      expect(await published.json()).to.deep.equal({ kind: 'published', version: 2 });
      expect(await store.knowledge.draft()).to.equal(undefined);
      for (let i = 0; i < 50 && (await inbox()).some((row) => row.question === outside); i++) await sleep(100);
      expect((await inbox()).map((row) => row.question)).to.not.include(outside);

      // A question the bot answers cannot also be out of scope: the publish says which.
      const answered = 'who elects the international board';
      const again = await fetch(`${bot.url}/curate/inbox/out-of-scope`, json({ question: answered }));
      expect(again.status).to.equal(200);
      const blocked = await fetch(
        `${bot.url}/curate/draft/publish`,
        json({ revision: ((await again.json()) as { revision: number }).revision, note: 'a mistake' }),
      );
      expect(blocked.status).to.equal(422);
      const body = (await blocked.json()) as { kind: string; review: { gateFailures: string[] } };
      expect(body.kind).to.equal('blocked');
      expect(body.review.gateFailures.join('\n')).to.include(answered).and.include('board-election');
      expect(await store.knowledge.current()).to.equal(2);
    });

    it("records a check of a source past its review date: the draft moves every citing file's date on, and kb:check's warnings go", async () => {
      const url = 'https://www.amnesty.org.uk/international-movement';
      const moved = await fetch(`${bot.url}/curate/sources/reviewed`, form({ csrf, revision: '', url, reviewBy: '2027-12-31' }, cookie));
      expect(moved.status).to.equal(200);
      expect(await moved.text()).to.include('is next due for review on 2027-12-31');
      const review = (await (await fetch(`${bot.url}/curate/api/draft`, { headers: bearer })).json()) as {
        warnings: string[];
        diff: { file: string; patch: string }[];
      };
      expect(review.warnings).to.deep.equal([]);
      expect(review.diff.map((d) => d.file)).to.deep.equal(['governance.yaml', 'membership.yaml', 'offices.yaml']);
      for (const { patch } of review.diff) {
        expect(patch.split('\n').filter((line) => /^[+-][^+-]/.test(line))).to.deep.equal(['-  reviewBy: "2014-12-31"', '+  reviewBy: "2027-12-31"']);
      }
      const revision = (await store.knowledge.draft())?.revision;
      const unknown = await fetch(`${bot.url}/curate/sources/reviewed`, json({ revision, url: 'https://example.org/not-cited', reviewBy: '2027-12-31' }));
      expect(unknown.status).to.equal(422);
      expect((await fetch(`${bot.url}/curate/sources/reviewed`, json({ revision, url, reviewBy: 'next year' }))).status).to.equal(400);
    });

    it('keeps for the inbox a how-to question the page could never answer, and not a "none of these"', async () => {
      const howTo = 'how do i set up a local amnesty group near me';
      expect((await say(bot.url, 'how-to-1', howTo)).messages.join('\n')).to.include("I don't know");
      // A pronoun and a verb with no earlier answer for the pronoun to mean: the bot offers what matched rather than answering.
      const offered = (await say(bot.url, 'declined-1', 'who appoints them?')).messages.join('\n');
      expect(offered).to.include('Did you mean');
      await say(bot.url, 'declined-1', 'none of these');
      const inbox = (await (await fetch(`${bot.url}/curate/api/inbox`, { headers: bearer })).json()) as { question: string }[];
      expect(inbox.map((row) => row.question))
        .to.include(howTo)
        .and.not.include('none of these');
    });

    it('discards a draft only at the revision the curator saw', async () => {
      const added = await fetch(`${bot.url}/curate/inbox/phrasing`, json({ question: 'who picks amnesty leaders', entryId: 'board-election' }));
      const { revision } = (await added.json()) as { revision: number };
      expect((await fetch(`${bot.url}/curate/draft/discard`, json({ revision: revision + 1 }))).status).to.equal(409);
      expect((await fetch(`${bot.url}/curate/draft/discard`, json({ revision }))).status).to.equal(200);
      expect(await store.knowledge.draft()).to.equal(undefined);
      // A page drawn from the discarded draft cannot save onto the next one: revisions never repeat.
      const next = await fetch(`${bot.url}/curate/inbox/phrasing`, json({ question: 'who picks amnesty leaders', entryId: 'board-election' }));
      expect(((await next.json()) as { revision: number }).revision).to.equal(revision + 2);
      const stale = await fetch(`${bot.url}/curate/inbox/phrasing`, json({ question: 'who chooses amnesty leaders', entryId: 'board-election', revision }));
      expect(stale.status).to.equal(409);
    });
  });

  describe('in headless Chromium, across two instances sharing one store', function () {
    this.timeout(CHROMIUM_INSTALL_TIMEOUT_MS);
    let browser: Browser;
    let curator: RunningBot;
    let other: RunningBot;
    before(async () => {
      browser = await launchChromium();
      const dataDir = mkdtempSync(join(tmpdir(), 'workbench-'));
      dirs.push(dataDir);
      const env = { PORT: '0', LOG_LEVEL: 'error', STORAGE: 'sqlite', DATA_DIR: dataDir };
      curator = await startBot({ ...env, CURATOR_TOKEN: TOKEN }, { logger: memoryLogger(), knowledgeRefreshMs: 100 });
      other = await startBot(env, { logger: memoryLogger(), knowledgeRefreshMs: 100 });
      bots.push(curator, other);
    });
    after(async () => browser?.close());

    const noSeriousFindings = async (page: Page) =>
      expect(
        (await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id),
      ).to.deep.equal([]);

    it('takes an unanswered question to a phrasing, publishes it to the other instance, and rolls it back', async () => {
      const question = 'who picks the people running amnesty worldwide';
      expect(await replyBecomes(other, question, BOARD_ANSWER, false, 0)).to.include("I don't know");
      // A supporter asks the curator's instance: the bot keeps the question for the inbox.
      expect((await say(curator.url, 'supporter-1', question)).messages.join('\n')).to.include("I don't know");

      const page = await browser.context.newPage();
      await page.goto(`${curator.url}/curate`);
      await page.getByLabel('Curator token').fill(TOKEN);
      await page.getByRole('button', { name: 'Sign in' }).click();
      const row = page.getByRole('row').filter({ hasText: question });
      await row.waitFor();
      await noSeriousFindings(page);
      expect(await row.getByLabel('Wording to keep').inputValue()).to.equal(question);
      await row.getByLabel('Add as a phrasing of').selectOption('board-election');
      await row.getByRole('button', { name: 'Add as phrasing' }).click();
      await page.getByRole('status').filter({ hasText: 'is now a phrasing of board-election' }).waitFor();
      expect(await page.getByRole('row').filter({ hasText: question }).textContent()).to.include('The draft answers it with board-election');

      // A question that says who asked: the curator trims the wording before it is kept.
      expect((await say(curator.url, 'supporter-2', 'my cousin Jo asks: can amnesty get me a visa')).messages.join('\n')).to.include("I don't know");
      await page.reload();
      const visa = page.getByRole('row').filter({ hasText: 'my cousin jo asks' });
      await visa.getByLabel('Wording to keep').fill('can amnesty get me a visa');
      await visa.getByRole('button', { name: 'Mark out of scope' }).click();
      await page.getByRole('status').filter({ hasText: '"can amnesty get me a visa" is marked out of scope' }).waitFor();

      await page.getByRole('link', { name: 'Test' }).click();
      await page.getByLabel('Question').fill(question);
      await page.getByRole('button', { name: 'Ask' }).click();
      await page.getByText('answer board-election').first().waitFor();
      await noSeriousFindings(page);

      await page.getByRole('link', { name: 'Draft and publish' }).click();
      await page.getByText('meets every eval gate').waitFor({ timeout: 60_000 });
      expect(await page.locator('pre.diff').first().textContent()).to.include(`+      - "${question}"`);
      expect(await page.locator('pre.diff').nth(1).textContent())
        .to.include('+  - can amnesty get me a visa')
        .and.not.include('cousin');
      await noSeriousFindings(page);
      await page.getByLabel('What changed').fill('a phrasing from the inbox');
      await page.getByRole('button', { name: 'Publish to every instance' }).click();
      await page.getByRole('status').filter({ hasText: 'Published version 2' }).waitFor({ timeout: 60_000 });

      expect(await replyBecomes(other, question, BOARD_ANSWER, true)).to.include(BOARD_ANSWER);
      // The version served answers it now: the inbox no longer lists it, until a rollback.
      const inboxLists = async () =>
        ((await (await fetch(`${curator.url}/curate/api/inbox`, { headers: bearer })).json()) as { question: string }[]).some(
          (row) => row.question === question,
        );
      for (let tries = 0; tries < 50 && (await inboxLists()); tries++) await sleep(100);
      expect(await inboxLists()).to.equal(false);

      await page.getByRole('link', { name: 'Overview and inbox' }).click();
      await page.getByRole('button', { name: 'Serve version 1' }).click();
      await page.getByRole('status').filter({ hasText: 'Version 1 is being served' }).waitFor();
      expect(await replyBecomes(other, question, BOARD_ANSWER, false)).to.not.include(BOARD_ANSWER);
      for (let tries = 0; tries < 50 && !(await inboxLists()); tries++) await sleep(100);
      expect(await inboxLists()).to.equal(true);
      expect(browser.requests.every((url) => url.startsWith(curator.url))).to.equal(true);
      await page.close();
    });

    it('edits an entry by keyboard and screen-reader names alone, with no serious or critical axe finding in the editor', async () => {
      const page = await browser.context.newPage();
      await page.goto(`${curator.url}/curate/entries`);
      if (await page.getByLabel('Curator token').isVisible()) {
        await page.getByLabel('Curator token').fill(TOKEN);
        await page.keyboard.press('Enter');
        await page.goto(`${curator.url}/curate/entries`);
      }
      await noSeriousFindings(page);
      await page.getByRole('button', { name: 'Start a new entry' }).click();
      await page.getByRole('heading', { name: 'New entry in governance' }).waitFor();
      await noSeriousFindings(page);
      await page.goBack();
      await page.getByRole('link', { name: 'How is the International Board chosen?' }).click();
      await noSeriousFindings(page);
      await page.getByLabel('Phrasings').focus();
      await page.keyboard.press('Control+End');
      await page.keyboard.type('\nwho gets to choose the board');
      await page.getByRole('button', { name: 'Save to the draft' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('status').filter({ hasText: 'Saved to the draft' }).waitFor();
      expect(await page.getByLabel('Phrasings').inputValue()).to.include('who gets to choose the board');
      await page.close();
    });
  });
});
