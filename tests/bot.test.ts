import { ActivityTypes, type Activity } from 'botbuilder';
import { ComponentDialog, WaterfallDialog } from 'botbuilder-dialogs';
import { expect } from 'chai';
import { createTestBot, testPseudonymise } from './helpers/bot';

const conversationUpdate = (ids: string[]): Partial<Activity> => ({
  type: ActivityTypes.ConversationUpdate,
  membersAdded: ids.map((id) => ({ id, name: id })),
  recipient: { id: 'bot', name: 'Bot' },
});

describe('FaqBot through TestAdapter', () => {
  it('welcomes a person once when they join, and never the bot itself', async () => {
    const { adapter } = createTestBot();
    await adapter
      .send(conversationUpdate(['bot', 'user']))
      .assertReply((a) => expect(a.text).to.match(/^Hello! I answer questions/))
      .send(conversationUpdate(['user']))
      .send('hello')
      .assertReply((a) => expect(a.text).to.match(/^Hello! What would you like/))
      .startTest();
  });

  it('does not welcome when only the bot is added', async () => {
    const { adapter } = createTestBot();
    await adapter
      .send(conversationUpdate(['bot']))
      .send('thanks')
      .assertReply((a) => expect(a.text).to.match(/^You're welcome/))
      .startTest();
  });

  it('welcomes each new member of a group conversation once', async () => {
    const { adapter } = createTestBot();
    await adapter
      .send(conversationUpdate(['bot', 'alice']))
      .assertReply((a) => expect(a.text).to.match(/^Hello!/))
      .send(conversationUpdate(['alice', 'bob']))
      .assertReply((a) => expect(a.text).to.match(/^Hello!/))
      .send('thanks')
      .assertReply((a) => expect(a.text).to.match(/^You're welcome/))
      .startTest();
  });

  it('falls back to "I don\'t know" with the topics and the source link', async () => {
    const { adapter } = createTestBot();
    await adapter
      .send("what's the weather in London?")
      .assertReply((a) => {
        expect(a.text).to.match(/^Sorry, I don't know/);
        expect(a.text).to.include('https://www.amnesty.org.uk/international-movement');
        expect(a.text).to.not.include('main office');
        expect(a.suggestedActions!.actions.map((s) => s.title)).to.deep.equal(['Governance', 'Membership', 'Offices']);
      })
      .startTest();
  });

  it('answers small talk without a fact', async () => {
    const { adapter } = createTestBot();
    await adapter
      .send('hi')
      .assertReply((a) => expect(a.text).to.not.include('Source:'))
      .send('thank you!')
      .assertReply((a) => expect(a.text).to.not.include('Source:'))
      .send('goodbye')
      .assertReply((a) => expect(a.text).to.match(/^Goodbye/))
      .startTest();
  });

  it('offers related questions as follow-ups that work when tapped', async () => {
    const { adapter } = createTestBot();
    let followUp = '';
    await adapter
      .send('how often is the icm held?')
      .assertReply((a) => {
        expect(a.text).to.include('every two years');
        const action = a.suggestedActions!.actions[0]!;
        expect(action.type).to.equal('imBack');
        followUp = String(action.value);
      })
      .startTest();
    await adapter
      .send(followUp)
      .assertReply((a) => expect(a.text).to.include('Source:'))
      .startTest();
  });

  it('asks for text when a message has none', async () => {
    const { adapter } = createTestBot();
    await adapter
      .send({ type: 'message', text: '' })
      .assertReply((a) => expect(a.text).to.match(/only read typed questions/))
      .startTest();
  });

  it('saves state and apologises when a turn throws, without a stack trace', async () => {
    const failing = new ComponentDialog('Failing');
    failing.addDialog(
      new WaterfallDialog('Failing.steps', [
        async () => {
          throw new Error('boom');
        },
      ]),
    );
    const { adapter, storage, logger } = createTestBot({ dialog: failing });
    await adapter
      .send('anything at all')
      .assertReply((a) => {
        expect(a.text).to.equal('Sorry, something went wrong on my side. Please try again in a moment.');
      })
      .startTest();
    // The key is a keyed hash of the channel and conversation ids, never the ids themselves.
    const key = `conversations/${testPseudonymise('test\nConvo1')}/`;
    const stored = await storage.read([key]);
    expect(stored[key]).to.have.property('dialogState');
    const errors = logger.lines.map((l) => JSON.parse(l)).filter((l) => l.level === 'error');
    expect(errors.map((e) => e.event)).to.deep.equal(['turn_error']);
    expect(logger.lines.join('\n')).to.not.include('anything at all');
  });
});
