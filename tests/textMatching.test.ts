import { expect } from 'chai';
import { countedByQuestion, qualifiersOfPeople } from '../src/faq/analysis/counting';
import { editDistance } from '../src/faq/analysis/editDistance';
import { foldText, stem, SynonymRewriter, tokenize } from '../src/faq/analysis/normalise';
import { questionType } from '../src/faq/analysis/questionType';

describe('text normalisation', () => {
  it('folds case, accents, curly apostrophes, possessives and punctuation', () => {
    expect(foldText('What’s the Secretariat’s MAIN office? Café!')).to.equal('what the secretariat main office cafe');
    expect(foldText('85% of staff')).to.equal('85% of staff');
  });

  it("reads a question word typed without the apostrophe of its 's as the question word", () => {
    expect(foldText('whos the SG, wheres the office')).to.equal('who the sg where the office');
    expect(foldText('he shows how')).to.equal('he shows how');
  });

  it('reads American spellings as the British ones the knowledge base uses', () => {
    expect(foldText('a membership organization')).to.equal('a membership organisation');
  });

  it('stems the inflections supporters use onto one form', () => {
    expect(['appoints', 'appointed', 'appointing', 'appoint'].map(stem)).to.deep.equal(['appoint', 'appoint', 'appoint', 'appoint']);
    expect(stem('countries')).to.equal(stem('country'));
    expect(stem('offices')).to.equal(stem('office'));
    expect(stem('annually')).to.equal(stem('annual'));
    expect(stem('2010')).to.equal('2010');
  });

  it('reads small numbers in figures as the page writes them in words', () => {
    expect(['7', '2', '20'].map(stem)).to.deep.equal(['seven', 'two', 'twenty'].map(stem));
    expect(['50', '85%'].map(stem)).to.deep.equal(['50', '85%']);
  });

  it("keeps a word too long to be English whole: the stemmer's work grows with the square of its length", () => {
    const long = 'abilities'.repeat(500);
    expect(stem(long)).to.equal(long);
    expect(stem('abilities')).to.equal('abil');
  });

  it('drops stop words and courtesies but keeps question words and content', () => {
    const words = tokenize('Hi! Could you please tell me who appoints the Secretary General?', new SynonymRewriter([])).map((t) => t.word);
    expect(words).to.deep.equal(['who', 'appoints', 'secretary', 'general']);
  });

  it('drops every pronoun, so "him" is never a word an answer must explain', () => {
    const words = tokenize('Who chose him, and did she pick it herself or theirs or yours?', new SynonymRewriter([])).map((t) => t.word);
    expect(words).to.deep.equal(['who', 'chose', 'pick']);
  });

  it('rewrites acronyms, honouring case where the acronym is also a word', () => {
    const rewriter = new SynonymRewriter([
      { phrase: 'ICM', means: 'International Council Meeting', matchCase: false },
      { phrase: 'IS', means: 'International Secretariat', matchCase: true },
    ]);
    expect(foldText(rewriter.rewrite('when is the icm?'))).to.equal('when is the international council meeting');
    expect(foldText(rewriter.rewrite('who runs the IS?'))).to.equal('who runs the international secretariat');
    expect(foldText(rewriter.rewrite('ICMs and prisms'))).to.equal('icms and prisms');
  });
});

describe('edit distance', () => {
  it('counts a swapped pair of letters as one typo', () => {
    expect(editDistance('secertary', 'secretary', 2)).to.equal(1);
    expect(editDistance('goverance', 'governance', 2)).to.equal(1);
    expect(editDistance('kitten', 'sitting', 5)).to.equal(3);
  });

  it('stops counting past the limit', () => {
    expect(editDistance('weather', 'secretariat', 2)).to.equal(3);
    expect(editDistance('abc', 'abc', 0)).to.equal(0);
  });
});

describe('question types', () => {
  const cases: [string, string | undefined][] = [
    ['who appoints the SG?', 'person'],
    ['when was the SG appointed?', 'time'],
    ['how long has Salil Shetty been Secretary General?', 'time'],
    ['how long does he get to stay in the job?', 'duration'],
    ['how long is it between council meetings?', 'duration'],
    ['how many members are there?', 'quantity'],
    ['where is the main office?', 'place'],
    ['why are staff moving?', 'reason'],
    // The question is the cue that comes first; a question word with no kind of its own ("what", "which", a
    // bare "how") leaves it untyped, whatever question words follow in a later clause.
    ["ICM, what's that when it's at home?", undefined],
    ['When the Council is not sitting, which body governs?', undefined],
    ['which body governs when the council is not sitting?', undefined],
    ['what happens when the ICM meets?', undefined],
    ['who decides how many members a section has?', 'person'],
    ['what year did he start?', 'time'],
    ['since when has he been in post?', 'time'],
    // A noun that asks for a count types the question wherever it stands.
    ['what % of staff are in London?', 'quantity'],
    ['what is the number of sections?', 'quantity'],
  ];
  for (const [text, type] of cases) {
    it(`"${text}" asks ${type ?? 'no particular type'}`, () => expect(questionType(text)).to.equal(type));
  }
});

describe('what a count counts', () => {
  it('reads the thing counted after "how many", and nothing in particular for people in general', () => {
    expect(countedByQuestion('how many staff are there')).to.deep.equal(['staff']);
    expect(countedByQuestion('how many urgent actions are there')).to.deep.equal(['urgent', 'actions']);
    expect(countedByQuestion('how many people are in amnesty')).to.deep.equal([]);
  });

  it('reads what qualifies the people counted, which no count of members answers when the base never speaks of it', () => {
    expect(qualifiersOfPeople('how many homeless people are there')).to.deep.equal(['homeless']);
    expect(qualifiersOfPeople('how many people are in amnesty')).to.deep.equal([]);
    expect(qualifiersOfPeople('how many staff work there')).to.deep.equal([]);
  });
});
