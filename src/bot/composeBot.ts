import { ConversationState, UserState, type Storage } from 'botbuilder';
import type { Dialog } from 'botbuilder-dialogs';
import { MainDialog } from '../../dialogs/mainDialog';
import { Decider } from '../conversation/decide';
import type { KnowledgeBase } from '../knowledge/loadKnowledge';
import type { Logger } from '../logger';
import { FaqBot } from './faqBot';
import { createConversationAccessors } from './state';

export interface ComposeOptions {
  knowledge: KnowledgeBase;
  storage: Storage;
  logger: Logger;
  /** Replaces MainDialog, for tests of the bot's own behaviour around a dialog. */
  dialog?: Dialog;
}

/** The bot with its state and dialogs, the same for the server, the tests and `npm run ask`. */
export function composeBot({ knowledge, storage, logger, dialog }: ComposeOptions): { bot: FaqBot; decider: Decider } {
  const decider = new Decider(knowledge);
  const conversationState = new ConversationState(storage);
  const bot = new FaqBot({
    dialog: dialog ?? new MainDialog(decider),
    accessors: createConversationAccessors(conversationState),
    states: [conversationState, new UserState(storage)],
    topics: knowledge.topics,
    logger,
  });
  return { bot, decider };
}
