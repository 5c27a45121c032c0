import { resolve } from 'node:path';
import { ConversationState, MemoryStorage, TestAdapter, UserState, type Storage } from 'botbuilder';
import type { Dialog } from 'botbuilder-dialogs';
import { MainDialog } from '../../dialogs/mainDialog';
import { turnErrorHandler } from '../../src/bot/adapter';
import { FaqBot } from '../../src/bot/faqBot';
import { createConversationAccessors } from '../../src/bot/state';
import { PROJECT_ROOT } from '../../src/config';
import { Decider } from '../../src/conversation/decide';
import { loadKnowledge } from '../../src/knowledge/loadKnowledge';
import { memoryLogger } from './http';

export const knowledge = loadKnowledge(resolve(PROJECT_ROOT, 'knowledge'));
export const decider = new Decider(knowledge);

export function entry(id: string) {
  const found = decider.index.entry(id);
  if (!found) throw new Error(`no entry ${id}`);
  return found;
}

/** The real bot, dialogs and knowledge behind botbuilder's TestAdapter. */
export function createTestBot(options: { storage?: Storage; dialog?: Dialog } = {}) {
  const storage = options.storage ?? new MemoryStorage();
  const logger = memoryLogger();
  const conversationState = new ConversationState(storage);
  const bot = new FaqBot({
    dialog: options.dialog ?? new MainDialog(decider),
    accessors: createConversationAccessors(conversationState),
    states: [conversationState, new UserState(storage)],
    topics: knowledge.topics,
    logger,
  });
  const adapter = new TestAdapter((context) => bot.run(context));
  adapter.onTurnError = turnErrorHandler(logger);
  return { adapter, storage, logger };
}
