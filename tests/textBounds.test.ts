import { expect } from 'chai';
import { MAX_MESSAGE_CHARS, type Decision } from '../src/faq/decide';
import { followUpCue } from '../src/faq/analysis/followUp';
import { recogniseCommand, recogniseOfferPick, recogniseSmallTalk, recogniseTopicRequest, recogniseUnanswerable } from '../src/faq/analysis/intents';
import { boundedMessage, foldMessage, MAX_FOLDED_CHARS } from '../src/faq/analysis/normalise';
import { MAX_CORRECTABLE_LENGTH, TypoIndex } from '../src/faq/analysis/typoIndex';
import { decider, entry, knowledge } from './helpers/bot';
import { HOSTILE_MESSAGES as HOSTILE } from './helpers/hostileMessages';

describe('every stage reads a bounded part of a message', () => {
  for (const [shape, text] of HOSTILE) {
    it(`${shape}: at most ${MAX_MESSAGE_CHARS} characters are read, folding to at most ${MAX_FOLDED_CHARS}`, () => {
      const read = boundedMessage(text);
      expect(text.startsWith(read)).to.equal(true);
      expect(read.length).to.be.at.most(MAX_MESSAGE_CHARS);
      expect(foldMessage(text).length).to.be.at.most(MAX_FOLDED_CHARS);
      expect(boundedMessage(read)).to.equal(read);
    });
  }

  it('cuts a message whose characters decompose into many at a whole character', () => {
    expect(boundedMessage('\uFDFA'.repeat(500))).to.equal('\uFDFA'.repeat(Math.floor(MAX_FOLDED_CHARS / 18)));
  });

  it('leaves a real message as it is', () => {
    for (const text of [
      // English, French with accents, a word starting with the "ﬁ" ligature, and Arabic.
      'How often is the ICM held?',
      'Qui nomme le Secrétaire général ?',
      'ﬁnancial accountability',
      'من يعين الأمين العام؟',
    ]) {
      expect(boundedMessage(text)).to.equal(text);
    }
  });

  const context = { topic: 'governance' as const, lastEntry: entry('international-board'), offered: [entry('icm-role'), entry('icm-frequency')] };
  const kinds: Decision['kind'][] = ['command', 'smallTalk', 'topic', 'answer', 'clarify', 'unknown'];
  for (const [shape, text] of HOSTILE) {
    it(`${shape}: every matcher reads only the bounded part, and decide returns a decision`, () => {
      const read = boundedMessage(text);
      expect(recogniseCommand(foldMessage(text))).to.equal(recogniseCommand(foldMessage(read)));
      expect(recogniseSmallTalk(foldMessage(text))).to.equal(recogniseSmallTalk(foldMessage(read)));
      expect(recogniseTopicRequest(foldMessage(text), knowledge.topics)).to.equal(recogniseTopicRequest(foldMessage(read), knowledge.topics));
      expect(recogniseUnanswerable(foldMessage(text))).to.equal(recogniseUnanswerable(foldMessage(read)));
      expect(recogniseOfferPick(foldMessage(text), context.offered)).to.equal(recogniseOfferPick(foldMessage(read), context.offered));
      expect(followUpCue(foldMessage(text))).to.deep.equal(followUpCue(foldMessage(read)));
      expect(decider.index.search(decider.index.analyse(text))).to.deep.equal(decider.index.search(decider.index.analyse(read)));
      // At most the reading without the writer and the two sides of one "or": each costs a search.
      expect(decider.index.analyse(text).readings.length).to.be.at.most(3);
      expect(kinds).to.include(decider.decide(text).kind);
      expect(kinds).to.include(decider.decide(text, context).kind);
    });
  }

  it('reads a command as decide does, however long the message the channel sent', () => {
    // The dialogs match commands on the raw text: past the bound, "me find…" must not stop "help" being one.
    const text = `help${' '.repeat(MAX_MESSAGE_CHARS)} me find the London office address`;
    expect(recogniseCommand(foldMessage(text))).to.equal('help');
    expect(decider.decide(text)).to.deep.equal({ kind: 'command', command: 'help' });
  });

  it('does not correct a "word" of thousands of letters, and reads it as unknown', () => {
    const result = decider.index.search(decider.index.analyse('㌖'.repeat(500)));
    expect(result.corrections).to.deep.equal([]);
    expect(result.unknownWords).to.have.length(1);
    expect(result.unknownWords[0]!.length).to.be.at.most(MAX_FOLDED_CHARS);
  });
});

describe('typo correction of long words', () => {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz';
  const longest = alphabet.slice(0, MAX_CORRECTABLE_LENGTH);
  const tooLong = alphabet.slice(0, MAX_CORRECTABLE_LENGTH + 1);
  const index = new TypoIndex([longest, tooLong], () => 0);
  const misspelt = (word: string) => `${word.slice(0, 5)}${word[6]}${word[5]}${word.slice(7)}`;

  it(`corrects a misspelling of ${MAX_CORRECTABLE_LENGTH} letters`, () => {
    expect(index.correct(misspelt(longest))).to.deep.equal({ word: longest, edits: 1 });
  });

  it(`never corrects a word of more than ${MAX_CORRECTABLE_LENGTH} letters, which no supporter means`, () => {
    expect(index.correct(misspelt(tooLong))).to.equal(undefined);
    expect(index.correct(tooLong)).to.equal(undefined);
  });
});

describe('fillers peeled off both ends of a message', () => {
  // What the matchers recognised before peeling became linear, for messages with many fillers and fillers
  // that compete: the longest filler at an end goes ("for now", "side of things"), and the order of the
  // tail, the filler and the article decides what is left of "about info".
  const offered = [entry('icm-role'), entry('icm-frequency'), entry('international-board')];
  type Row = [text: string, command?: string, smallTalk?: string, topic?: string, unanswerable?: boolean, pick?: number | 'none'];
  const table: Row[] = [
    ['ok ok ok please help please please thanks', 'help'],
    ['um er so well help mate x', 'help'],
    ['ummm errr cancel that lol xxx', 'cancel'],
    ['right then, never mind for now', 'cancel'],
    ['help then now ok okay pls plz', 'help'],
    ['ok, start over please', 'restart'],
    [`help${' please'.repeat(60)}`, 'help'],
    [`${'ok '.repeat(150)}help`, 'help'],
    ['help xxxxxxxx', 'help'],
    ['help me find the London office address'],
    ['please ok', undefined, 'acknowledged'],
    ['for now'],
    ['now now now'],
    ['ok', undefined, 'acknowledged'],
    ['xxx'],
    ['bye for now', undefined, 'bye'],
    ['thank you', undefined, 'thanks'],
    ['ok thank you', undefined, 'thanks'],
    ['so thanks', undefined, 'thanks'],
    ['great', undefined, 'thanks'],
    ['cheers mate', undefined, 'thanks'],
    ['hi there there everyone how are you', undefined, 'greeting'],
    ['thats all thanks bye', undefined, 'bye'],
    ['well what time is it please', undefined, undefined, undefined, true],
    ['ok can i join amnesty', undefined, undefined, undefined, true],
    ['tell me about the governance please', undefined, undefined, 'governance'],
    [`${'tell me about '.repeat(30)}governance`, undefined, undefined, 'governance'],
    ['tell me more about tell me about membership', undefined, undefined, 'membership'],
    ['can you tell me about information on offices', undefined, undefined, 'offices'],
    ['lets talk about offices', undefined, undefined, 'offices'],
    ['lets talk about'],
    ['about info'],
    ['about governance info please', undefined, undefined, 'governance'],
    ['overview'],
    ['overview membership', undefined, undefined, 'membership'],
    ['overview of membership', undefined, undefined, 'membership'],
    ["I'd like an overview of offices please", undefined, undefined, 'offices'],
    ['the section on governance stuff at amnesty international', undefined, undefined, 'governance'],
    ['what do you know about the membership side of things in amnesty', undefined, undefined, 'membership'],
    ['its offices side of things', undefined, undefined, 'offices'],
    ['amnestys membership stuff', undefined, undefined, 'membership'],
    ['questions about membership questions', undefined, undefined, 'membership'],
    ['topic governance topic', undefined, undefined, 'governance'],
    ['govenance stuff', undefined, undefined, 'governance'],
    ['members and supporters', undefined, undefined, 'membership'],
    ["amnesty international's offices"],
    ['the first one please', undefined, undefined, undefined, undefined, 0],
    ['number 2', undefined, undefined, undefined, undefined, 1],
    ['option three', undefined, undefined, undefined, undefined, 2],
    ['none of these', undefined, undefined, undefined, undefined, 'none'],
    ['no', undefined, undefined, undefined, undefined, 'none'],
  ];
  for (const [text, command, smallTalk, topic, unanswerable = false, pick] of table) {
    it(`"${text.length > 60 ? `${text.slice(0, 57)}...` : text}"`, () => {
      const picked = recogniseOfferPick(foldMessage(text), offered);
      expect({
        command: recogniseCommand(foldMessage(text)),
        smallTalk: recogniseSmallTalk(foldMessage(text)),
        topic: recogniseTopicRequest(foldMessage(text), knowledge.topics),
        unanswerable: recogniseUnanswerable(foldMessage(text)) !== undefined,
        pick: picked === 'none' ? 'none' : picked && offered.indexOf(picked),
      }).to.deep.equal({ command, smallTalk, topic, unanswerable, pick });
    });
  }
});
