import { expect } from 'chai';
import { DEFAULT_THRESHOLDS, judgeSearch, MAX_MESSAGE_CHARS, NEAREST_FLOOR } from '../src/faq/decide';
import { decider, knowledge } from './helpers/bot';
import { foldText } from '../src/faq/analysis/normalise';

const ANSWER_THRESHOLD = DEFAULT_THRESHOLDS.answer;
const top = (text: string) => decider.index.search(decider.index.analyse(text)).candidates[0];
/** The entry a message is answered with and the part of it read as the question, or what was decided instead. */
const answered = (text: string) => {
  const decision = decider.decide(text);
  return decision.kind === 'answer' ? { entry: decision.entry.id, readAs: decision.search?.readAs } : decision.kind;
};

describe('search ranking', () => {
  it('ranks every curated question and phrasing to its own entry, above the answer threshold', () => {
    const misses: string[] = [];
    for (const e of knowledge.entries) {
      for (const text of [e.question, ...e.phrasings]) {
        const best = top(text);
        if (best?.entry.id !== e.id || best.confidence < ANSWER_THRESHOLD)
          misses.push(`"${text}" → ${best?.entry.id} ${best?.confidence.toFixed(2)} (want ${e.id})`);
      }
    }
    expect(misses).to.deep.equal([]);
  });

  // Phrasings written for this test, not copied from the knowledge base: short, informal and misspelt.
  const unseen: [string, string][] = [
    ['how often does the icm happen', 'icm-frequency'],
    ['international counsil meeting how often', 'icm-frequency'],
    ['who picks the secretary general', 'secretary-general-appointment'],
    ['who appoints the SG?', 'secretary-general-appointment'],
    ['who is the secertary general', 'current-secretary-general'],
    ['how many members does amnesty have worldwide', 'movement-size'],
    ['how many supporters in the uk', 'uk-members'],
    ['where is the secretariat based', 'secretariat-main-office'],
    ['regional hubs?', 'regional-hubs'],
    ['what happened in brazil and india', 'national-offices-brazil-india'],
    ['how many national sections are there', 'national-sections'],
    ['what percentage of staff work in london', 'london-staff-share'],
    ['how is the international board elected', 'board-election'],
    ['does the secretariat make policy', 'secretariat-vs-council'],
    ['who issues urgent actions', 'secretariat-for-aiuk'],
  ];
  for (const [text, id] of unseen) {
    it(`"${text}" → ${id}`, () => {
      const best = top(text);
      expect(best?.entry.id).to.equal(id);
      expect(best!.confidence).to.be.at.least(ANSWER_THRESHOLD);
    });
  }

  it('reports the typos it corrected', () => {
    expect(decider.index.search(decider.index.analyse('secertary generl')).corrections.map((c) => c.typed)).to.deep.equal(['secertary', 'generl']);
  });

  it('reads a misspelt stop word as the stop word it is, not as a word the base has never seen', () => {
    const result = decider.index.search(decider.index.analyse('pleese descibe the international secretariat'));
    expect(result.unknownWords).to.deep.equal([]);
    expect(result.corrections).to.deep.equal([]);
    expect(result.candidates[0]?.entry.id).to.equal('secretariat-role');
    expect(result.candidates[0]?.confidence).to.be.at.least(ANSWER_THRESHOLD);
  });

  it('reads a "%" on its own as the word "percent", which the base knows, and a "%" after a number as part of it', () => {
    const result = decider.index.search(decider.index.analyse('what % of IS staff r in london'));
    expect(result.unknownWords).to.not.include('%');
    expect(result.candidates[0]?.entry.id).to.equal('london-staff-share');
    expect(foldText('what % of staff, 85% of them')).to.equal('what percent of staff 85% of them');
  });

  const outOfScope = [
    "what's the weather in London?",
    'weather in london',
    'how do I donate?',
    'can I set up a direct debit',
    'tell me a joke',
    'asdfgh qwerty',
    '¿dónde está la oficina?',
    'what is the capital of France',
    'the population of Kenya',
    'how many homeless people are there',
  ];
  for (const text of outOfScope) {
    it(`"${text}" stays below the threshold`, () => {
      const best = top(text);
      expect(best?.confidence ?? 0).to.be.below(ANSWER_THRESHOLD);
    });
  }

  it('prefers the conversation topic on a near-tie', () => {
    const text = 'london';
    const offices = decider.index.search(decider.index.analyse(text), { preferTopic: 'offices' }).candidates[0];
    expect(offices?.entry.topic).to.equal('offices');
  });

  it('returns no candidates for a message of only stop words', () => {
    expect(decider.index.search(decider.index.analyse('what is it?')).candidates.filter((c) => c.confidence >= ANSWER_THRESHOLD)).to.deep.equal([]);
  });

  it(`reads only the first ${MAX_MESSAGE_CHARS} characters of a message`, () => {
    const question = 'How often is the International Council Meeting held?';
    expect(decider.decide(`${question} ${'x'.repeat(MAX_MESSAGE_CHARS)}`).kind).to.equal('answer');
    const decision = decider.decide(`${'x '.repeat(MAX_MESSAGE_CHARS / 2)}${question}`);
    expect(decision.kind).to.equal('unknown');
  });

  it('reads the sentences that ask as the question, and says so, while a named place anywhere still counts', () => {
    expect(answered("I'm a new volunteer. Who actually turns up to the International Council Meeting?")).to.deep.equal({
      entry: 'icm-representatives',
      readAs: { text: 'Who actually turns up to the International Council Meeting?', reading: 'asking part' },
    });
    // Read whole, the preamble's "volunteer" asked for a detail the entry lacks.
    const whole = decider.decide("I'm a new volunteer and wonder who actually turns up to the International Council Meeting");
    expect(whole.kind).to.not.equal('answer');
    // A place named in a remark is still a place the answer must name.
    expect(decider.decide('I live in France. Does Amnesty have national offices in my country?').kind).to.not.equal('answer');
  });

  it('takes the reading without what the writer says of themselves only where it answers with the entry the whole came nearest to', () => {
    // Read whole, this was a "did you mean" of the same entry.
    const son = decider.decide('My son asked me who appoints the Secretary General');
    expect(son.kind === 'answer' && son.entry.id).to.equal('secretary-general-appointment');
    // The subject is in the part that would be cut: the whole question's nearest entry is kept.
    const sections = decider.decide("i've heard amnesty uk is a national section — how many others are there?");
    expect(sections.kind === 'answer' && sections.entry.id).to.equal('national-sections');
  });

  it('answers a choice by the side the entry the whole came nearest to has, and never by a side it does not have', () => {
    expect(answered('Is the International Board elected at the ICM or picked by staff?')).to.deep.equal({
      entry: 'board-election',
      readAs: { text: 'Is the International Board elected at the ICM ', reading: 'one option' },
    });
    // "Does the board meet monthly" alone gets the board's card, but the board's entry never says "monthly".
    expect(decider.decide('Does the board meet monthly or weekly?').kind).to.not.equal('answer');
  });

  it('does not need of an entry a detail asked on one side of an "or" when it says a word only the other side has', () => {
    const detailMissing = (text: string) =>
      decider.index.search(decider.index.analyse(text)).candidates.find((c) => c.entry.id === 'international-board')?.evidence.detailMissing;
    expect(detailMissing('Are the people on the International Board paid staff?')).to.equal(1);
    expect(detailMissing('Are the people on the International Board paid staff or volunteers?')).to.equal(0);
    // Asked on both sides, or with nothing of the other side in the entry, the detail is still needed.
    expect(detailMissing('Are the people on the International Board paid staff or paid volunteers?')).to.equal(1);
    expect(detailMissing('Are the people on the International Board paid staff or interns?')).to.equal(1);
  });

  it(`gives a "don't know" the questions it can answer from ${NEAREST_FLOOR} as nearest, at most three, and none below that`, () => {
    const search = decider.index.search(decider.index.analyse('who elects the international board'), { minMatch: 0, limit: 12 });
    expect(search.candidates.length).to.be.at.least(5);
    // No candidate lacks a detail asked for, so none is a partial reply at any confidence.
    expect(search.candidates.filter((c) => c.ifNamed !== undefined)).to.deep.equal([]);
    const at = (...confidences: number[]) => ({ ...search, candidates: search.candidates.map((c, i) => ({ ...c, confidence: confidences[i] ?? 0 })) });
    const ids = (n: number) => search.candidates.slice(0, n).map((c) => c.entry.id);
    const near = judgeSearch(at(0.4, 0.35, 0.31, 0.3, 0.29), undefined, 'words', DEFAULT_THRESHOLDS);
    expect(near.kind).to.equal('unknown');
    expect(near.kind === 'unknown' && near.nearest?.map((e) => e.id)).to.deep.equal(ids(3));
    const far = judgeSearch(at(0.29, 0.1), undefined, 'words', DEFAULT_THRESHOLDS);
    expect(far.kind === 'unknown' && far.nearest).to.equal(undefined);
    // From the "did you mean" floor up it is an offer, not a "don't know".
    expect(judgeSearch(at(DEFAULT_THRESHOLDS.clarifyFloor, 0.3), undefined, 'words', DEFAULT_THRESHOLDS).kind).to.equal('clarify');
  });
});
