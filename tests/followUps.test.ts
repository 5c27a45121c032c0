import type { Activity } from 'botbuilder';
import { expect } from 'chai';
import { foldMessage } from '../src/faq/analysis/normalise';
import { Decider, MAX_MESSAGE_CHARS, type Decision } from '../src/faq/decide';
import { followUpCue } from '../src/faq/analysis/followUp';
import { createTestBot, decider, entry, knowledge, testPseudonymise } from './helpers/bot';

const knowledgeEntryByQuestion = (question: string) => knowledge.entries.find((e) => e.question === question)!;

/** TestAdapter's conversation, under the keyed hash the bot stores it by. */
const CONVERSATION_KEY = `conversations/${testPseudonymise('test\nConvo1')}/`;
const answered = (d: Decision) => (d.kind === 'answer' ? `${d.entry.id} via ${d.via}` : d.kind);
/** The entry answered, or offered first in a "did you mean": where the model is less sure, the reading still shows. */
const readAs = (d: Decision) => (d.kind === 'answer' ? d.entry.id : d.kind === 'clarify' ? d.options[0]!.id : d.kind);

describe('partial replies', () => {
  it('gives the entry on the subject as a partial reply when only a detail it lacks stands between it and an answer', () => {
    const decision = decider.decide("How much does Amnesty's Secretary General earn?");
    expect(decision.kind).to.equal('partial');
    expect(decision.kind === 'partial' && decision.entry.id).to.equal('secretary-general-role');
    expect(decision.kind === 'partial' && decision.reason).to.match(/would score 0\.\d\d if it said what is asked \(detail:/);
  });

  it('gives what the page says of the hubs when asked when one opens, which it does not say', () => {
    const decision = decider.decide('When will the Thailand hub open?');
    expect(decision.kind === 'partial' ? `partial ${decision.entry.id}` : decision.kind).to.equal('partial regional-hubs');
    // What the page does not say: the detail word as typed, and the kind of answer.
    expect(decision.kind === 'partial' && decision.unsaid).to.deep.equal({ words: ['open'], type: 'time' });
    const old = decider.decide('How old is the Secretary General?');
    expect(old.kind === 'partial' && old.unsaid).to.deep.equal({ words: ['old'] });
  });

  it('never gives a partial reply when the message names a place or organisation the entry lacks, or answers outright', () => {
    expect(decider.decide('How many people live in Greenland?').kind).to.equal('unknown');
    expect(decider.decide('How often is the International Council Meeting held?').kind).to.equal('answer');
  });
});

describe('decisions made before', () => {
  it('gives the same decision again for the same message in the same context', () => {
    const first = decider.decide('How often is the International Council Meeting held?', { topic: 'governance' });
    expect(decider.decide('How often is the International Council Meeting held?', { topic: 'governance' })).to.equal(first);
  });

  it('decides a message afresh in another context, whichever came first', () => {
    const fresh = new Decider(knowledge);
    const after = fresh.decide('who appoints them?', { lastEntry: entry('current-secretary-general') });
    const alone = fresh.decide('who appoints them?');
    expect([answered(after), alone.kind]).to.deep.equal(['secretary-general-appointment via follow-up', 'clarify']);
    expect(answered(fresh.decide('who appoints them?', { lastEntry: entry('current-secretary-general') }))).to.equal(answered(after));
    expect(fresh.decide('2', { offered: [entry('icm-role'), entry('icm-frequency')] })).to.not.equal(fresh.decide('2'));
  });

  it('shares a decision between messages that differ only beyond the part the bot reads', () => {
    const question = `what is the international board? ${'a'.repeat(MAX_MESSAGE_CHARS)}`;
    expect(decider.decide(`${question}b`)).to.equal(decider.decide(`${question}c`));
  });

  it('keeps a bounded number: after thousands of other messages, the first is decided again', () => {
    const fresh = new Decider(knowledge);
    const first = fresh.decide('who is the secretary general?');
    for (let i = 0; i < 2500; i++) fresh.decide(`question number ${i}`);
    const again = fresh.decide('who is the secretary general?');
    expect(again).to.not.equal(first);
    expect(answered(again)).to.equal(answered(first));
  });
});

describe('follow-up questions', () => {
  const cases: [string, string, string][] = [
    ['icm-role', 'how often is it held?', 'icm-frequency via follow-up'],
    ['international-board', 'who picks them?', 'board-election via follow-up'],
    ['movement-size', 'and in the UK?', 'uk-members via follow-up'],
    ['uk-members', 'and worldwide?', 'movement-size via follow-up'],
    ['current-secretary-general', 'who appoints them?', 'secretary-general-appointment via follow-up'],
  ];
  for (const [last, text, want] of cases) {
    it(`after ${last}, "${text}" → ${want}`, () => {
      expect(answered(decider.decide(text, { lastEntry: entry(last) }))).to.equal(want);
    });
  }

  // A pronoun and a verb, with nothing said before for the pronoun to mean: never an answer.
  for (const text of ['who appoints them?', 'how often do they meet?', 'who picks them?']) {
    it(`"${text}" with no earlier answer is offered, not answered`, () => {
      const decision = decider.decide(text);
      expect(decision.kind).to.be.oneOf(['clarify', 'unknown']);
    });
  }
  // A message that names what its pronoun means stands alone.
  for (const [text, want] of [['the international council meeting, how often is it held?', 'icm-frequency via words']] as const) {
    it(`"${text}" names what its pronoun means → ${want}`, () => {
      expect(answered(decider.decide(text))).to.equal(want);
    });
  }

  it('does not answer a follow-up about a place the previous answer does not cover', () => {
    expect(decider.decide('and in France?', { lastEntry: entry('uk-members') }).kind).to.equal('unknown');
  });

  it('reads a pronoun only as the previous subject: "how many people are on it?" is not the movement\'s size', () => {
    const decision = decider.decide('how many people are on it?', { lastEntry: entry('international-board') });
    expect(decision.kind === 'answer' && decision.entry.id).to.not.equal('movement-size');
  });

  it('lets a question that stands alone change the subject', () => {
    const decision = decider.decide('where is the secretariat based?', { lastEntry: entry('icm-role') });
    expect(answered(decision)).to.equal('secretariat-main-office via words');
  });

  it('does not lend the subject to a message about something else', () => {
    expect(decider.decide("what's the weather like?", { lastEntry: entry('icm-role') }).kind).to.equal('unknown');
  });

  it('tells pronouns from ellipsis, "is there" from "there", and "that" before a noun from "that"', () => {
    expect(followUpCue(foldMessage('how often is it held?'))?.kind).to.equal('pronoun');
    expect(followUpCue(foldMessage('and in the UK?'))?.kind).to.equal('ellipsis');
    expect(followUpCue(foldMessage('is there an office in Kenya?'))).to.equal(undefined);
    expect(followUpCue(foldMessage('how many staff work there?'))?.kind).to.equal('pronoun');
    expect(followUpCue(foldMessage('how often does that council meet?'))).to.equal(undefined);
    expect(followUpCue(foldMessage('what does that mean?'))?.kind).to.equal('pronoun');
    expect(followUpCue(foldMessage('and the council meeting, who goes to that?'))).to.deep.equal({
      kind: 'pronoun',
      beforePronoun: 'and the council meeting who goes to ',
    });
  });

  it('reads a pronoun as what the message named before it, if it named a subject', () => {
    const named = decider.decide('and the council meeting, who goes to that?', { lastEntry: entry('aiuk-accountability') });
    expect(answered(named)).to.equal('icm-representatives via words');
    // Named after the pronoun, AIUK is what "it" does something for; "it" is still the Secretariat.
    const after = decider.decide('what does it do for aiuk specifically?', { lastEntry: entry('secretariat-role') });
    expect(answered(after)).to.equal('secretariat-for-aiuk via follow-up');
  });

  it("keeps to entries about the previous subject: the board's size is not the Council Meeting's", () => {
    // The page does not say how many sit on the board: the bot says it does not know, or says so with what
    // it says about the board; never the Council Meeting's 500 representatives or the movement's size.
    const decision = decider.decide('how many people are on it?', { lastEntry: entry('international-board') });
    expect(decision.kind === 'partial' ? `partial ${decision.entry.id}` : decision.kind).to.be.oneOf(['partial international-board', 'unknown']);
  });

  it('reads a pronoun as something the previous answer names, too: the staff the Secretariat is moving', () => {
    // The answer on where the Secretariat is based says its staff are being moved to the Global South.
    const decision = decider.decide('why are they relocating staff from there?', { lastEntry: entry('secretariat-main-office') });
    expect(answered(decision)).to.equal('global-south-staff via follow-up');
    // The answer on the Council Meeting names no staff, so the entries on them stay out of its follow-ups.
    const unrelated = decider.decide('why are they relocating staff from there?', { lastEntry: entry('icm-frequency') });
    expect(unrelated.kind === 'answer' && unrelated.entry.id).to.not.equal('global-south-staff');
  });

  it('reads "and how many members?" as the previous question counting members: its frame, with a new subject', () => {
    // "how many national sections does amnesty have?" was asked: members replace the sections it counted.
    const decision = decider.decide('and how many members?', { lastEntry: entry('national-sections') });
    expect(answered(decision)).to.equal('movement-size via follow-up');
  });

  it('answers "how many?", "since when?" and "why?" from the previous answer or another about its subject, or not at all', () => {
    expect(answered(decider.decide('how many?', { lastEntry: entry('national-sections') }))).to.equal('national-sections via follow-up');
    expect(answered(decider.decide('since when?', { lastEntry: entry('current-secretary-general') }))).to.equal('current-secretary-general via follow-up');
    expect(readAs(decider.decide('why?', { lastEntry: entry('london-staff-share') }))).to.equal('global-south-staff');
    expect(decider.decide('why?', { lastEntry: entry('icm-frequency') }).kind).to.equal('unknown');
    expect(decider.decide('how many?').kind).to.equal('unknown');
  });

  it('reads "who is he?" as who the subject is: an answer saying who appoints him is not repeated', () => {
    expect(answered(decider.decide('who is it now?', { lastEntry: entry('secretary-general-appointment') }))).to.equal(
      'current-secretary-general via follow-up',
    );
    expect(answered(decider.decide('who is he?', { lastEntry: entry('current-secretary-general') }))).to.equal('current-secretary-general via follow-up');
    // Without a pronoun, "who?" still asks the previous answer's question again.
    expect(answered(decider.decide('who?', { lastEntry: entry('secretary-general-appointment') }))).to.equal('secretary-general-appointment via follow-up');
  });

  it('remembers the last answer across turns of the real bot, by id only, and forgets it for the questions of a topic menu', async () => {
    const { adapter, storage } = createTestBot();
    const text = (a: Partial<Activity>) => a.text ?? '';
    const memory = async () => ((await storage.read([CONVERSATION_KEY]))[CONVERSATION_KEY] as { followUp?: unknown }).followUp;
    await adapter
      .send('what is the international council meeting?')
      .assertReply((a) => expect(text(a)).to.include('overall decision-making body'))
      .send('how often is it held?')
      .assertReply((a) => expect(text(a)).to.include('every two years'))
      .startTest();
    expect(await memory()).to.deep.equal({ lastEntryId: 'icm-frequency' });
    await adapter.send('offices').startTest();
    expect(await memory()).to.deep.equal({ offeredIds: decider.entriesOf('offices').map((e) => e.id) });
  });
});

describe('"did you mean"', () => {
  // Thresholds no answer can reach, so every match is offered rather than answered.
  const undecided = { thresholds: { answer: 1.01, clarifyFloor: 0, clarifyMargin: 1 } };

  it('offers at most three questions and "None of these", as buttons and a numbered list', async () => {
    const { adapter } = createTestBot({ decider: undecided });
    await adapter
      .send('who appoints the secretary general')
      .assertReply((a) => {
        const card = a.attachments![0]!.content as { text: string; buttons: { title: string; value: string }[] };
        expect(card.text).to.match(/^Did you mean one of these\?/);
        expect(card.text).to.include('1. Who appoints the Secretary General?');
        expect(card.buttons.length).to.be.within(2, 4);
        expect(card.buttons.at(-1)!.title).to.equal('None of these');
        expect(a.suggestedActions).to.equal(undefined);
      })
      .startTest();
  });

  it('answers the option picked by its number', async () => {
    const { adapter } = createTestBot({ decider: undecided });
    await adapter
      .send('who appoints the secretary general')
      .assertReply(() => undefined)
      .send('1')
      .assertReply((a) => expect(a.text).to.include(entry('secretary-general-appointment').answer))
      .startTest();
  });

  it('answers the option picked by its button, which sends the full question', async () => {
    const { adapter } = createTestBot({ decider: undecided });
    let value = '';
    await adapter
      .send('who appoints the secretary general')
      .assertReply((a) => {
        value = (a.attachments![0]!.content as { buttons: { value: string }[] }).buttons[1]!.value;
      })
      .startTest();
    const picked = knowledgeEntryByQuestion(value);
    await adapter
      .send(value)
      .assertReply((a) => expect(a.text).to.include(picked.answer))
      .startTest();
  });

  it('leads "none of these" to the fallback, with the source link', async () => {
    const { adapter } = createTestBot({ decider: undecided });
    await adapter
      .send('who appoints the secretary general')
      .assertReply(() => undefined)
      .send('none of these')
      .assertReply((a) => {
        expect(a.text).to.match(/^Sorry, I don't know/);
        expect(a.text).to.include('https://www.amnesty.org.uk/international-movement');
      })
      .startTest();
  });

  it('makes the options\' common subject what "them" means next: "who appoints them?" after options about the Secretary General', async () => {
    const { adapter } = createTestBot();
    await adapter
      .send("amnesty's secretary general")
      .assertReply((a) => expect((a.attachments![0]!.content as { text: string }).text).to.match(/^Did you mean one of these\?/))
      .send('who appoints them?')
      .assertReply((a) => expect(a.text).to.include(entry('secretary-general-appointment').answer))
      .startTest();
  });

  it('recognises "2", "the first one" and "neither" against the options offered', () => {
    const options = [entry('icm-role'), entry('icm-frequency')];
    const decision = decider.decide('2', { offered: options });
    expect(decision.kind === 'answer' && decision.entry.id).to.equal('icm-frequency');
    expect(decider.decide('the first one', { offered: options }).kind === 'answer').to.equal(true);
    expect(decider.decide('neither', { offered: options }).kind).to.equal('unknown');
  });

  it('reads a place anywhere in a list as long as a topic menu, in digits or words, and nothing past its end', () => {
    const menu = decider.entriesOf('governance');
    expect(menu.length).to.be.at.least(12);
    const picked = (text: string) => {
      const decision = decider.decide(text, { offered: menu });
      return decision.kind === 'answer' && decision.via === 'picked' ? decision.entry.id : decision.kind;
    };
    expect(['7', 'the 7th', 'seven', 'the seventh one', 'number 12', 'twelfth'].map(picked)).to.deep.equal([
      ...Array<string>(4).fill(menu[6]!.id),
      menu[11]!.id,
      menu[11]!.id,
    ]);
    expect(picked(String(menu.length + 1))).to.not.equal('answer');
  });
});
