import { expect } from 'chai';
import { loadKnowledge } from '../src/faq/knowledge/loadKnowledge';
import { formatProblem, KnowledgeError, type KnowledgeProblem } from '../src/faq/knowledge/problems';
import { SOURCE, topicFile, validEntry, writeKnowledgeDir } from './helpers/tempKnowledge';

function problemsOf(files: Record<string, unknown>): KnowledgeProblem[] {
  try {
    loadKnowledge(writeKnowledgeDir(files));
  } catch (err) {
    expect(err).to.be.instanceOf(KnowledgeError);
    return (err as KnowledgeError).problems;
  }
  expect.fail('expected the knowledge base to be rejected');
}

function onlyProblem(files: Record<string, unknown>): KnowledgeProblem {
  const problems = problemsOf(files);
  expect(problems, problems.map(formatProblem).join('\n')).to.have.length(1);
  return problems[0]!;
}

describe('knowledge base schema', () => {
  it('loads a valid topic file and gives each entry its topic and the file source', () => {
    const kb = loadKnowledge(writeKnowledgeDir({ 'governance.yaml': topicFile('governance', [validEntry()]) }));
    expect(kb.entries).to.have.length(1);
    expect(kb.entries[0]).to.include({ id: 'icm-frequency', topic: 'governance' });
    expect(kb.entries[0]!.source).to.deep.equal(SOURCE);
    expect(kb.topics.map((t) => t.topic)).to.deep.equal(['governance']);
  });

  it('lets an entry override the source of its file', () => {
    const own = { ...SOURCE, title: 'Another page', url: 'https://www.amnesty.org/en/about-us/', asOf: '2024-05' };
    const kb = loadKnowledge(writeKnowledgeDir({ 'governance.yaml': topicFile('governance', [validEntry({ source: own })]) }));
    expect(kb.entries[0]!.source).to.deep.equal(own);
  });

  const fieldCases: [string, Record<string, unknown>, string, RegExp][] = [
    ['an answer over 80 words', { answer: 'word '.repeat(81) }, 'answer', /at most 80 words/],
    ['fewer than 5 phrasings', { phrasings: ['a', 'b', 'c', 'd'] }, 'phrasings', /at least 5 phrasings/],
    ['an empty phrasing', { phrasings: ['a', 'b', 'c', 'd', '  '] }, 'phrasings[4]', /must not be empty/],
    ['a missing answer', { answer: undefined }, 'answer', /expected string/],
    ['no quotes', { quotes: [] }, 'quotes', /at least one quote/],
    ['a label too long for a Teams button', { label: 'How often the International Council meets' }, 'label', /at most 20 characters/],
    ['a source url that is not https', { source: { ...SOURCE, url: 'http://example.org' } }, 'source.url', /https URL/],
    ['an as-of date that is not a date', { source: { ...SOURCE, asOf: 'around 2013' } }, 'source.asOf', /YYYY/],
    ['a source text outside knowledge/sources', { source: { ...SOURCE, text: '../../etc/passwd' } }, 'source.text', /a file in knowledge\/sources/],
    ['a source text that is not there', { source: { ...SOURCE, text: 'sources/missing.txt' } }, 'source.text', /cannot be read/],
    ['a review date that is not a date', { source: { ...SOURCE, reviewBy: 'next spring' } }, 'source.reviewBy', /YYYY-MM-DD/],
    [
      'a quote the source does not say word for word',
      { quotes: ['The ICM is held every two years.'] },
      'quotes[0]',
      /not in sources\/international-movement\.txt/,
    ],
    ['a number in the answer that no quote states', { answer: 'The International Council Meeting is held every three years.' }, 'answer', /"three"/],
    ['an unknown field', { answr: 'typo' }, 'answr', /not a known field/],
  ];
  for (const [what, overrides, field, message] of fieldCases) {
    it(`rejects ${what}, naming the file, the entry and the field`, () => {
      const problem = onlyProblem({ 'governance.yaml': topicFile('governance', [validEntry(overrides)]) });
      expect(problem.file).to.match(/governance\.yaml$/);
      expect(problem.entryId).to.equal('icm-frequency');
      expect(problem.field).to.equal(field);
      expect(problem.message).to.match(message);
      expect(formatProblem(problem)).to.match(new RegExp(`governance\\.yaml, entry "icm-frequency", field "${field.replace(/[[\].]/g, '\\$&')}": `));
    });
  }

  it('names an entry without an id by its position', () => {
    const problem = onlyProblem({
      'governance.yaml': topicFile('governance', [validEntry(), validEntry({ id: undefined, question: 'Q2?', phrasings: ['p1', 'p2', 'p3', 'p4', 'p5'] })]),
    });
    expect(problem.entryId).to.equal('#2 (no id)');
    expect(problem.field).to.equal('id');
  });

  it('rejects a related id that no entry has', () => {
    const problem = onlyProblem({ 'governance.yaml': topicFile('governance', [validEntry({ related: ['nowhere'] })]) });
    expect(problem).to.deep.include({ entryId: 'icm-frequency', field: 'related[0]' });
    expect(problem.message).to.match(/"nowhere", which no entry has/);
  });

  it('rejects an id used twice, naming both files', () => {
    const other = validEntry({ question: 'Another?', phrasings: ['q1', 'q2', 'q3', 'q4', 'q5'] });
    const problems = problemsOf({
      'governance.yaml': topicFile('governance', [validEntry()]),
      'offices.yaml': topicFile('offices', [other]),
    });
    expect(problems.map(formatProblem)).to.deep.equal([
      `${problems[0]!.file}, entry "icm-frequency", field "id": is already used in ${problems[0]!.file.replace('offices', 'governance')}`,
    ]);
  });

  it('rejects the same phrasing in two entries, since it could only ever find one', () => {
    const other = validEntry({ id: 'icm-role', question: 'What is the ICM?', phrasings: ['ICM frequency!', 'q2', 'q3', 'q4', 'q5'] });
    const problem = onlyProblem({ 'governance.yaml': topicFile('governance', [validEntry(), other]) });
    expect(problem).to.deep.include({ entryId: 'icm-role', field: 'phrasings[0]' });
    expect(problem.message).to.match(/also a phrasing of "icm-frequency"/);
  });

  it('rejects a file whose topic does not match its name', () => {
    const problem = onlyProblem({ 'offices.yaml': topicFile('governance', [validEntry()]) });
    expect(problem).to.deep.include({ field: 'topic' });
    expect(problem.message).to.match(/must be named governance\.yaml/);
  });

  it('rejects an unknown topic', () => {
    const problem = onlyProblem({ 'weather.yaml': topicFile('weather', [validEntry()]) });
    expect(problem.field).to.equal('topic');
    expect(problem.entryId).to.equal(undefined);
  });

  it('reports YAML syntax errors with the file name and line', () => {
    const problems = problemsOf({ 'governance.yaml': 'topic: governance\nentries: [\n  - id: broken' });
    expect(problems).to.not.be.empty;
    for (const problem of problems) {
      expect(problem.file).to.match(/governance\.yaml$/);
      expect(problem.message).to.match(/not valid YAML: .* at line \d+, column \d+/);
    }
  });

  it('rejects duplicate keys instead of silently keeping the last', () => {
    const problem = onlyProblem({ 'governance.yaml': 'topic: governance\ntopic: offices\n' });
    expect(problem.message).to.match(/not valid YAML/);
  });

  it('reports every problem in one pass, across files', () => {
    const problems = problemsOf({
      'governance.yaml': topicFile('governance', [validEntry({ answer: '' })]),
      'membership.yaml': topicFile('membership', [validEntry({ id: 'uk-members', quotes: [], question: 'Q?', phrasings: ['a1', 'a2', 'a3', 'a4', 'a5'] })]),
      'synonyms.yaml': { synonyms: [{ phrase: 'ICM' }] },
    });
    expect(problems.map((p) => `${p.entryId ?? '-'}:${p.field}`).sort()).to.deep.equal(['-:synonyms[0].means', 'icm-frequency:answer', 'uk-members:quotes']);
  });

  it('checks quotes against the text of the source each entry cites, and lets line breaks differ', () => {
    const own = { ...SOURCE, title: 'Our FAQ', text: 'sources/our-faq.txt' };
    const kb = loadKnowledge(
      writeKnowledgeDir({
        'governance.yaml': topicFile('governance', [validEntry({ quotes: ['Meetings are held\nevery two years.'], answer: 'Every two years.', source: own })]),
        'sources/our-faq.txt': 'Our FAQ. Meetings are held every\n  two years. Nothing else.',
      }),
    );
    expect(kb.entries[0]!.source.text).to.equal('sources/our-faq.txt');
  });

  it("warns, and still loads, when a source is past its review date: the file's, and an entry's own", () => {
    const own = { ...SOURCE, title: 'Another page', reviewBy: '2030-06-30' };
    const dir = writeKnowledgeDir({
      'governance.yaml': topicFile('governance', [validEntry({ source: own })], { source: { ...SOURCE, reviewBy: '2029-01-31' } }),
    });
    expect(loadKnowledge(dir, new Date('2029-01-31T12:00:00Z')).warnings).to.deep.equal([]);
    const warnings = loadKnowledge(dir, new Date('2031-01-01T00:00:00Z')).warnings;
    expect(warnings.map(formatProblem)).to.deep.equal([
      `${warnings[0]!.file}, field "source.reviewBy": was due for review on 2029-01-31: ` +
        'check "The International Movement" (https://www.amnesty.org.uk/international-movement) again, then move the date on',
      `${warnings[0]!.file}, entry "icm-frequency", field "source.reviewBy": was due for review on 2030-06-30: ` +
        'check "Another page" (https://www.amnesty.org.uk/international-movement) again, then move the date on',
    ]);
  });

  it('rejects a directory with no topic files', () => {
    const problem = onlyProblem({ 'README.txt': 'not yaml' });
    expect(problem.message).to.match(/no topic files/);
  });

  it('rejects a directory that does not exist', () => {
    expect(() => loadKnowledge('/nonexistent/knowledge')).to.throw(KnowledgeError, /nonexistent\/knowledge: cannot be read/);
  });
});
