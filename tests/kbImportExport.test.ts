import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'chai';
import { exportQnaTsv } from '../src/curation/exportQna';
import { importQna, type ImportOptions } from '../src/curation/importQna';
import { QnaFileError, readQnaTsv } from '../src/curation/qnaTsv';
import { Decider, loadKnowledge } from '../src/faq';
import { PROJECT_ROOT } from '../src/shared/projectRoot';
import { topicFile, validEntry, writeKnowledgeDir } from './helpers/tempKnowledge';

const FIXTURE = resolve(PROJECT_ROOT, 'tests/fixtures/supporter-care-faq.tsv');
const SOURCE: ImportOptions['source'] = {
  title: 'Supporter care FAQ, exported 2024-05-01',
  url: 'https://www.amnesty.org.uk/supporter-care',
  asOf: '2024-05-01',
  reviewBy: '2099-05-01',
};

const dirs: string[] = [];
/** A copy of the real knowledge base to import into. */
function knowledgeCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kb-import-test-'));
  dirs.push(dir);
  cpSync(resolve(PROJECT_ROOT, 'knowledge'), dir, { recursive: true });
  return dir;
}
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('QnA Maker / Custom Question Answering TSV', () => {
  describe('reading an export', () => {
    const { pairs, problems } = readQnaTsv(readFileSync(FIXTURE, 'utf8'));

    it('gathers the rows of each QnaId into one answer with all its questions, in order, past a byte-order mark', () => {
      const first = pairs.find((p) => p.qnaId === '1');
      expect(first?.questions).to.have.length(6);
      expect(first?.questions[0]).to.equal('When is the supporter care team open?');
      expect(first?.rows).to.deep.equal([2, 3, 4, 5, 6, 7]);
      expect(first?.prompts).to.deep.equal(['2']);
    });

    it('reads both metadata styles, and suggested questions as more questions', () => {
      expect(pairs.find((p) => p.qnaId === '1')?.metadata.get('topic')).to.equal('offices');
      const second = pairs.find((p) => p.qnaId === '2');
      expect(second?.metadata.get('topic')).to.equal('offices');
      expect(second?.questions).to.include('where does supporter care sit');
    });

    it('reports a row it cannot read by its line and column, and reads on', () => {
      expect(problems.map((p) => [p.row, p.qnaId, p.column])).to.deep.equal([
        [27, '6', 'Metadata'],
        [28, undefined, undefined],
        [35, '7', 'Answer'],
      ]);
      expect(pairs.map((p) => p.qnaId)).to.deep.equal(['1', '2', '3', '4', '5', '7', '8', '9']);
    });

    it('refuses a file with no Question or Answer column, saying which', () => {
      expect(() => readQnaTsv('Q\tA\nx\ty\n')).to.throw(QnaFileError, /no "Question" column/);
      expect(() => readQnaTsv('')).to.throw(QnaFileError, /empty/);
    });
  });

  describe('importing into knowledge/', () => {
    it('adds each answer it can take as an entry sourced to the export, keeps the topic file as written, and lists the rest by row', () => {
      const dir = knowledgeCopy();
      const before = readFileSync(join(dir, 'offices.yaml'), 'utf8');
      const { pairs } = readQnaTsv(readFileSync(FIXTURE, 'utf8'));
      const result = importQna(dir, pairs, { topic: 'offices', source: SOURCE });

      expect(result.written.map((w) => w.id)).to.deep.equal([
        'when-is-the-supporter-care-team',
        'where-is-the-supporter-care-team',
        'who-answers-the-supporter-care-email',
        'how-quickly-does-supporter-care-reply',
      ]);
      expect(result.problems.map((p) => [p.row, p.qnaId, p.column])).to.deep.equal([
        [14, '3', 'Answer'],
        [20, '4', 'Question'],
        [22, '5', 'Metadata'],
        [36, '8', 'Prompts'],
        [42, '9', 'Question'],
      ]);
      expect(result.problems.find((p) => p.qnaId === '9')?.message).to.match(/"who does amnesty uk answer to" is also a phrasing of "aiuk-accountability"/);

      const after = readFileSync(join(dir, 'offices.yaml'), 'utf8');
      expect(after.startsWith(before.trimEnd())).to.equal(true);
      const kb = loadKnowledge(dir);
      const open = kb.entries.find((e) => e.id === 'when-is-the-supporter-care-team');
      expect(open).to.deep.include({ topic: 'offices', label: 'Supporter care team', related: ['where-is-the-supporter-care-team'] });
      expect(open?.source).to.deep.equal({ ...SOURCE, text: 'sources/supporter-care-faq-exported-2024-05-01.txt' });
      expect(open?.quotes).to.deep.equal([open?.answer]);
      expect(open?.phrasings).to.have.length(5);

      const decision = new Decider(kb).decide('when is supporter care open?', {});
      expect(decision.kind).to.equal('answer');
      expect(decision.kind === 'answer' && decision.entry.answer).to.equal(open?.answer);
    });

    it('writes nothing when no answer can be taken', () => {
      const dir = knowledgeCopy();
      const before = readFileSync(join(dir, 'offices.yaml'), 'utf8');
      const { pairs } = readQnaTsv(readFileSync(FIXTURE, 'utf8'));
      const result = importQna(
        dir,
        pairs.filter((p) => p.qnaId === '4'),
        { topic: 'offices', source: SOURCE },
      );
      expect(result.written).to.deep.equal([]);
      expect(readFileSync(join(dir, 'offices.yaml'), 'utf8')).to.equal(before);
    });
  });

  describe('exporting', () => {
    const kb = loadKnowledge(resolve(PROJECT_ROOT, 'knowledge'));
    const tsv = exportQnaTsv(kb);

    it("writes one row per question and phrasing, in the services' columns, with bare JSON metadata and prompts", () => {
      const lines = tsv.trimEnd().split('\n');
      expect(lines[0]).to.equal('Question\tAnswer\tSource\tMetadata\tSuggestedQuestions\tIsContextOnly\tPrompts\tQnaId\tSourceDisplayName');
      expect(lines).to.have.length(1 + kb.entries.reduce((n, e) => n + 1 + e.phrasings.length, 0));
      expect(lines[1]?.split('\t')[3]).to.match(/^\[\{"name":"topic","value":"governance"\}/);
    });

    it('gives the same answers, links and labels when imported into a fresh base', () => {
      // A fresh base: each topic file holds one placeholder entry, which the export does not touch.
      const placeholder = (topic: string, n: number) =>
        validEntry({
          id: `placeholder-${n}`,
          question: `Placeholder question ${n}?`,
          label: `Placeholder ${n}`,
          phrasings: ['first', 'second', 'third', 'fourth', 'fifth'].map((w) => `placeholder ${topic} ${w}`),
        });
      const dir = writeKnowledgeDir({
        'governance.yaml': topicFile('governance', [placeholder('governance', 1)]),
        'membership.yaml': topicFile('membership', [placeholder('membership', 2)]),
        'offices.yaml': topicFile('offices', [placeholder('offices', 3)]),
      });
      dirs.push(dir);
      const file = join(dir, 'export.tsv');
      writeFileSync(file, tsv);
      const { pairs, problems } = readQnaTsv(readFileSync(file, 'utf8'));
      expect(problems).to.deep.equal([]);
      const result = importQna(dir, pairs, {
        source: { ...SOURCE, title: 'The International Movement, exported', url: 'https://www.amnesty.org.uk/international-movement' },
      });
      expect(result.problems).to.deep.equal([]);

      const imported = loadKnowledge(dir);
      const decider = new Decider(imported);
      for (const entry of kb.entries) {
        const copy = imported.entries.find((e) => e.id === entry.id);
        expect(copy, entry.id).to.deep.include({
          topic: entry.topic,
          question: entry.question,
          label: entry.label,
          subject: entry.subject,
          answer: entry.answer,
        });
        expect(copy?.related, entry.id).to.deep.equal(entry.related);
        const decision = decider.decide(entry.question, {});
        expect(decision.kind === 'answer' ? decision.entry.answer : decision.kind, entry.question).to.equal(entry.answer);
      }
    });
  });

  describe('npm run kb:import and kb:export', () => {
    const run = (script: string, args: string[]) =>
      spawnSync(process.execPath, ['--import=tsx', resolve(PROJECT_ROOT, 'src/tools', script), ...args], { cwd: PROJECT_ROOT, encoding: 'utf8' });

    it('imports, then lists what it could not take by file, row, QnaId and column', () => {
      const dir = knowledgeCopy();
      const result = run('kbImport.ts', [FIXTURE, '--as-of', '2024-05-01', '--topic', 'offices', '--dir', dir]);
      expect(result.status, result.stderr).to.equal(0);
      expect(result.stdout).to.match(
        /^Imported 4 answers from supporter-care-faq\.tsv \(offices 4\), quoting sources\/supporter-care-faq-exported-2024-05-01\.txt\./,
      );
      expect(result.stdout).to.include('  - supporter-care-faq.tsv row 28: has 3 columns where the header has 9');
      expect(result.stdout).to.include('  - supporter-care-faq.tsv row 14, QnaId 3, column "Answer": answer: must be at most 80 words');
      expect(loadKnowledge(dir).entries.find((e) => e.id === 'when-is-the-supporter-care-team')?.source.reviewBy).to.equal('2025-05-01');
    });

    it('refuses arguments it cannot use, with its usage', () => {
      const result = run('kbImport.ts', [FIXTURE, '--as-of', 'May 2024']);
      expect(result.status).to.equal(2);
      expect(result.stderr).to.match(/asOf: must be a date written YYYY-MM-DD\nusage: npm run kb:import/);
    });

    it('exports the knowledge base as TSV', () => {
      const result = run('kbExport.ts', ['--format', 'tsv']);
      expect(result.status, result.stderr).to.equal(0);
      expect(result.stdout.split('\n')[0]).to.match(/^Question\tAnswer\tSource/);
      expect(run('kbExport.ts', ['--format', 'csv']).status).to.equal(2);
    });
  });
});
