import { resolve } from 'node:path';
import { expect } from 'chai';
import { PROJECT_ROOT } from '../src/shared/projectRoot';
import { loadOutOfScopeQuestions, markedReport, OUT_OF_SCOPE_FILE, scoreOutOfScope } from './eval/outOfScopeCorpus';
import { decideCase, judge, loadCases, SPLITS } from './eval/runEval';
import { sentencesOf } from '../src/faq/analysis/sentences';
import { decider, entry, knowledge } from './helpers/bot';

describe('evaluation runner', () => {
  it('loads the development split: the retired held-out cases included, every category, each naming a real entry', () => {
    const cases = loadCases(resolve(PROJECT_ROOT, SPLITS.dev.file), knowledge);
    expect(cases.length).to.be.at.least(850);
    const categories = new Set(cases.map((c) => c.category));
    expect([...categories].sort()).to.deep.equal(['follow-up', 'informal', 'near-miss', 'out-of-scope', 'paraphrase', 'small-talk', 'topic', 'typo']);
  });

  it('loads the everyday development cases: at least 170 in-scope questions, each naming a real entry, none a curated phrasing', () => {
    const cases = loadCases(resolve(PROJECT_ROOT, SPLITS['dev-everyday'].file), knowledge);
    expect(cases.length).to.be.at.least(170);
    expect(cases.every((c) => 'answer' in c.expect)).to.equal(true);
    const curated = new Set(knowledge.entries.flatMap((e) => [e.question, ...e.phrasings]));
    expect(cases.filter((c) => curated.has(c.say)).map((c) => c.say)).to.deep.equal([]);
  });

  it('loads the everyday-words split: at least 450 in-scope questions, each naming a real entry', () => {
    const cases = loadCases(resolve(PROJECT_ROOT, SPLITS.everyday.file), knowledge);
    expect(cases.length).to.be.at.least(450);
    expect(cases.every((c) => 'answer' in c.expect)).to.equal(true);
  });

  it('loads the questions-in-context split: at least 280 in-scope messages, each naming a real entry, most longer than any curated phrasing', () => {
    const cases = loadCases(resolve(PROJECT_ROOT, SPLITS.context.file), knowledge);
    expect(cases.length).to.be.at.least(280);
    expect(cases.every((c) => 'answer' in c.expect)).to.equal(true);
    const longestPhrasing = Math.max(...knowledge.entries.flatMap((e) => e.phrasings.map((p) => p.split(/\s+/).length)));
    const longer = cases.filter((c) => c.say.split(/\s+/).length > longestPhrasing).length;
    expect(longer).to.be.above(cases.length / 2);
  });

  it('loads the several-sentences split: at least 240 messages of two or more sentences, most answerable, some to decline', () => {
    const cases = loadCases(resolve(PROJECT_ROOT, SPLITS.multi.file), knowledge);
    expect(cases.length).to.be.at.least(240);
    expect(cases.filter((c) => 'answer' in c.expect).length).to.be.at.least(180);
    expect(cases.filter((c) => 'abstain' in c.expect).length).to.be.at.least(60);
    expect(cases.filter((c) => sentencesOf(c.say).length < 2).map((c) => c.say)).to.deep.equal([]);
  });

  it('loads the near-miss split: at least 140 questions to decline, each a single message', () => {
    const cases = loadCases(resolve(PROJECT_ROOT, SPLITS['near-misses'].file), knowledge);
    expect(cases.length).to.be.at.least(140);
    expect(cases.every((c) => 'abstain' in c.expect && c.turns.length === 0)).to.equal(true);
  });

  it('counts the wrong fact, and a fact where none was wanted, as wrong; anything else short of the goal as abstained', () => {
    const answer = decider.decide('How often is the International Council Meeting held?');
    const unknown = decider.decide("what's the weather in London?");
    expect(judge({ answer: 'icm-frequency' }, answer)).to.equal('correct');
    expect(judge({ answer: 'icm-role' }, answer)).to.equal('wrong');
    expect(judge({ answer: 'icm-role' }, unknown)).to.equal('abstained');
    expect(judge({ abstain: true }, unknown)).to.equal('correct');
    expect(judge({ abstain: true }, answer)).to.equal('wrong');
    expect(judge({ topic: 'offices' }, decider.decide('offices'))).to.equal('correct');
    expect(judge({ smallTalk: 'thanks' }, decider.decide('hello'))).to.equal('abstained');
  });

  it("scores the curators' out-of-scope list (knowledge/out-of-scope.yaml) as the eval prints it: a listed question the bot answers is named", async () => {
    const marked = { ...knowledge, outOfScope: ['who elects the international board', 'can amnesty help me get a visa'] };
    const scored = await scoreOutOfScope(marked, marked.outOfScope);
    expect(scored.answered).to.deep.equal([{ question: 'who elects the international board', entryId: 'board-election' }]);
    expect(markedReport(scored)).to.include('2 questions, 1 given a fact (gate 0)').and.include('who elects the international board → answer board-election');
  });

  it('runs a case through the real bot, earlier turns included', async () => {
    const decision = await decideCase(knowledge, {
      category: 'follow-up',
      turns: ['governance', 'what is the icm?'],
      say: 'how often does it meet',
      expect: { answer: 'icm-frequency' },
    });
    expect(decision?.kind).to.equal('answer');
    expect(decision?.kind === 'answer' && decision.entry).to.equal(entry('icm-frequency'));
    expect(decision?.kind === 'answer' && decision.topic).to.equal('governance');
  });

  it('loads the sealed everyday questions without showing them: at least 150, from other domains and about the bot', () => {
    const cases = loadCases(resolve(PROJECT_ROOT, 'tests/eval/sealed-everyday.yaml'), knowledge);
    expect(cases.length).to.be.at.least(150);
    expect(new Set(cases.map((c) => c.category))).to.deep.equal(new Set(['out-of-scope', 'small-talk']));
    expect(cases.every((c) => 'abstain' in c.expect)).to.equal(true);
  });

  it('loads the sealed split without showing it: at least 550 cases in every category, each naming a real entry', () => {
    const cases = loadCases(resolve(PROJECT_ROOT, 'tests/eval/sealed.yaml'), knowledge);
    expect(cases.length).to.be.at.least(550);
    expect(new Set(cases.map((c) => c.category)).size).to.equal(8);
  });

  it('loads the out-of-scope corpus: at least 1,000 distinct questions', () => {
    const questions = loadOutOfScopeQuestions(resolve(PROJECT_ROOT, OUT_OF_SCOPE_FILE));
    expect(questions.length).to.be.at.least(1000);
    expect(new Set(questions.map((q) => q.toLowerCase())).size).to.equal(questions.length);
  });

  it('counts an out-of-scope question answered with an entry as a fact, and an offer as a detour', async () => {
    const figures = await scoreOutOfScope(knowledge, ['who is the secretary general?', "what's the weather in London?"]);
    expect(figures).to.deep.include({ questions: 2, facts: 1, offers: 0, partials: 0 });
    expect(figures.answered).to.deep.equal([{ question: 'who is the secretary general?', entryId: 'current-secretary-general' }]);
  });
});
