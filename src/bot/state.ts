import type { ConversationState, StatePropertyAccessor } from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import type { FollowUpMemory } from '../../dialogs/conversation';

/**
 * What this conversation has already given the curators, so that one conversation cannot flood their
 * report: a few unanswered questions, and one vote per answer.
 */
export interface CurationQuota {
  unanswered: number;
  /** Entry ids this conversation has voted on. At most one per entry, so bounded by the knowledge base. */
  voted: string[];
}

/** Everything the bot keeps about a conversation, each through its own accessor. */
export interface ConversationAccessors {
  dialogState: StatePropertyAccessor<DialogState>;
  /** Pseudonymised ids of the members most recently welcomed here, so nobody is welcomed twice. */
  welcomedMembers: StatePropertyAccessor<string[]>;
  followUp: StatePropertyAccessor<FollowUpMemory>;
  curationQuota: StatePropertyAccessor<CurationQuota>;
  /** When this conversation last asked the supporter care team (epoch ms), for the hourly limit. */
  handoffTimes: StatePropertyAccessor<number[]>;
}

export function createConversationAccessors(conversationState: ConversationState): ConversationAccessors {
  return {
    dialogState: conversationState.createProperty<DialogState>('dialogState'),
    welcomedMembers: conversationState.createProperty<string[]>('welcomedMembers'),
    followUp: conversationState.createProperty<FollowUpMemory>('followUp'),
    curationQuota: conversationState.createProperty<CurationQuota>('curationQuota'),
    handoffTimes: conversationState.createProperty<number[]>('handoffTimes'),
  };
}
