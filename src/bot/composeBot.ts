import type { Storage } from 'botbuilder';
import type { Dialog } from 'botbuilder-dialogs';
import { HandoffDialog } from '../../dialogs/handoffDialog';
import { MainDialog } from '../../dialogs/mainDialog';
import { Responder } from '../../dialogs/respond';
import { Decider, type DeciderOptions, type KnowledgeBase } from '../faq';
import type { HandoffDesk } from '../handoff/handoffDesk';
import type { Logger } from '../logger';
import type { Pseudonymiser } from '../privacy';
import { ConsistentConversationState } from '../storage/consistentTurn';
import type { CurationLog } from '../storage/curationLog';
import { FaqBot } from './faqBot';
import { createConversationAccessors } from './state';

export interface ComposeOptions {
  knowledge: KnowledgeBase;
  storage: Storage;
  /** Where unanswered questions are kept for curators; none in tools that only probe the bot. */
  curation?: CurationLog;
  /** Stands in for channel ids in storage keys and stored state: the store's, shared by its instances. */
  pseudonymise: Pseudonymiser;
  logger: Logger;
  /** Replaces MainDialog, for tests of the bot's own behaviour around a dialog. */
  dialog?: Dialog;
  decider?: DeciderOptions;
  /** Asking a person, when handoff is configured (HANDOFF_TENANT_ID). */
  handoff?: HandoffSetup;
}

export interface HandoffSetup {
  desk: HandoffDesk;
  slaHours: number;
  /** Whether answers can be emailed (SMTP_URL), and so whether website supporters are asked for an address. */
  email: boolean;
}

/** Channels of the website, where a supporter may close the page before the answer comes. */
const WEBSITE_CHANNELS = new Set(['directline', 'webchat']);

/** The bot with its state and dialogs, the same for the server, the tests and `npm run ask`. */
export function composeBot({ knowledge, storage, curation, pseudonymise, logger, dialog, decider: deciderOptions, handoff }: ComposeOptions): { bot: FaqBot; decider: Decider } {
  const decider = new Decider(knowledge, deciderOptions);
  // Saved against the eTag it was read with, so two instances never silently overwrite each other.
  const conversationState = new ConsistentConversationState(storage, pseudonymise);
  const accessors = createConversationAccessors(conversationState);
  const handoffDialog =
    handoff &&
    new HandoffDialog({
      available: () => handoff.desk.available(),
      asksEmail: (channelId) => handoff.email && WEBSITE_CHANNELS.has(channelId ?? ''),
      ttlDays: handoff.desk.ttlDays,
      topics: knowledge.topics,
      handoffTimes: accessors.handoffTimes,
    });
  const bot = new FaqBot({
    dialog: dialog ?? new MainDialog(new Responder(decider, accessors.followUp, handoff?.desk), handoffDialog),
    accessors,
    states: [conversationState],
    curation,
    isEntry: (id) => decider.index.entry(id) !== undefined,
    pseudonymise,
    topics: knowledge.topics,
    logger,
    ...(handoff ? { handoff: { desk: handoff.desk, slaHours: handoff.slaHours } } : {}),
  });
  return { bot, decider };
}
