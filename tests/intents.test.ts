import { expect } from 'chai';
import { foldMessage } from '../src/faq/analysis/normalise';
import { recogniseCommand, recogniseSmallTalk, recogniseTopicRequest } from '../src/faq/analysis/intents';
import type { TopicInfo } from '../src/faq/knowledge/schema';
import { SOURCE } from './helpers/tempKnowledge';
import { decider } from './helpers/bot';

const topics: TopicInfo[] = [
  { topic: 'governance', label: 'Governance', aliases: ['how amnesty is run'], overview: '', source: SOURCE },
  { topic: 'membership', label: 'Membership', aliases: ['members'], overview: '', source: SOURCE },
  { topic: 'offices', label: 'Offices', aliases: ['office'], overview: '', source: SOURCE },
];

describe('commands and small talk', () => {
  const commands: [string, string][] = [
    ['help', 'help'],
    ['Help!', 'help'],
    ['what can you do?', 'help'],
    ['What can I ask?', 'help'],
    ['cancel', 'cancel'],
    ['Never mind', 'cancel'],
    ['start over', 'restart'],
    ['Start again.', 'restart'],
  ];
  for (const [text, command] of commands) {
    it(`"${text}" is the ${command} command`, () => expect(recogniseCommand(foldMessage(text))).to.equal(command));
  }

  const smallTalk: [string, string][] = [
    ['hello', 'greeting'],
    ['Hi there!', 'greeting'],
    ['good morning', 'greeting'],
    ['hey, how are you?', 'greeting'],
    ['thanks', 'thanks'],
    ['Thank you so much!', 'thanks'],
    ['cheers', 'thanks'],
    ['ok thanks', 'thanks'],
    ["cheers that's really useful", 'thanks'],
    ['bye', 'bye'],
    ['Goodbye!', 'bye'],
    ["that's all, thanks", 'bye'],
    // An answer doubted: the bot points to its source, never to "human rights".
    ['is that right?', 'checking'],
    ['Are you sure?', 'checking'],
    ['really?', 'checking'],
    ['Which is right?', 'checking'],
    ['how do you know that?', 'checking'],
    ['is that still true?', 'checking'],
    // And acknowledged.
    ["that's right", 'acknowledged'],
    ['right', 'acknowledged'],
    ['I see', 'acknowledged'],
    ['ok', 'acknowledged'],
    ['fair enough', 'acknowledged'],
  ];
  const aboutBot = [
    "what's your name?",
    'Who made you?',
    'are you a robot',
    'r u a bot',
    'Am I talking to a real person?',
    'is this a human',
    'how old are you?',
    // A choice of what it might be, in any order.
    'are you a real person or a bot?',
    'Is this a bot or a human',
    'am I chatting with a human or a machine',
    'are you a bot or not?',
  ];
  for (const text of aboutBot) smallTalk.push([text, 'aboutBot']);
  for (const [text, kind] of smallTalk) {
    it(`"${text}" is small talk (${kind})`, () => expect(recogniseSmallTalk(foldMessage(text))).to.equal(kind));
  }

  it('reads small talk said in several sentences by its last, and only when every sentence is small talk', () => {
    const kind = (text: string) => decider.decide(text);
    // "Is that right?" leans on the thanks, so the message is read whole; each sentence alone is small talk.
    expect(kind('Thanks! Is that right?')).to.deep.include({ kind: 'smallTalk', smallTalk: 'checking' });
    expect(kind('Hi. Thanks. Bye.')).to.deep.include({ kind: 'smallTalk', smallTalk: 'bye' });
    expect(kind('Thanks. Who elects the International Board?')).to.deep.include({ kind: 'answer' });
    // A request for help asks about the bot, as the question after it does.
    expect(kind('Who are you? Are you a real person or a bot?')).to.deep.include({ kind: 'smallTalk', smallTalk: 'aboutBot' });
    expect(kind('Who are you? Who elects the International Board?')).to.deep.include({ kind: 'answer' });
  });

  it('reads a request of the bot itself after remarks that ask nothing, and only a request of the bot', () => {
    const kind = (text: string) => decider.decide(text);
    expect(kind("Hi, I'm new here. What can you do?")).to.deep.equal({ kind: 'command', command: 'help' });
    expect(kind('Sorry, wrong question. Start again.')).to.deep.equal({ kind: 'command', command: 'restart' });
    expect(kind("Hello! I'm a volunteer in Leeds. Are you a real person?")).to.deep.equal({ kind: 'smallTalk', smallTalk: 'aboutBot' });
    // Thanks after a request is for the request, and a question before the request is answered.
    expect(kind('Tell me about the International Board. Thanks.')).to.deep.include({ kind: 'answer' });
    expect(kind('Who elects the International Board? What can you do?')).to.not.deep.include({ kind: 'command' });
  });

  for (const text of [
    'hello, how often is the ICM held?',
    'thanks, and who appoints the SG?',
    'help me find the London office address',
    'who made the International Board?',
    'how old is the Secretary General?',
    'are you a human rights organisation or a charity?',
    'is it true that the ICM meets every year?',
    'is that right that the board is elected?',
    'really, who elects the board?',
  ]) {
    it(`"${text}" is a question, not small talk or a command`, () => {
      expect(recogniseSmallTalk(foldMessage(text))).to.equal(undefined);
      expect(recogniseCommand(foldMessage(text))).to.equal(undefined);
    });
  }
});

describe('topic requests', () => {
  const requests: [string, string][] = [
    ['governance', 'governance'],
    ['Governance?', 'governance'],
    ['tell me about membership', 'membership'],
    ['offices', 'offices'],
    ["what about Amnesty's offices", 'offices'],
    ['Tell me more about the members', 'membership'],
    ["I'd like to know about how amnesty is run", 'governance'],
    ["let's talk about offices please", 'offices'],
  ];
  for (const [text, topic] of requests) {
    it(`"${text}" asks for the ${topic} topic`, () => expect(recogniseTopicRequest(foldMessage(text), topics)).to.equal(topic));
  }

  for (const text of ['where are the offices?', 'how many members are there', 'who governs amnesty']) {
    it(`"${text}" is a question, not a topic request`, () => expect(recogniseTopicRequest(foldMessage(text), topics)).to.equal(undefined));
  }
});
