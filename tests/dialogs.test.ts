import type { Activity } from 'botbuilder';
import { DialogTurnStatus } from 'botbuilder-dialogs';
import { expect } from 'chai';
import { MainDialog } from '../dialogs/mainDialog';
import { TopicDialog } from '../dialogs/topicDialog';
import type { Conversation } from '../dialogs/conversation';
import { decider, dialogClient, entry, sendAll } from './helpers/bot';
import { shownButtons, shownText } from './helpers/shown';

const texts = (replies: Partial<Activity>[]) => replies.map(shownText);
const SOURCE_LINK = '(https://www.amnesty.org.uk/international-movement), as of 2013.';

describe('topic dialogs', () => {
  const cases: [string, (r: Conversation) => TopicDialog, 'governance' | 'membership' | 'offices'][] = [
    ['GovernanceDialog', (r) => new TopicDialog('governance', r), 'governance'],
    ['MembershipDialog', (r) => new TopicDialog('membership', r), 'membership'],
    ['OfficesDialog', (r) => new TopicDialog('offices', r), 'offices'],
  ];
  for (const [name, create, topic] of cases) {
    describe(name, () => {
      it('gives an overview and offers every question of its topic as a choice', async () => {
        const client = dialogClient(create);
        const replies = await sendAll(client, 'start');
        expect(replies[0]!.text).to.equal(decider.topic(topic).overview);
        const offered = shownButtons(replies[1]!);
        expect(offered.map((b) => b.ask)).to.deep.equal(decider.entriesOf(topic).map((e) => e.question));
        expect(offered.map((b) => b.title)).to.deep.equal(decider.entriesOf(topic).map((e) => e.label));
        expect(client.dialogTurnResult.status).to.equal(DialogTurnStatus.waiting);
      });

      it('answers the question picked, with its source, and stays in the topic', async () => {
        const client = dialogClient(create);
        await sendAll(client, 'start');
        const picked = decider.entriesOf(topic)[1]!;
        const replies = await sendAll(client, picked.question);
        expect(shownText(replies[0]!)).to.include(`${picked.answer}\n\nSource: [${picked.source.title}]${SOURCE_LINK}`);
        expect(client.dialogTurnResult.status).to.equal(DialogTurnStatus.waiting);
      });

      it('answers a choice picked by its number, or by its place in words', async () => {
        const client = dialogClient(create);
        await sendAll(client, 'start');
        const replies = await sendAll(client, '3');
        expect(shownText(replies[0]!)).to.include(decider.entriesOf(topic)[2]!.answer);
        const again = dialogClient(create);
        await sendAll(again, 'start');
        const last = decider.entriesOf(topic).length - 1;
        expect(
          shownText(
            (
              await sendAll(
                again,
                `the ${['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth'][last]!} one`,
              )
            )[0]!,
          ),
        ).to.include(decider.entriesOf(topic)[last]!.answer);
      });
    });
  }

  it('answers follow-up questions in the topic, then leaves cleanly for another topic', async () => {
    const client = dialogClient((r) => new TopicDialog('governance', r));
    await sendAll(client, 'start');
    expect(texts(await sendAll(client, 'how often does the icm meet?'))[0]).to.include(entry('icm-frequency').answer);
    expect(texts(await sendAll(client, 'who elects the board'))[0]).to.include(entry('board-election').answer);
    expect(client.dialogTurnResult.status).to.equal(DialogTurnStatus.waiting);
    const replies = await sendAll(client, 'how many members does amnesty have in the uk?');
    expect(replies).to.deep.equal([]);
    expect(client.dialogTurnResult.status).to.equal(DialogTurnStatus.complete);
    expect(client.dialogTurnResult.result).to.deep.equal({ reroute: true });
  });

  it('reads the menu again when its own topic is asked for', async () => {
    const client = dialogClient((r) => new TopicDialog('offices', r));
    await sendAll(client, 'start');
    const replies = await sendAll(client, 'offices');
    expect(replies[0]!.text).to.equal(decider.topic('offices').overview);
  });

  it("says it doesn't know, and stays, when a question has no answer", async () => {
    const client = dialogClient((r) => new TopicDialog('offices', r));
    await sendAll(client, 'start');
    const replies = await sendAll(client, "what's the weather in London?");
    expect(shownText(replies[0]!)).to.match(/^Sorry, I don't know/);
    expect(shownText(replies[0]!)).to.not.include(entry('secretariat-main-office').answer);
    expect(client.dialogTurnResult.status).to.equal(DialogTurnStatus.waiting);
  });
});

describe('MainDialog', () => {
  it("says it doesn't know, listing and offering the questions it can answer that came near, and only those", async () => {
    // Written for this test: a question about the UK's members with more words around it than any phrasing has.
    const near = await sendAll(
      dialogClient((r) => new MainDialog(r)),
      'how many people are in Amnesty UK, roughly, my friend wants to know',
    );
    const members = entry('uk-members');
    expect(shownText(near[0]!)).to.match(/^Sorry, I don't know the answer to that\. These questions I can answer may be near yours:/);
    expect(shownText(near[0]!)).to.include(`- ${members.question}`).and.not.include(members.answer);
    expect(shownButtons(near[0]!)[0]).to.deep.equal({ title: members.label, ask: members.question });
    // Nothing near: the topics, as before.
    const far = await sendAll(
      dialogClient((r) => new MainDialog(r)),
      "what's the weather in London?",
    );
    expect(shownText(far[0]!))
      .to.match(/^Sorry, I don't know/)
      .and.include('Pick a topic');
    expect(shownButtons(far[0]!).map((b) => b.title)).to.deep.equal(decider.topics.map((t) => t.label));
  });

  it('meets a doubted answer with its source and date, and an acknowledgement with an invitation, never a fact', async () => {
    const client = dialogClient((r) => new MainDialog(r));
    await sendAll(client, 'How often is the International Council Meeting held?');
    const doubted = shownText((await sendAll(client, 'is that right?'))[0]!);
    expect(doubted).to.include('[The International Movement](https://www.amnesty.org.uk/international-movement) says, as of 2013');
    expect(doubted).to.not.include(entry('shared-goal').answer);
    const acknowledged = shownText((await sendAll(client, "that's right"))[0]!);
    expect(acknowledged)
      .to.match(/anything else/)
      .and.not.include(entry('shared-goal').answer);
  });

  it('answers a question straight away', async () => {
    const client = dialogClient((r) => new MainDialog(r));
    const replies = await sendAll(client, 'How often is the International Council Meeting held?');
    expect(shownText(replies[0]!)).to.include('every two years');
    expect(shownText(replies[0]!)).to.include(SOURCE_LINK);
    expect(client.dialogTurnResult.status).to.equal(DialogTurnStatus.complete);
  });

  const topicRequests: [string, 'governance' | 'membership' | 'offices'][] = [
    ['governance', 'governance'],
    ['tell me about membership', 'membership'],
    ['offices', 'offices'],
  ];
  for (const [text, topic] of topicRequests) {
    it(`"${text}" starts the ${topic} dialog`, async () => {
      const client = dialogClient((r) => new MainDialog(r));
      const replies = await sendAll(client, text);
      expect(replies[0]!.text).to.equal(decider.topic(topic).overview);
      expect(client.dialogTurnResult.status).to.equal(DialogTurnStatus.waiting);
    });
  }

  it("says the page doesn't say, then what it does say, when a question asks a detail of a subject it covers", async () => {
    const client = dialogClient((r) => new MainDialog(r));
    const [reply] = texts(await sendAll(client, "How much does Amnesty's Secretary General earn?"));
    expect(reply).to.match(/^The page doesn't give that number, and nothing it says about the Secretary General mentions "earn"\. What it does say: /);
    expect(reply).to.include(entry('secretary-general-role').answer).and.include(SOURCE_LINK);
    // A follow-up then means the subject it was told about.
    const decision = decider.decide('and who appoints them?', { lastEntry: entry('secretary-general-role') });
    expect(decision.kind === 'answer' ? decision.entry.id : decision.kind).to.equal('secretary-general-appointment');
  });

  it('routes a question for another topic out of the topic dialog and answers it', async () => {
    const client = dialogClient((r) => new MainDialog(r));
    await sendAll(client, 'governance');
    const replies = await sendAll(client, 'where is the secretariat main office');
    expect(shownText(replies[0]!)).to.include(entry('secretariat-main-office').answer);
    expect(client.dialogTurnResult.status).to.equal(DialogTurnStatus.complete);
  });

  it('moves from one topic menu straight to another', async () => {
    const client = dialogClient((r) => new MainDialog(r));
    await sendAll(client, 'governance');
    const replies = await sendAll(client, 'tell me about offices');
    expect(replies[0]!.text).to.equal(decider.topic('offices').overview);
    expect(client.dialogTurnResult.status).to.equal(DialogTurnStatus.waiting);
  });

  it('gives help inside a topic without leaving it', async () => {
    const client = dialogClient((r) => new MainDialog(r));
    await sendAll(client, 'membership');
    expect(texts(await sendAll(client, 'help'))[0]).to.match(/^I can tell you how/);
    expect(client.dialogTurnResult.status).to.equal(DialogTurnStatus.waiting);
    expect(texts(await sendAll(client, '2'))[0]).to.include(decider.entriesOf('membership')[1]!.answer);
  });

  for (const [command, reply] of [
    ['cancel', /^OK, I've stopped/],
    ['start over', /^Let's start again/],
  ] as const) {
    it(`"${command}" ends the topic dialog from anywhere`, async () => {
      const client = dialogClient((r) => new MainDialog(r));
      await sendAll(client, 'governance');
      expect(texts(await sendAll(client, command))[0]).to.match(reply);
      expect(client.dialogTurnResult.status).to.not.equal(DialogTurnStatus.waiting);
      // The next number is not read as a menu choice any more.
      expect(texts(await sendAll(client, '2'))[0]).to.match(/^Sorry, I don't know/);
    });
  }

  for (const text of ['hello', 'thanks', 'bye', 'what can you do?']) {
    it(`"${text}" gets a short reply and never a fact`, async () => {
      const client = dialogClient((r) => new MainDialog(r));
      const replies = await sendAll(client, text);
      expect(replies).to.have.length(1);
      expect(shownText(replies[0]!)).to.not.include('Source:');
    });
  }
});
