import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { ConfigError, parseConfig, storageOptions } from '../src/app/config';
import { PROJECT_ROOT } from '../src/shared/projectRoot';
import { redact } from '../src/shared/redact';
import { createStorage } from '../src/storage/createStorage';
import { MAX_QUESTION_CHARS, memoryCurationLog, type CurationLog, type CurationRecord } from '../src/storage/curationLog';
import { SqliteStorage } from '../src/storage/sqliteStorage';
import { foldQuestion } from '../src/curation/inbox';
import { buildReport, formatReport, runReport } from '../src/tools/report';
import { rejection } from './helpers/rejection';

const run = promisify(execFile);

describe('redact', () => {
  const redacts: [string, string][] = [
    ['write to john.smith+amnesty@example.co.uk please', 'write to [email] please'],
    ['JOSÉ.García@correo.es', '[email]'],
    ['a@b.io and c_d@e-f.org', '[email] and [email]'],
    ['call +44 20 7033 1500', 'call [phone]'],
    ['call +44 (0)20 7033 1500 today', 'call [phone] today'],
    ['+442070331500', '[phone]'],
    ['0044 20 7033 1500', '[phone]'],
    ['+1 (555) 010-0199', '[phone]'],
    ['+33 1 23 45 67 89', '[phone]'],
    ['020 7033 1500', '[phone]'],
    ['(020) 7033 1500', '[phone]'],
    ['02070331500', '[phone]'],
    ['0113 496 0000', '[phone]'],
    ['07700 900123', '[phone]'],
    ['07700-900-123', '[phone]'],
    ['07700 900 123', '[phone]'],
    ['0800 123 456', '[phone]'],
    ['(555) 010-0199', '[phone]'],
    ['555-010-0199', '[phone]'],
    ['555.010.0199', '[phone]'],
    ['1-800-555-0199', '[phone]'],
    ['ring 020 7033 1500 or 07700 900123', 'ring [phone] or [phone]'],
    ['ring 020 7033 1500 07700 900123', 'ring [phone] [phone]'],
    ['Amnesty UK: 020 7033 1500, email sct@amnesty.org.uk.', 'Amnesty UK: [phone], email [email].'],
  ];
  for (const [input, expected] of redacts) {
    it(`redacts ${JSON.stringify(input)}`, () => expect(redact(input)).to.equal(expected));
  }

  const keeps = [
    'Amnesty was founded in 1961 and in 2013 had 3 million members',
    'over 7,000,000 people in 150 countries',
    'between 2013-2014',
    'the years 2013 2014 2015',
    'on 29/11/2026 at 10:30',
    'it costs £1,000.50',
    '10 000 000 supporters',
    'version 4.23.3',
    'ref 0123456',
    'room 101, +44 alone',
    'what is an @mention?',
  ];
  for (const input of keeps) {
    it(`keeps ${JSON.stringify(input)}`, () => expect(redact(input)).to.equal(input));
  }

  it('copes with long hostile input', () => {
    const hostile = `${'a.'.repeat(5000)}@${'b-'.repeat(5000)} ${'1 '.repeat(5000)}`;
    expect(redact(hostile)).to.be.a('string');
  });
});

function curationContract(name: string, open: () => Promise<{ log: CurationLog; close(): Promise<void> }>): void {
  describe(`curation log: ${name}`, () => {
    let log: CurationLog;
    let close: () => Promise<void>;
    beforeEach(async () => ({ log, close } = await open()));
    afterEach(async () => close());

    it('keeps feedback and unanswered questions, redacted, bounded, without user ids, oldest first', async () => {
      await log.record({
        kind: 'unanswered',
        question: '  Can you call me on 07700 900123 or mail me@example.org?  ',
        topic: 'offices',
        at: new Date('2026-03-02T00:00:00Z'),
      });
      await log.record({ kind: 'feedback', entryId: 'icm-frequency', helpful: false, at: new Date('2026-03-01T00:00:00Z') });
      await log.record({ kind: 'unanswered', question: 'x'.repeat(5000), at: new Date('2026-03-03T00:00:00Z') });
      const records = await log.list();
      expect(records).to.have.length(3);
      expect(records[0]).to.deep.equal({ kind: 'feedback', entryId: 'icm-frequency', helpful: false, at: new Date('2026-03-01T00:00:00Z') });
      expect(records[1]).to.deep.equal({
        kind: 'unanswered',
        question: 'Can you call me on [phone] or mail [email]?',
        topic: 'offices',
        at: new Date('2026-03-02T00:00:00Z'),
      });
      expect((records[2] as Extract<CurationRecord, { kind: 'unanswered' }>).question).to.have.length(MAX_QUESTION_CHARS);
      expect(records[2]).to.not.have.property('topic');
    });

    it('keeps the question a 👎 says the answer failed, redacted', async () => {
      await log.record({
        kind: 'feedback',
        entryId: 'icm-role',
        helpful: false,
        question: ' who runs it? 07700 900123 ',
        at: new Date('2026-03-05T00:00:00Z'),
      });
      expect(await log.list()).to.deep.equal([
        { kind: 'feedback', entryId: 'icm-role', helpful: false, question: 'who runs it? [phone]', at: new Date('2026-03-05T00:00:00Z') },
      ]);
    });

    it("keeps an expert's suggested answer with its question, both redacted", async () => {
      await log.record({
        kind: 'suggestion',
        question: 'Are board members paid? me@example.org',
        answer: 'No: they are volunteers. Call 07700 900123.',
        at: new Date('2026-03-04T00:00:00Z'),
      });
      expect(await log.list()).to.deep.equal([
        {
          kind: 'suggestion',
          question: 'Are board members paid? [email]',
          answer: 'No: they are volunteers. Call [phone].',
          at: new Date('2026-03-04T00:00:00Z'),
        },
      ]);
    });

    it("keeps a tally of a day's outcomes, counts and entry ids only, and refuses one that is not a day's", async () => {
      const tally = {
        kind: 'tally',
        day: '2026-03-05',
        answered: 7,
        didYouMean: 2,
        partial: 1,
        dontKnow: 3,
        answers: { 'icm-frequency': 5, 'movement-size': 3 },
      } as const;
      await log.record({ ...tally, at: new Date('2026-03-05T12:00:00Z') });
      expect(await log.list()).to.deep.equal([{ ...tally, at: new Date('2026-03-05T12:00:00Z') }]);
      expect(await rejection(log.record({ ...tally, day: 'yesterday' }))).to.be.instanceOf(Error);
      expect(await rejection(log.record({ ...tally, answered: -1 }))).to.be.instanceOf(Error);
      expect(await log.list()).to.have.length(1);
    });

    it('lists only records at or after `since`', async () => {
      await log.record({ kind: 'feedback', entryId: 'a', helpful: true, at: new Date('2026-01-01T00:00:00Z') });
      await log.record({ kind: 'feedback', entryId: 'b', helpful: true, at: new Date('2026-02-01T00:00:00Z') });
      const since = await log.list(new Date('2026-02-01T00:00:00Z'));
      expect(since.map((r) => (r.kind === 'feedback' ? r.entryId : ''))).to.deep.equal(['b']);
    });

    it('rejects records that are not valid, storing nothing', async () => {
      expect(await rejection(log.record({ kind: 'feedback', entryId: ' ', helpful: true }))).to.be.instanceOf(Error);
      expect(await rejection(log.record({ kind: 'unanswered', question: '   ' }))).to.be.instanceOf(Error);
      expect(await rejection(log.record({ kind: 'feedback', entryId: 'a', helpful: 'yes' } as never))).to.be.instanceOf(Error);
      // Fields a record does not have are dropped, so an id passed by mistake is never stored.
      await log.record({ kind: 'unanswered', question: 'hi', userId: 'user-1' } as never);
      const records = await log.list();
      expect(records).to.have.length(1);
      expect(records[0]).to.not.have.property('userId');
    });
  });
}

describe('curation', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'faq-curation-'));
    dirs.push(dir);
    return dir;
  };

  curationContract('memory', async () => ({ log: memoryCurationLog(), close: async () => undefined }));
  curationContract('sqlite (same file as state)', async () => {
    const store = await createStorage({ kind: 'sqlite', dataDir: tempDir(), ttlDays: 30 });
    return { log: store.curation, close: () => store.close() };
  });

  it('sqlite: a database made before suggestions existed gains their column and keeps its records', async () => {
    const dir = tempDir();
    const old = new SqliteStorage({ dataDir: dir });
    old.database.exec(
      'CREATE TABLE curation (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, entry_id TEXT, helpful INTEGER, question TEXT, topic TEXT, at INTEGER NOT NULL)',
    );
    old.database.prepare("INSERT INTO curation (kind, question, at) VALUES ('unanswered', 'who funds amnesty', 1)").run();
    await old.close();
    const store = await createStorage({ kind: 'sqlite', dataDir: dir, ttlDays: 30, curationTtlDays: 100_000 });
    try {
      await store.curation.record({ kind: 'suggestion', question: 'q', answer: 'a' });
      expect((await store.curation.list()).map((r) => r.kind)).to.deep.equal(['unanswered', 'suggestion']);
    } finally {
      await store.close();
    }
  });

  describe('report', () => {
    const at = (day: number) => new Date(Date.UTC(2026, 2, day));
    const unanswered = (question: string, day = 1): CurationRecord => ({ kind: 'unanswered', question, at: at(day) });
    const vote = (entryId: string, helpful: boolean): CurationRecord => ({ kind: 'feedback', entryId, helpful, at: at(1) });
    const votes = (entryId: string, up: number, down: number) => [
      ...Array.from({ length: up }, () => vote(entryId, true)),
      ...Array.from({ length: down }, () => vote(entryId, false)),
    ];

    it('folds case, spacing and trailing punctuation when counting questions', () => {
      expect(foldQuestion('  What is   the WEATHER?? ')).to.equal('what is the weather');
    });

    it('lists the most frequent unanswered questions first, then the most recent', () => {
      const report = buildReport([
        unanswered('Who funds Amnesty?', 1),
        unanswered('What is the weather', 2),
        unanswered('who funds amnesty', 3),
        unanswered('Is it raining', 5),
        unanswered('WHO FUNDS   Amnesty?!', 4),
      ]);
      expect(report.unanswered.map((r) => [r.question, r.count])).to.deep.equal([
        ['who funds amnesty', 3],
        ['is it raining', 1],
        ['what is the weather', 1],
      ]);
      expect(report.unanswered[0]!.lastAsked).to.deep.equal(at(4));
    });

    it('ranks answers by how surely they are unhelpful, not by a single vote', () => {
      const report = buildReport([...votes('mostly-fine', 90, 10), ...votes('one-down', 0, 1), ...votes('always-down', 0, 6), ...votes('all-good', 5, 0)]);
      expect(report.leastHelpful.map((r) => r.entryId)).to.deep.equal(['always-down', 'one-down', 'mostly-fine']);
      expect(report.leastHelpful[2]).to.deep.equal({ entryId: 'mostly-fine', helpful: 90, unhelpful: 10, shareHelpful: 0.9 });
    });

    it('keeps to the limit and formats two tables', () => {
      const report = buildReport([unanswered('a'), unanswered('b'), unanswered('c'), ...votes('icm-frequency', 1, 3)], 2);
      expect(report.unanswered).to.have.length(2);
      const text = formatReport(report);
      expect(text).to.include('Most frequent unanswered questions').and.include('Least helpful answers');
      expect(text).to.match(/icm-frequency\s+1\s+3\s+25%/);
      expect(text).to.include('(7 records)');
      expect(formatReport(buildReport([])))
        .to.include('(none)')
        .and.include('(no answer has a 👎)');
    });
  });

  describe('storage settings from the environment', () => {
    it('defaults to SQLite under data/ with a 30-day retention for state and 90 days for curation, blanks meaning unset', () => {
      expect(storageOptions(parseConfig({ STORAGE: ' ', STATE_TTL_DAYS: '' }))).to.deep.equal({
        kind: 'sqlite',
        dataDir: resolve(PROJECT_ROOT, 'data'),
        connectionString: undefined,
        container: undefined,
        ttlDays: 30,
        curationTtlDays: 90,
        pseudonymKey: undefined,
      });
    });

    it('names the variable that is wrong or missing', () => {
      const problems = (env: NodeJS.ProcessEnv) => {
        try {
          storageOptions(parseConfig(env));
        } catch (err) {
          expect(err).to.be.instanceOf(ConfigError);
          return (err as ConfigError).problems.join('\n');
        }
        throw new Error('expected a ConfigError');
      };
      expect(problems({ STORAGE: 'postgres' })).to.include('STORAGE');
      expect(problems({ STATE_TTL_DAYS: 'soon' })).to.include('STATE_TTL_DAYS');
      expect(problems({ STORAGE: 'blob' }))
        .to.include('AZURE_STORAGE_CONNECTION_STRING')
        .and.include('PSEUDONYM_KEY');
      expect(problems({ STORAGE: 'blob', AZURE_STORAGE_CONNECTION_STRING: 'x', AZURE_STORAGE_CONTAINER: 'No_Such' })).to.include('AZURE_STORAGE_CONTAINER');
    });
  });

  describe('command-line tools on SQLite', function () {
    this.timeout(30_000);
    const tool = (script: string, dataDir: string, args: string[] = []) =>
      run(process.execPath, ['--import', 'tsx', resolve(PROJECT_ROOT, 'src/tools', script), ...args], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, STORAGE: 'sqlite', DATA_DIR: dataDir, STATE_TTL_DAYS: '30' },
      });

    const report = async (args: string[], dataDir: string) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runReport(
        args,
        { STORAGE: 'sqlite', DATA_DIR: dataDir },
        (t) => out.push(t),
        (t) => err.push(t),
      );
      return { code, stdout: out.join(''), stderr: err.join('') };
    };

    it('npm run report prints the curation tables', async () => {
      const dataDir = tempDir();
      const store = await createStorage({ kind: 'sqlite', dataDir, ttlDays: 30 });
      await store.curation.record({ kind: 'unanswered', question: 'Who funds Amnesty?' });
      await store.curation.record({ kind: 'feedback', entryId: 'icm-frequency', helpful: false });
      await store.close();
      const { code, stdout } = await report(['--limit', '5'], dataDir);
      expect(code).to.equal(0);
      expect(stdout)
        .to.include('who funds amnesty')
        .and.match(/icm-frequency\s+0\s+1\s+0%/);
      expect((await report(['--since', '2999-01-01'], dataDir)).stdout).to.include('(0 records)');
    });

    it('npm run report refuses a bad argument with its usage', async () => {
      for (const args of [['--limit', 'lots'], ['--since', 'yesterday'], ['--colour']]) {
        const { code, stderr } = await report(args, tempDir());
        expect(code).to.equal(2);
        expect(stderr).to.include('usage: npm run report');
      }
    });

    it('npm run state:purge deletes expired state and prints the count', async () => {
      const dataDir = tempDir();
      const old = new SqliteStorage({ dataDir, now: () => new Date(Date.now() - 31 * 24 * 60 * 60 * 1000) });
      await old.write({ a: { n: 1 }, b: { n: 1 } });
      await old.close();
      const { stdout } = await tool('statePurge.ts', dataDir);
      expect(stdout).to.include('Deleted 2 conversation state item(s) not written for 30 days (sqlite storage).');
    });
  });
});
