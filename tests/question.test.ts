import { expect } from 'chai';
import { Analyser } from '../src/faq/analysis/question';
import { DetailWords } from '../src/faq/analysis/detailWords';
import { NameFinder } from '../src/faq/analysis/names';
import { SynonymRewriter, stem } from '../src/faq/analysis/normalise';

describe('analysing a message once (Question)', () => {
  const analyser = new Analyser(new SynonymRewriter([{ phrase: 'ICM', means: 'International Council Meeting', matchCase: false }]));

  it('reads the words, synonyms, type and follow-up cue of a message in one frozen value', () => {
    const question = analyser.analyse('How often is the ICM held?');
    expect(Object.isFrozen(question)).to.equal(true);
    expect(Object.isFrozen(question.tokens)).to.equal(true);
    expect(question.folded).to.equal('how often is the icm held');
    expect(question.clauseWords.join(' ')).to.equal('how often is the international council meeting held');
    expect(question.tokens.map((t) => t.word)).to.deep.equal(['how', 'often', 'international', 'council', 'meeting', 'held']);
    expect(question.type).to.equal('time');
    expect(question.bareType).to.equal(undefined);
    expect(question.cue).to.equal(undefined);
    expect(question.pronounAndVerb).to.equal(false);
  });

  it('marks a bare kind of question, a pronoun and a verb, and ellipsis', () => {
    expect(analyser.analyse('how many?').bareType).to.equal('quantity');
    expect(analyser.analyse('who appoints them?').pronounAndVerb).to.equal(true);
    expect(analyser.analyse('urgent actions, who issues them?').pronounAndVerb).to.equal(false);
    expect(analyser.analyse('and in the UK?').cue).to.deep.equal({ kind: 'ellipsis' });
  });

  it('reads only what boundedMessage leaves of a long message', () => {
    expect(analyser.analyse(`what is the icm ${'x'.repeat(10_000)}`).text.length).to.be.at.most(500);
  });

  it('reads the names, numbers, details and counted things of the knowledge base once, for the search', () => {
    const knowing = new Analyser(new SynonymRewriter([]), new NameFinder([{ spellings: ['Thailand', 'Thai'], matchCase: [] }]), new DetailWords(['open']));
    const hub = knowing.analyse('When will the Thai hub open, after 2013?');
    expect(hub.namesAndNumbers).to.deep.equal(['name:Thailand', 'number:2013']);
    expect(hub.details).to.deep.equal([stem('open')]);
    expect(knowing.analyse('how many homeless people are there?').peopleQualifiers).to.deep.equal(['homeless']);
    expect(knowing.analyse('how many staff are there?').counted).to.deep.equal(['staff']);
    expect(knowing.analyse('who counts the staff?').counted).to.deep.equal([]);
  });

  it("asks for a detail by a listed word, or by a word with a listed word's stem that the base never uses", () => {
    const baseUses = new Set(['national', 'sections']);
    const details = new DetailWords(['nationality', 'salary', 'run'], baseUses);
    const knowing = new Analyser(new SynonymRewriter([]), new NameFinder([]), details);
    expect(knowing.analyse('what are the salaries of the board?').details).to.deep.equal([stem('salary')]);
    expect(knowing.analyse('who is running the secretariat now?').details).to.deep.equal([stem('run')]);
    // "national" stems as "nationality" does, but the base uses it: a question about the national sections asks no one's nationality.
    expect(stem('national')).to.equal(stem('nationality'));
    expect(knowing.analyse('how many national sections are there?').details).to.deep.equal([]);
    expect(knowing.analyse("what is the secretary general's nationality?").details).to.deep.equal([stem('nationality')]);
  });

  it('reads as the question the sentences that ask, unless they lean on the others or say too little alone', () => {
    const knowing = new Analyser(new SynonymRewriter([]), new NameFinder([{ spellings: ['France'], matchCase: [] }]), new DetailWords(['volunteer', 'pay']));
    // Who is asking is not what is asked: neither its words nor its details are read.
    const volunteer = knowing.analyse("I'm a new volunteer. Who turns up to the Council Meeting?");
    expect(volunteer.text).to.equal('Who turns up to the Council Meeting?');
    expect(volunteer.whole).to.equal("I'm a new volunteer. Who turns up to the Council Meeting?");
    expect(volunteer.details).to.deep.equal([]);
    expect(knowing.analyse('Who picks the Secretary General? Just curious.').text).to.equal('Who picks the Secretary General? ');
    // One sentence is read whole, preamble and all.
    expect(knowing.analyse("I'm a new volunteer and I'd like to know who turns up").details).to.deep.equal([stem('volunteer')]);
    // "it" and "that" lean on the sentence before; "Which is right?" says too little alone.
    expect(knowing.analyse("I read about the Secretary General's pay. Is it public?").details).to.deep.equal([stem('pay')]);
    expect(knowing.analyse('The board is elected. Is that right?').text).to.equal('The board is elected. Is that right?');
    expect(knowing.analyse('My friend says the council meets every year. Which is right?').text).to.include('council meets every year');
    // Messages whose sentences all ask, or none, are read whole.
    expect(knowing.analyse('What is their pay? Who decides?').details).to.deep.equal([stem('pay')]);
    expect(knowing.analyse('Tell me about volunteering. Thanks.').details).to.deep.equal([stem('volunteer')]);
    // An indirect question after the writer speaks of themselves is also read without that, as a narrower
    // reading; a relative "who" is not an indirect question, and a cut that points back is not made.
    const readings = (text: string) => knowing.analyse(text).readings.map((r) => [r.reading, r.text]);
    expect(readings("I'm a new member and wonder how often the Council Meeting is held")).to.deep.equal([
      ['without the writer', 'how often the Council Meeting is held'],
    ]);
    expect(readings("We're a new group and wonder how often the Council Meeting is held")).to.deep.equal([
      ['without the writer', 'how often the Council Meeting is held'],
    ]);
    expect(readings('They were new and wonder how often the Council Meeting is held')).to.deep.equal([]);
    expect(readings('The Secretary General, who heads the Secretariat, is paid how much?')).to.deep.equal([]);
    expect(readings("I've heard the UK is a section and wonder how many there are of them")).to.deep.equal([]);
    // Each side of an "or" that names enough alone is a reading too, after the writer is cut away.
    expect(readings('Is Amnesty a charity, a company, or a membership organisation?')).to.deep.equal([
      ['one option', 'Is Amnesty a charity, a company, '],
      ['one option', ' a membership organisation?'],
    ]);
    expect(readings('Is the council yearly or not?')).to.deep.equal([['one option', 'Is the council yearly ']]);
    expect(readings('My son asked how the board is chosen, by members or by staff')).to.deep.equal([
      ['without the writer', 'how the board is chosen, by members or by staff'],
      ['one option', 'how the board is chosen, by members '],
    ]);
    expect(knowing.analyse('Who elects the board?').reading).to.equal('whole');
    expect(knowing.analyse("I'm a new volunteer. Who elects the board?").reading).to.equal('asking part');
    // The last sentence is kept for a request of the bot only when the others ask nothing.
    expect(knowing.analyse("Hi, I'm new here. What can you do?").afterRemarks).to.equal('what can you do');
    expect(knowing.analyse('Who elects the board? What can you do?').afterRemarks).to.equal(undefined);
    expect(knowing.analyse('What can you do?').afterRemarks).to.equal(undefined);
    // A place named in a remark still says where the question is about.
    expect(knowing.analyse('I live in France. Does Amnesty have an office in my country?').namesAndNumbers).to.deep.equal(['name:France']);
  });
});
