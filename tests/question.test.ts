import { expect } from 'chai';
import { Analyser } from '../src/faq/analysis/question';
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
    const knowing = new Analyser(new SynonymRewriter([]), new NameFinder([{ spellings: ['Thailand', 'Thai'], matchCase: [] }]), new Set([stem('open')]));
    const hub = knowing.analyse('When will the Thai hub open, after 2013?');
    expect(hub.namesAndNumbers).to.deep.equal(['name:Thailand', 'number:2013']);
    expect(hub.details).to.deep.equal([stem('open')]);
    expect(knowing.analyse('how many homeless people are there?').peopleQualifiers).to.deep.equal(['homeless']);
    expect(knowing.analyse('how many staff are there?').counted).to.deep.equal(['staff']);
    expect(knowing.analyse('who counts the staff?').counted).to.deep.equal([]);
  });

  it('reads details only from the sentences that ask, unless one of those points back at the others', () => {
    const knowing = new Analyser(new SynonymRewriter([]), new NameFinder([]), new Set([stem('volunteer'), stem('pay')]));
    // Who is asking is not what is asked.
    expect(knowing.analyse("I'm a new volunteer. Who turns up to the Council Meeting?").details).to.deep.equal([]);
    expect(knowing.analyse('How do I volunteer?').details).to.deep.equal([stem('volunteer')]);
    expect(knowing.analyse("I'm a new volunteer and I'd like to know who turns up").details).to.deep.equal([stem('volunteer')]);
    // "it" is the pay; and a message whose every sentence asks is read whole.
    expect(knowing.analyse("I read about the Secretary General's pay. Is it public?").details).to.deep.equal([stem('pay')]);
    expect(knowing.analyse('What is their pay? Who decides?').details).to.deep.equal([stem('pay')]);
    // Sentences with no question at all are read whole.
    expect(knowing.analyse('Tell me about volunteering. Thanks.').details).to.deep.equal([stem('volunteer')]);
  });
});
