import { resolve } from 'node:path';
import { expect } from 'chai';
import {
  addEntry,
  addPhrasing,
  EditError,
  entryFields,
  markOutOfScope,
  moveReviewDate,
  updateEntry,
  whichFile,
  type EntryFields,
} from '../src/curation/knowledgeEdits';
import { KnowledgeError, loadKnowledge, OUT_OF_SCOPE_FILE, readKnowledgeDir, textFiles, type KnowledgeBase, type Topic } from '../src/faq';
import { PROJECT_ROOT } from '../src/shared/projectRoot';

type Files = Readonly<Record<string, string>>;

/** The committed knowledge base, frozen so that an edit writing to its input throws. */
const KNOWLEDGE: Files = Object.freeze(readKnowledgeDir(resolve(PROJECT_ROOT, 'knowledge')));
/** The base with no out-of-scope list, whether or not the committed one has it. */
const NO_LIST: Files = Object.freeze(Object.fromEntries(Object.entries(KNOWLEDGE).filter(([name]) => name !== OUT_OF_SCOPE_FILE)));

function load(files: Files): KnowledgeBase {
  return loadKnowledge(textFiles(files, 'draft'));
}

/** Runs an edit on a frozen copy of `files`, checks the copy is as it was, and returns the edit's result. */
function edit(files: Files, apply: (files: Files) => Record<string, string>): Record<string, string> {
  const input = Object.freeze({ ...files });
  const result = apply(input);
  expect(input).to.deep.equal(files);
  expect(result).to.not.equal(input);
  return result;
}

function fieldsOf(files: Files, id: string): EntryFields {
  const found = entryFields(files, id);
  if (!found) expect.fail(`no entry "${id}"`);
  return found.fields;
}

/** The 1-based lines of `before` that `after` replaces: what lies between the lines both start and end with. */
function changedLines(before: string, after: string): { first: number; last: number } {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  return { first: start + 1, last: a.length - end };
}

/** The 1-based lines of an entry: from its `- id:` line to its last line before the next entry. */
function entryLines(text: string, id: string): { first: number; last: number } {
  const lines = text.split('\n');
  const first = lines.findIndex((line) => line.trim() === `- id: ${id}`);
  const next = lines.findIndex((line, i) => i > first && /^\s*- id: /.test(line));
  let last = next < 0 ? lines.length - 1 : next - 1;
  while (!lines[last]!.trim()) last--;
  return { first: first + 1, last: last + 1 };
}

function commentLines(text: string): string[] {
  return text.split('\n').filter((line) => line.trimStart().startsWith('#'));
}

function expectOnlyChanged(before: Files, after: Files, name: string): void {
  expect(Object.keys(after).sort()).to.deep.equal(Object.keys(before).sort());
  for (const other of Object.keys(before).filter((n) => n !== name)) expect(after[other], other).to.equal(before[other]);
}

function problemsOf(files: Files): KnowledgeError['problems'] {
  try {
    load(files);
  } catch (err) {
    expect(err).to.be.instanceOf(KnowledgeError);
    return (err as KnowledgeError).problems;
  }
  return expect.fail('expected the knowledge base to be rejected');
}

const NEW_ENTRY: EntryFields = {
  question: 'Which national offices did Amnesty open in 2011?',
  label: 'Offices of 2011',
  subject: 'the national offices opened in 2011',
  phrasings: [
    'what offices opened in 2011',
    'new national offices of 2011',
    'which countries got an office in 2011',
    'where did amnesty open offices in 2011',
    'amnesty 2011 offices',
  ],
  answer: 'In 2011, Amnesty established national offices in Brazil and India.',
  quotes: ['In 2011 we established national offices in Brazil and India'],
  related: ['regional-hubs', 'national-offices-brazil-india'],
};

describe('knowledge edits', () => {
  it('changes only the lines of the entry it edits, keeps every comment and leaves the other files byte for byte', () => {
    const fields = fieldsOf(KNOWLEDGE, 'regional-hubs');
    const result = edit(KNOWLEDGE, (files) =>
      updateEntry(files, 'regional-hubs', {
        ...fields,
        label: 'Hubs',
        phrasings: [...fields.phrasings.slice(1), 'which cities get the regional hubs'],
        answer: `${fields.answer} They were part of building towards more presence in the Global South, where Amnesty had been underrepresented.`,
        related: [...fields.related, 'secretariat-main-office'],
      }),
    );
    const before = KNOWLEDGE['offices.yaml']!;
    const after = result['offices.yaml']!;
    const changed = changedLines(before, after);
    const entry = entryLines(before, 'regional-hubs');
    expect(changed.first).to.be.at.least(entry.first);
    expect(changed.last).to.be.at.most(entry.last);
    expect(commentLines(after)).to.include.members(commentLines(before));
    expectOnlyChanged(KNOWLEDGE, result, 'offices.yaml');
    expect(load(result).entries.find((e) => e.id === 'regional-hubs')).to.include({ label: 'Hubs' });
  });

  it('leaves every file byte for byte when an entry is updated with the fields it already has', () => {
    for (const { id } of load(KNOWLEDGE).entries) {
      const result = edit(KNOWLEDGE, (files) => updateEntry(files, id, fieldsOf(files, id)));
      expect(result, id).to.deep.equal(KNOWLEDGE);
    }
  });

  it('keeps an updated answer folded at the width of the others and related entries on one line', () => {
    const fields = fieldsOf(KNOWLEDGE, 'regional-hubs');
    const answer = `${fields.answer} Amnesty was developing more presence in those areas of the world where it had typically been underrepresented.`;
    const related = [...fields.related, 'secretariat-main-office'];
    const result = edit(KNOWLEDGE, (files) => updateEntry(files, 'regional-hubs', { ...fields, answer, related }));
    const text = result['offices.yaml']!;
    const fromEntry = text.slice(text.indexOf('  - id: regional-hubs\n'));
    const folded = fromEntry
      .slice(fromEntry.indexOf('    answer: >-\n') + '    answer: >-\n'.length, fromEntry.indexOf('    quotes:'))
      .trimEnd()
      .split('\n');
    expect(folded).to.have.length.above(1);
    for (const line of folded)
      expect(line)
        .to.match(/^ {6}\S/)
        .and.have.length.at.most(103);
    expect(text).to.include(`    related: [${related.join(', ')}]\n`);
    expect(fieldsOf(result, 'regional-hubs')).to.deep.equal({ ...fields, answer, related });
    expect(load(result).entries.find((e) => e.id === 'regional-hubs')).to.include({ answer });
  });

  it('keeps the comment inside an entry when the list it heads is rewritten', () => {
    const fields = fieldsOf(KNOWLEDGE, 'movement-size');
    const quote = 'It is an exciting time for Amnesty globally.';
    const result = edit(KNOWLEDGE, (files) => updateEntry(files, 'movement-size', { ...fields, quotes: [...fields.quotes, quote] }));
    const before = KNOWLEDGE['membership.yaml']!;
    const after = result['membership.yaml']!;
    expect(commentLines(after)).to.deep.equal(commentLines(before));
    expect(after).to.include(`      - "${quote}"\n    related:`);
    expect(changedLines(before, after).first).to.be.above(entryLines(before, 'movement-size').first);
    expect(load(result).entries.find((e) => e.id === 'movement-size')!.quotes).to.deep.equal([...fields.quotes, quote]);
  });

  it('adds a trimmed phrasing after the others, quoted as they are, and the result loads', () => {
    const result = edit(KNOWLEDGE, (files) => addPhrasing(files, 'regional-hubs', '  which cities get the regional hubs  '));
    const before = KNOWLEDGE['offices.yaml']!;
    const after = result['offices.yaml']!;
    expect(after).to.include(`      - "which cities get the regional hubs"\n    answer: >-\n`);
    expect(after.split('\n')).to.have.length(before.split('\n').length + 1);
    const changed = changedLines(before, after);
    const entry = entryLines(before, 'regional-hubs');
    expect(changed.first).to.be.within(entry.first, entry.last);
    expect(commentLines(after)).to.deep.equal(commentLines(before));
    expectOnlyChanged(KNOWLEDGE, result, 'offices.yaml');
    expect(
      load(result)
        .entries.find((e) => e.id === 'regional-hubs')!
        .phrasings.at(-1),
    ).to.equal('which cities get the regional hubs');
  });

  it('reads an entry as its file writes it, and which file that is', () => {
    expect(entryFields(KNOWLEDGE, 'regional-hubs')).to.deep.include({ topic: 'offices' });
    expect(fieldsOf(KNOWLEDGE, 'regional-hubs')).to.include({ label: 'Regional hubs', subject: 'the regional hubs' });
    expect(fieldsOf(KNOWLEDGE, 'regional-hubs').related).to.deep.equal(['national-offices-brazil-india', 'global-expansion', 'global-south-staff']);
    expect(whichFile(KNOWLEDGE, 'movement-size')).to.equal('membership.yaml');
    expect(entryFields(KNOWLEDGE, 'nowhere')).to.equal(undefined);
    expect(whichFile(KNOWLEDGE, 'nowhere')).to.equal(undefined);
  });

  it("adds an entry after its topic's last, laid out as the others, and the result loads", () => {
    const result = edit(KNOWLEDGE, (files) => addEntry(files, 'offices', 'offices-of-2011', NEW_ENTRY));
    const before = KNOWLEDGE['offices.yaml']!;
    const after = result['offices.yaml']!;
    expect(after.startsWith(`${before.trimEnd()}\n\n  - id: offices-of-2011\n    question: ${NEW_ENTRY.question}\n`)).to.equal(true);
    expect(after).to.include(`    answer: >-\n      ${NEW_ENTRY.answer}\n    quotes:\n      - "${NEW_ENTRY.quotes[0]}"\n`);
    expect(after.endsWith(`    related: [regional-hubs, national-offices-brazil-india]\n`)).to.equal(true);
    expectOnlyChanged(KNOWLEDGE, result, 'offices.yaml');
    expect(entryFields(result, 'offices-of-2011')).to.deep.equal({ topic: 'offices', fields: NEW_ENTRY });
    expect(load(result).entries.find((e) => e.id === 'offices-of-2011')).to.include({ topic: 'offices', label: NEW_ENTRY.label });
  });

  it('writes the out-of-scope list, saying what it is for, and adds to it', () => {
    const first = edit(NO_LIST, (files) => markOutOfScope(files, '  What will the weather be tomorrow?  '));
    const created = first[OUT_OF_SCOPE_FILE]!;
    expect(created).to.match(/^# Questions curators marked as outside the knowledge base\./);
    expect(created).to.include('inbox').and.include('eval');
    expect(load(first).outOfScope).to.deep.equal(['What will the weather be tomorrow?']);

    const second = edit(first, (files) => markOutOfScope(files, 'Who won the cup final?'));
    expect(second[OUT_OF_SCOPE_FILE]).to.equal(`${created}  - Who won the cup final?\n`);
    expectOnlyChanged(first, second, OUT_OF_SCOPE_FILE);
    expect(load(second).outOfScope).to.deep.equal(['What will the weather be tomorrow?', 'Who won the cup final?']);
  });

  it("moves a source's review date on in every topic that cites it, changing that line alone, and refuses a source no topic cites", () => {
    const url = 'https://www.amnesty.org.uk/international-movement';
    const result = edit(KNOWLEDGE, (files) => moveReviewDate(files, url, '2027-06-30'));
    for (const name of ['governance.yaml', 'membership.yaml', 'offices.yaml']) {
      const before = KNOWLEDGE[name]?.split('\n') ?? [];
      const after = result[name]?.split('\n') ?? [];
      expect(after.length).to.equal(before.length);
      expect(after.filter((line, i) => line !== before[i])).to.deep.equal(['  reviewBy: "2027-06-30"']);
    }
    expect(load(result).warnings).to.deep.equal([]);
    expect(() => moveReviewDate(KNOWLEDGE, 'https://example.org/elsewhere', '2027-06-30')).to.throw(
      EditError,
      'no topic or entry cites https://example.org/elsewhere',
    );
  });

  describe('refuses what cannot be applied, naming the file, the entry and the field', () => {
    const broken = (name: string): Files => ({ ...KNOWLEDGE, [name]: 'entries: [unclosed\n' });
    const refusals: [string, () => unknown, string | RegExp][] = [
      ['a phrasing for an unknown entry', () => addPhrasing(KNOWLEDGE, 'nowhere', 'where'), 'entry "nowhere": no topic file has this entry'],
      [
        'an empty phrasing',
        () => addPhrasing(KNOWLEDGE, 'regional-hubs', '  '),
        'offices.yaml, entry "regional-hubs", phrasings: a phrasing must not be empty',
      ],
      [
        'a phrasing the entry has, case and punctuation aside',
        () => addPhrasing(KNOWLEDGE, 'regional-hubs', 'Regional hubs, list!'),
        'offices.yaml, entry "regional-hubs", phrasings: "Regional hubs, list!" is already a phrasing',
      ],
      [
        "the entry's own question as a phrasing",
        () => addPhrasing(KNOWLEDGE, 'regional-hubs', 'where is amnesty developing regional hubs'),
        `offices.yaml, entry "regional-hubs", phrasings: "where is amnesty developing regional hubs" is the entry's question`,
      ],
      ['an update of an unknown entry', () => updateEntry(KNOWLEDGE, 'nowhere', NEW_ENTRY), 'entry "nowhere": no topic file has this entry'],
      [
        'a new entry with an id another topic uses',
        () => addEntry(KNOWLEDGE, 'governance', 'regional-hubs', NEW_ENTRY),
        'governance.yaml, entry "regional-hubs", id: is already used in offices.yaml',
      ],
      [
        'a new entry in an unknown topic',
        () => addEntry(KNOWLEDGE, 'weather' as Topic, 'rain', NEW_ENTRY),
        'weather.yaml, entry "rain": there is no topic "weather"',
      ],
      ['an edit to a file that is not valid YAML', () => addPhrasing(broken('offices.yaml'), 'regional-hubs', 'hubs'), /^offices\.yaml: is not valid YAML: /],
      ['an empty out-of-scope question', () => markOutOfScope(NO_LIST, ' '), 'out-of-scope.yaml, questions: a question must not be empty'],
      [
        'an out-of-scope question already marked, case and punctuation aside',
        () => markOutOfScope(markOutOfScope(NO_LIST, 'Is it raining?'), 'is it raining'),
        'out-of-scope.yaml, questions: "is it raining" is already marked out of scope',
      ],
      [
        'a question for an out-of-scope list that is not valid YAML',
        () => markOutOfScope(broken(OUT_OF_SCOPE_FILE), 'rain'),
        /^out-of-scope\.yaml: is not valid YAML: /,
      ],
    ];
    for (const [what, apply, message] of refusals) {
      it(`refuses ${what}`, () => {
        expect(apply).to.throw(EditError, message);
      });
    }
  });
});

describe('the out-of-scope list in the knowledge base', () => {
  it('reads the questions, and not as a topic', () => {
    const kb = load({ ...NO_LIST, [OUT_OF_SCOPE_FILE]: '# Marked by curators.\nquestions:\n  - What is the weather like?\n  - Who won the match?\n' });
    expect(kb.outOfScope).to.deep.equal(['What is the weather like?', 'Who won the match?']);
    expect(kb.topics.map((t) => t.topic).sort()).to.deep.equal(['governance', 'membership', 'offices']);
    expect(kb.entries).to.have.length(load(NO_LIST).entries.length);
  });

  it('is empty when the file is absent', () => {
    expect(load(NO_LIST).outOfScope).to.deep.equal([]);
  });

  const invalid: [string, string, string | undefined, RegExp][] = [
    ['an empty question', 'questions:\n  - ""\n', 'questions[0]', /must not be empty/],
    ['questions that are not a list', 'questions: the weather\n', 'questions', /expected array/],
    ['an unknown field', 'questions: []\nquestion: the weather\n', 'question', /not a known field/],
    ['text that is not YAML', 'questions: [unclosed\n', undefined, /not valid YAML/],
  ];
  for (const [what, text, field, message] of invalid) {
    it(`rejects ${what}, naming the file${field ? ' and the field' : ''}`, () => {
      const problems = problemsOf({ ...NO_LIST, [OUT_OF_SCOPE_FILE]: text });
      expect(problems).to.have.length.at.least(1);
      for (const problem of problems) {
        expect(problem.file).to.equal(`${OUT_OF_SCOPE_FILE} (draft)`);
        expect(problem.field).to.equal(field);
        expect(problem.message).to.match(message);
      }
    });
  }
});
