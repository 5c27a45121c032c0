import { resolve } from 'node:path';
import { ConversationState, MemoryStorage, TestAdapter, type Activity, type Storage } from 'botbuilder';
import type { Dialog } from 'botbuilder-dialogs';
import { DialogTestClient } from 'botbuilder-testing';
import { Conversation } from '../../dialogs/conversation';
import { turnErrorHandler } from '../../src/bot/adapter';
import { composeBot } from '../../src/app/compose';
import { createConversationAccessors } from '../../src/bot/state';
import { botVoice } from '../../src/bot/voice';
import { PROJECT_ROOT } from '../../src/shared/projectRoot';
import { Decider, type DeciderOptions } from '../../src/faq/decide';
import { loadKnowledge } from '../../src/faq/knowledge/loadKnowledge';
import { keyedPseudonymiser } from '../../src/shared/privacy';
import { memoryLogger } from './http';

/** The keyed hash the test bot's storage keys use, so tests can find what it stored. */
export const testPseudonymise = keyedPseudonymiser('the test bot key, at least 32 characters');

export const knowledge = loadKnowledge(resolve(PROJECT_ROOT, 'knowledge'));
export const decider = new Decider(knowledge);

export function entry(id: string) {
  const found = decider.entry(id);
  if (!found) throw new Error(`no entry ${id}`);
  return found;
}

/** The real bot, dialogs and knowledge behind botbuilder's TestAdapter. */
export function createTestBot(options: { storage?: Storage; dialog?: Dialog; decider?: DeciderOptions } = {}) {
  const storage = options.storage ?? new MemoryStorage();
  const logger = memoryLogger();
  const { bot } = composeBot({ knowledge, storage, pseudonymise: testPseudonymise, logger, dialog: options.dialog, decider: options.decider });
  const adapter = new TestAdapter((context) => bot.run(context));
  adapter.onTurnError = turnErrorHandler(logger);
  return { adapter, storage, logger };
}

/** A DialogTestClient for a dialog built on a Conversation whose follow-up memory lives in the client's own conversation state. */
export function dialogClient(create: (conversation: Conversation) => Dialog): DialogTestClient {
  const conversationState = new ConversationState(new MemoryStorage());
  const conversation = new Conversation(() => decider, createConversationAccessors(conversationState).followUp, botVoice(knowledge.topics));
  return new DialogTestClient('directline', create(conversation), undefined, undefined, conversationState);
}

/** Every reply of a DialogTestClient turn, not only the first. */
export async function sendAll(client: DialogTestClient, activity: string | Partial<Activity>): Promise<Partial<Activity>[]> {
  const replies: Partial<Activity>[] = [];
  let reply = await client.sendActivity(activity);
  while (reply) {
    replies.push(reply);
    reply = client.getNextReply();
  }
  return replies;
}
