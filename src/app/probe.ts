import { MemoryStorage, TestAdapter, type Activity } from 'botbuilder';
import { TURN_DECISION } from '../../dialogs/conversation';
import type { Converse } from '../curation/evaluation';
import type { DeciderOptions, Decision, KnowledgeBase } from '../faq';
import { createLogger } from '../shared/logger';
import { pseudonymise } from '../shared/privacy';
import { composeBot } from './compose';

interface ProbedTurn {
  decision?: Decision;
  replies: Partial<Activity>[];
}

/** One conversation: each message returns how the bot decided it and what it replied. */
export type ProbedConversation = (text: string) => Promise<ProbedTurn>;

/**
 * The real bot, dialogs and state, in memory, composed once: each call starts a conversation of its own
 * (its own id, so its own state). Composing is the costly part, so the eval and the workbench's publish
 * checks, which hold hundreds of short conversations, share one bot.
 */
function probeBot(knowledge: KnowledgeBase, deciderOptions: DeciderOptions = {}): () => ProbedConversation {
  const { bot } = composeBot({ knowledge, storage: new MemoryStorage(), pseudonymise, logger: createLogger('error'), decider: deciderOptions });
  let conversations = 0;
  return () => {
    let decision: Decision | undefined;
    conversations += 1;
    const adapter = new TestAdapter((context) => bot.run(context), {
      conversation: { id: `probe-${conversations}`, isGroup: false, conversationType: 'personal', name: '' },
    }).use({
      onTurn: async (context, next) => {
        await next();
        decision = context.turnState.get<Decision | undefined>(TURN_DECISION);
      },
    });
    return async (text) => {
      decision = undefined;
      await adapter.send(text).startTest();
      return { decision, replies: adapter.activeQueue.splice(0) };
    };
  };
}

/** One conversation with a bot of its own. Used by `npm run ask`. */
export function probeConversation(knowledge: KnowledgeBase, deciderOptions: DeciderOptions = {}): ProbedConversation {
  return probeBot(knowledge, deciderOptions)();
}

/** Conversations with one real bot, each its own, giving only the decisions: what the eval and a publish's checks judge. */
export function decidingConversations(knowledge: KnowledgeBase, deciderOptions: DeciderOptions = {}): () => Converse {
  const conversation = probeBot(knowledge, deciderOptions);
  return () => {
    const send = conversation();
    return async (text) => (await send(text)).decision;
  };
}
