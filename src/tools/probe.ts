import { MemoryStorage, TestAdapter, type Activity } from 'botbuilder';
import { TURN_DECISION } from '../../dialogs/conversation';
import { composeBot } from '../app/compose';
import type { DeciderOptions, Decision, KnowledgeBase } from '../faq';
import { createLogger } from '../shared/logger';
import { pseudonymise } from '../shared/privacy';

export interface ProbedTurn {
  decision?: Decision;
  replies: Partial<Activity>[];
}

/**
 * One conversation with the real bot, dialogs and state, in memory: each message returns how the bot
 * decided it and what it replied. Used by `npm run ask` and `npm run eval`.
 */
export function probeConversation(knowledge: KnowledgeBase, deciderOptions: DeciderOptions = {}): (text: string) => Promise<ProbedTurn> {
  const { bot } = composeBot({ knowledge, storage: new MemoryStorage(), pseudonymise, logger: createLogger('error'), decider: deciderOptions });
  let decision: Decision | undefined;
  const adapter = new TestAdapter((context) => bot.run(context)).use({
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
}
