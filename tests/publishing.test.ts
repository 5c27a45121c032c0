import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ContainerClient } from '@azure/storage-blob';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { startBot, type RunningBot } from '../src/app/startBot';
import { importQna } from '../src/curation/importQna';
import { readQnaTsv } from '../src/curation/qnaTsv';
import { readKnowledgeDir } from '../src/faq';
import { PROJECT_ROOT } from '../src/shared/projectRoot';
import { blobKnowledgeVersions } from '../src/storage/blobKnowledgeVersions';
import { createStorage } from '../src/storage/createStorage';
import { memoryKnowledgeVersions, UnknownVersionError, type KnowledgeVersionStore } from '../src/storage/knowledgeVersions';
import { STATE_DB_FILE } from '../src/storage/sqliteStorage';
import { startAzurite, type Azurite } from './helpers/azurite';
import { health, say } from './helpers/conversation';
import { memoryLogger } from './helpers/http';

const runFile = promisify(execFile);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const QUESTION = 'when is supporter care open?';
const NEW_ANSWER = 'The supporter care team answers calls from 9am to 5pm, Monday to Friday, except on bank holidays.';

const dirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
after(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** knowledge/ as committed, plus the supporter care answers of the import fixture. */
function knowledgeWithSupporterCare(): string {
  const dir = tempDir('kb-published-');
  cpSync(resolve(PROJECT_ROOT, 'knowledge'), dir, { recursive: true });
  const { pairs } = readQnaTsv(readFileSync(resolve(PROJECT_ROOT, 'tests/fixtures/supporter-care-faq.tsv'), 'utf8'));
  const source = {
    title: 'Supporter care FAQ, exported 2024-05-01',
    url: 'https://www.amnesty.org.uk/supporter-care',
    asOf: '2024-05-01',
    reviewBy: '2099-01-01',
  };
  importQna(dir, pairs, { topic: 'offices', source });
  return dir;
}

/** Asks until the answer holds `expected` (or not), for at most `ms`: each instance follows the store on its own timer. */
async function answerBecomes(bot: RunningBot, conversation: string, wanted: boolean, ms = 5000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const reply = (await say(bot.url, conversation, QUESTION)).messages.join('\n');
    if (reply.includes(NEW_ANSWER) === wanted || Date.now() > deadline) return reply;
    await sleep(100);
  }
}

describe('publishing knowledge to every instance', function () {
  this.timeout(60_000);

  describe('the version stores', () => {
    let azurite: Azurite;
    before(async () => {
      azurite = await startAzurite();
    });
    after(async () => azurite?.close());

    const stores: [string, () => Promise<KnowledgeVersionStore>][] = [
      ['memory', async () => memoryKnowledgeVersions()],
      ['sqlite', async () => (await createStorage({ kind: 'sqlite', dataDir: tempDir('kb-versions-'), ttlDays: 30, schedulePurge: false })).knowledge],
      [
        'blob',
        async () => {
          const container = new ContainerClient(azurite.connectionString, `kb-versions-${Date.now()}`);
          await container.create();
          return blobKnowledgeVersions(container, 3000);
        },
      ],
    ];
    for (const [kind, open] of stores) {
      it(`${kind}: numbers versions from 2, serves the last published, and switches back to any, the committed one included`, async () => {
        const versions = await open();
        expect(await versions.current()).to.equal(1);
        expect(await versions.publish({ 'offices.yaml': 'first' }, 'first change', new Date('2026-01-01T00:00:00Z'))).to.equal(2);
        expect(await versions.publish({ 'offices.yaml': 'second' }, 'second change', new Date('2026-01-02T00:00:00Z'))).to.equal(3);
        expect(await versions.current()).to.equal(3);
        expect(await versions.list()).to.deep.equal([
          { version: 2, publishedAt: new Date('2026-01-01T00:00:00Z'), note: 'first change' },
          { version: 3, publishedAt: new Date('2026-01-02T00:00:00Z'), note: 'second change' },
        ]);
        expect((await versions.get(2))?.files).to.deep.equal({ 'offices.yaml': 'first' });
        await versions.switchTo(2);
        expect(await versions.current()).to.equal(2);
        await versions.switchTo(1);
        expect(await versions.current()).to.equal(1);
        let refused: unknown;
        await versions.switchTo(9).catch((err: unknown) => (refused = err));
        expect(refused).to.be.instanceOf(UnknownVersionError);
        expect(await versions.current()).to.equal(1);
      });
    }

    describe('the shared draft', () => {
      const MONDAY = new Date('2026-02-02T09:00:00Z');
      const TUESDAY = new Date('2026-02-03T09:00:00Z');
      const WEDNESDAY = new Date('2026-02-04T09:00:00Z');

      for (const [kind, open] of stores) {
        it(`${kind}: numbers saves from 1 and refuses a save or a discard that names a revision other than the stored one`, async () => {
          const versions = await open();
          expect(await versions.draft()).to.equal(undefined);
          expect(await versions.saveDraft({ 'offices.yaml': 'draft' }, 1, 1, MONDAY), 'a revision when there is no draft').to.equal(undefined);
          expect(await versions.discardDraft(1), 'a discard when there is no draft').to.equal(false);

          expect(await versions.saveDraft({ 'offices.yaml': 'first', 'sources/a.txt': 'source' }, 1, undefined, MONDAY)).to.equal(1);
          const first = { basedOn: 1, savedAt: MONDAY, revision: 1, files: { 'offices.yaml': 'first', 'sources/a.txt': 'source' } };
          expect(await versions.draft()).to.deep.equal(first);
          expect(await versions.saveDraft({ 'offices.yaml': 'another curator' }, 1, undefined, TUESDAY), 'a second first save').to.equal(undefined);
          expect(await versions.saveDraft({ 'offices.yaml': 'stale' }, 1, 0, TUESDAY), 'an older revision').to.equal(undefined);
          expect(await versions.saveDraft({ 'offices.yaml': 'ahead' }, 1, 2, TUESDAY), 'a revision not yet saved').to.equal(undefined);
          expect(await versions.draft()).to.deep.equal(first);

          expect(await versions.saveDraft({ 'offices.yaml': 'second' }, 2, 1, TUESDAY)).to.equal(2);
          const second = { basedOn: 2, savedAt: TUESDAY, revision: 2, files: { 'offices.yaml': 'second' } };
          expect(await versions.draft()).to.deep.equal(second);
          expect(await versions.saveDraft({ 'offices.yaml': 'stale' }, 1, 1, TUESDAY), 'the revision just replaced').to.equal(undefined);
          expect(await versions.draft()).to.deep.equal(second);

          expect(await versions.discardDraft(1)).to.equal(false);
          expect(await versions.draft()).to.deep.equal(second);
          expect(await versions.discardDraft(2)).to.equal(true);
          expect(await versions.draft()).to.equal(undefined);
          expect(await versions.discardDraft(2), 'a second discard').to.equal(false);
          expect(await versions.current(), 'the draft is never served').to.equal(1);
        });
      }

      for (const [kind, open] of stores) {
        it(`${kind}: a discard leaves a tombstone, so revisions never repeat and a page from the discarded draft is refused`, async () => {
          const versions = await open();
          expect(await versions.saveDraft({ 'offices.yaml': 'discarded' }, 1, undefined, MONDAY)).to.equal(1);
          expect(await versions.discardDraft(1)).to.equal(true);
          expect(await versions.draft(), 'a tombstone is no draft').to.equal(undefined);
          expect(await versions.discardDraft(1), 'a second discard').to.equal(false);
          expect(await versions.discardDraft(2), 'a discard of the tombstone').to.equal(false);
          expect(await versions.saveDraft({ 'offices.yaml': 'stale' }, 1, 1, TUESDAY), 'a page from the discarded draft').to.equal(undefined);
          expect(await versions.saveDraft({ 'offices.yaml': 'stale' }, 1, 2, TUESDAY), "the tombstone's revision").to.equal(undefined);
          expect(await versions.draft()).to.equal(undefined);

          // 1, discarded to a tombstone at 2, then a new draft at 3: a page still showing revision 1 cannot save onto it.
          expect(await versions.saveDraft({ 'offices.yaml': 'successor' }, 1, undefined, TUESDAY)).to.equal(3);
          const successor = { basedOn: 1, savedAt: TUESDAY, revision: 3, files: { 'offices.yaml': 'successor' } };
          expect(await versions.draft()).to.deep.equal(successor);
          expect(await versions.saveDraft({ 'offices.yaml': 'stale' }, 1, 1, WEDNESDAY), 'a page from the discarded draft').to.equal(undefined);
          expect(await versions.saveDraft({ 'offices.yaml': 'stale' }, 1, undefined, WEDNESDAY), 'a page showing no draft').to.equal(undefined);
          expect(await versions.draft()).to.deep.equal(successor);
          expect(await versions.saveDraft({ 'offices.yaml': 'next' }, 1, 3, WEDNESDAY)).to.equal(4);
          expect(await versions.draft()).to.deep.equal({ basedOn: 1, savedAt: WEDNESDAY, revision: 4, files: { 'offices.yaml': 'next' } });
        });
      }

      for (const [kind, open] of stores) {
        it(`${kind}: of two curators saving at once from the same revision, exactly one lands`, async () => {
          const versions = await open();
          const firsts = await Promise.all(['one', 'two'].map((who) => versions.saveDraft({ 'offices.yaml': who }, 1, undefined, MONDAY)));
          expect([...firsts].sort()).to.deep.equal([1, undefined]);
          const seconds = await Promise.all(['three', 'four'].map((who) => versions.saveDraft({ 'offices.yaml': who }, 1, 1, TUESDAY)));
          expect([...seconds].sort()).to.deep.equal([2, undefined]);
          const landed = seconds[0] === 2 ? 'three' : 'four';
          expect(await versions.draft()).to.deep.equal({ basedOn: 1, savedAt: TUESDAY, revision: 2, files: { 'offices.yaml': landed } });
          // And over a tombstone, which both read as no draft.
          expect(await Promise.all([versions.discardDraft(2), versions.discardDraft(2)]).then((done) => done.sort())).to.deep.equal([false, true]);
          const thirds = await Promise.all(['five', 'six'].map((who) => versions.saveDraft({ 'offices.yaml': who }, 1, undefined, WEDNESDAY)));
          expect([...thirds].sort()).to.deep.equal([4, undefined]);
          const third = thirds[0] === 4 ? 'five' : 'six';
          expect(await versions.draft()).to.deep.equal({ basedOn: 1, savedAt: WEDNESDAY, revision: 4, files: { 'offices.yaml': third } });
        });
      }

      it('memory: a caller editing the draft it read does not change the stored one', async () => {
        const versions = memoryKnowledgeVersions();
        await versions.saveDraft({ 'offices.yaml': 'saved' }, 1, undefined, MONDAY);
        const read = await versions.draft();
        read!.files['offices.yaml'] = 'edited, not saved';
        expect((await versions.draft())?.files).to.deep.equal({ 'offices.yaml': 'saved' });
      });

      it('sqlite: two stores on one database, as two instances have, share the draft and refuse each other stale saves', async () => {
        const dataDir = tempDir('kb-draft-');
        const one = await createStorage({ kind: 'sqlite', dataDir, ttlDays: 30, schedulePurge: false });
        const two = await createStorage({ kind: 'sqlite', dataDir, ttlDays: 30, schedulePurge: false });
        try {
          expect(await one.knowledge.saveDraft({ 'offices.yaml': 'from one' }, 1, undefined, MONDAY)).to.equal(1);
          expect(await two.knowledge.draft()).to.deep.equal({ basedOn: 1, savedAt: MONDAY, revision: 1, files: { 'offices.yaml': 'from one' } });
          expect(await two.knowledge.saveDraft({ 'offices.yaml': 'from two' }, 1, undefined, TUESDAY)).to.equal(undefined);
          expect(await two.knowledge.saveDraft({ 'offices.yaml': 'from two' }, 1, 1, TUESDAY)).to.equal(2);
          expect(await one.knowledge.saveDraft({ 'offices.yaml': 'from one again' }, 1, 1, TUESDAY)).to.equal(undefined);
          expect((await one.knowledge.draft())?.files).to.deep.equal({ 'offices.yaml': 'from two' });
          expect(await one.knowledge.discardDraft(2)).to.equal(true);
          expect(await two.knowledge.draft()).to.equal(undefined);
          expect(await two.knowledge.discardDraft(3), "the other's tombstone").to.equal(false);
          expect(await two.knowledge.saveDraft({ 'offices.yaml': 'stale' }, 1, 2, WEDNESDAY), 'the discarded revision').to.equal(undefined);
          expect(await two.knowledge.saveDraft({ 'offices.yaml': 'from two' }, 1, undefined, WEDNESDAY)).to.equal(4);
          expect(await one.knowledge.draft()).to.deep.equal({ basedOn: 1, savedAt: WEDNESDAY, revision: 4, files: { 'offices.yaml': 'from two' } });
        } finally {
          await one.close();
          await two.close();
        }
      });

      it('sqlite: a database made before tombstones, its draft table without the discarded column, opens and goes on from its draft', async () => {
        const dataDir = tempDir('kb-draft-old-');
        const old = new Database(join(dataDir, STATE_DB_FILE));
        old.exec(`
          CREATE TABLE knowledge_draft (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            based_on INTEGER NOT NULL,
            saved_at INTEGER NOT NULL,
            revision INTEGER NOT NULL,
            files TEXT NOT NULL
          );
        `);
        old
          .prepare('INSERT INTO knowledge_draft (id, based_on, saved_at, revision, files) VALUES (1, 1, ?, 5, ?)')
          .run(MONDAY.getTime(), JSON.stringify({ 'offices.yaml': 'from before' }));
        old.close();
        const one = await createStorage({ kind: 'sqlite', dataDir, ttlDays: 30, schedulePurge: false });
        const two = await createStorage({ kind: 'sqlite', dataDir, ttlDays: 30, schedulePurge: false });
        try {
          expect(await two.knowledge.draft()).to.deep.equal({ basedOn: 1, savedAt: MONDAY, revision: 5, files: { 'offices.yaml': 'from before' } });
          expect(await one.knowledge.saveDraft({ 'offices.yaml': 'edited' }, 1, undefined, TUESDAY), 'a page showing no draft').to.equal(undefined);
          expect(await one.knowledge.saveDraft({ 'offices.yaml': 'edited' }, 1, 5, TUESDAY)).to.equal(6);
          expect(await two.knowledge.discardDraft(6)).to.equal(true);
          expect(await one.knowledge.draft()).to.equal(undefined);
          expect(await one.knowledge.saveDraft({ 'offices.yaml': 'stale' }, 1, 6, WEDNESDAY), 'the discarded revision').to.equal(undefined);
          expect(await one.knowledge.saveDraft({ 'offices.yaml': 'new' }, 1, undefined, WEDNESDAY)).to.equal(8);
          expect(await two.knowledge.draft()).to.deep.equal({ basedOn: 1, savedAt: WEDNESDAY, revision: 8, files: { 'offices.yaml': 'new' } });
        } finally {
          await one.close();
          await two.close();
        }
      });
    });
  });

  describe('two instances on one SQLite store', () => {
    const bots: RunningBot[] = [];
    afterEach(async () => {
      for (const bot of bots.splice(0)) await bot.close();
    });

    it('answer a published question within the refresh interval, without a restart, and no longer after a rollback', async () => {
      const dataDir = tempDir('kb-instances-');
      const env = { PORT: '0', LOG_LEVEL: 'error', STORAGE: 'sqlite', DATA_DIR: dataDir };
      for (let i = 0; i < 2; i++) bots.push(await startBot(env, { logger: memoryLogger(), knowledgeRefreshMs: 100 }));
      const [first, second] = bots as [RunningBot, RunningBot];
      expect(await answerBecomes(first, 'before-1', true, 0)).to.not.include(NEW_ANSWER);

      // As a curator's publish does: the files of the changed base, checked, as the next version.
      const store = await createStorage({ kind: 'sqlite', dataDir, ttlDays: 30, schedulePurge: false });
      const version = await store.knowledge.publish(readKnowledgeDir(knowledgeWithSupporterCare()), 'supporter care hours');
      expect(await answerBecomes(first, 'after-1', true)).to.include(NEW_ANSWER);
      expect(await answerBecomes(second, 'after-2', true)).to.include(NEW_ANSWER);
      expect((await health(second.url)).body).to.include({ knowledge: version, entries: 27 });

      await store.knowledge.switchTo(1);
      expect(await answerBecomes(first, 'rolled-back-1', false)).to.not.include(NEW_ANSWER);
      expect(await answerBecomes(second, 'rolled-back-2', false)).to.not.include(NEW_ANSWER);
      expect((await health(first.url)).body).to.include({ knowledge: 1, entries: 23 });
      await store.close();
    });

    it('serves the current version from its first turn when it starts after a publish', async () => {
      const dataDir = tempDir('kb-restart-');
      const store = await createStorage({ kind: 'sqlite', dataDir, ttlDays: 30, schedulePurge: false });
      await store.knowledge.publish(readKnowledgeDir(knowledgeWithSupporterCare()), 'supporter care hours');
      await store.close();
      const bot = await startBot({ PORT: '0', LOG_LEVEL: 'error', STORAGE: 'sqlite', DATA_DIR: dataDir }, { logger: memoryLogger() });
      bots.push(bot);
      expect((await say(bot.url, 'first-turn', QUESTION)).messages.join('\n')).to.include(NEW_ANSWER);
    });
  });

  describe('npm run kb:publish, kb:versions, kb:rollback and kb:pull', () => {
    const kb = async (args: string[], env: Record<string, string>) => {
      const { stdout } = await runFile(process.execPath, ['--import', 'tsx', resolve(PROJECT_ROOT, 'src/tools/kbVersions.ts'), ...args], {
        cwd: PROJECT_ROOT,
        env: { PATH: process.env.PATH ?? '', ...env },
      });
      return stdout.trim();
    };

    it('publishes a checked knowledge/, lists the versions, rolls back, and pulls the served version into knowledge/', async () => {
      const dataDir = tempDir('kb-cli-');
      const edited = knowledgeWithSupporterCare();
      const env = { STORAGE: 'sqlite', DATA_DIR: dataDir, KNOWLEDGE_DIR: edited };
      expect(await kb(['publish', '--note', 'supporter care hours'], env)).to.match(
        /^Published version 2 \(\d+ files\); every instance sharing the store serves it within 30 s\.$/,
      );
      expect(await kb(['publish'], env)).to.equal('Nothing to publish: knowledge/ is version 2, which is being served.');
      expect(await kb(['list'], env)).to.match(
        /^1 {2}knowledge\/ as committed\n\* 2 {2}\d{4}-\d\d-\d\dT[\d:.]+Z {2}supporter care hours\n\(\* is being served\)$/,
      );
      expect(await kb(['rollback', '1'], env)).to.match(/^Version 1 is current again/);
      expect(await kb(['pull'], env)).to.match(/nothing to pull/);

      // A clean checkout of knowledge/ takes the published version back, for review and a commit.
      await kb(['rollback', '2'], env);
      const checkout = tempDir('kb-checkout-');
      cpSync(resolve(PROJECT_ROOT, 'knowledge'), checkout, { recursive: true });
      const pulled = await kb(['pull'], { ...env, KNOWLEDGE_DIR: checkout });
      expect(pulled).to.equal(
        'Wrote version 2 into knowledge/ (offices.yaml, sources/supporter-care-faq-exported-2024-05-01.txt); review it with git diff, then commit it.',
      );
      expect(readKnowledgeDir(checkout)).to.deep.equal(readKnowledgeDir(edited));
    });

    it('refuses to publish a knowledge base that does not load, naming the problem', async () => {
      const broken = tempDir('kb-broken-');
      cpSync(resolve(PROJECT_ROOT, 'knowledge'), broken, { recursive: true });
      const env = { STORAGE: 'sqlite', DATA_DIR: tempDir('kb-cli-broken-'), KNOWLEDGE_DIR: broken };
      rmSync(join(broken, 'sources', 'international-movement.txt'));
      let failure: { code?: number; stderr?: string } = {};
      await kb(['publish'], env).catch((err: { code?: number; stderr?: string }) => (failure = err));
      expect(failure.code).to.equal(1);
      expect(failure.stderr).to.match(/governance\.yaml, entry "aiuk-accountability", field "source\.text": cannot be read/);
    });
  });
});
