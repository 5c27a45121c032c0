import { expect } from 'chai';
import { formatProblem, KnowledgeError, loadKnowledge, type KnowledgeProblem } from '../src/faq/knowledge/loadKnowledge';
import { topicFile, validEntry, writeKnowledgeDir } from './helpers/tempKnowledge';

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
    expect(kb.entries[0]!.source).to.deep.equal({
      title: 'The International Movement',
      url: 'https://www.amnesty.org.uk/international-movement',
      asOf: '2013',
    });
    expect(kb.topics.map((t) => t.topic)).to.deep.equal(['governance']);
  });

  it('lets an entry override the source of its file', () => {
    const own = { title: 'Another page', url: 'https://www.amnesty.org/en/about-us/', asOf: '2024-05' };
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
    ['a source url that is not https', { source: { title: 'x', url: 'http://example.org', asOf: '2013' } }, 'source.url', /https URL/],
    ['an as-of date that is not a date', { source: { title: 'x', url: 'https://example.org', asOf: 'around 2013' } }, 'source.asOf', /YYYY/],
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

  it('rejects a directory with no topic files', () => {
    const problem = onlyProblem({ 'README.txt': 'not yaml' });
    expect(problem.message).to.match(/no topic files/);
  });

  it('rejects a directory that does not exist', () => {
    expect(() => loadKnowledge('/nonexistent/knowledge')).to.throw(KnowledgeError, /nonexistent\/knowledge: cannot be read/);
  });
});
