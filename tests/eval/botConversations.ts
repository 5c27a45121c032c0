import { probeBot } from '../../src/app/probe';
import type { Converse } from '../../src/curation/evaluation';
import type { DeciderOptions, KnowledgeBase } from '../../src/faq';

/** Conversations with one real bot, dialogs and state, each conversation its own: the decisions it gave. */
export function conversationsWith(kb: KnowledgeBase, options: DeciderOptions = {}): () => Converse {
  const conversation = probeBot(kb, options);
  return () => {
    const send = conversation();
    return async (text) => (await send(text)).decision;
  };
}
