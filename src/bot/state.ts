import type { ConversationState, StatePropertyAccessor } from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';

/** Everything the bot keeps about a conversation, each through its own accessor. */
export interface ConversationAccessors {
  dialogState: StatePropertyAccessor<DialogState>;
  /** Pseudonymised ids of the members already welcomed here, so nobody is welcomed twice. */
  welcomedMembers: StatePropertyAccessor<string[]>;
}

export function createConversationAccessors(conversationState: ConversationState): ConversationAccessors {
  return {
    dialogState: conversationState.createProperty<DialogState>('dialogState'),
    welcomedMembers: conversationState.createProperty<string[]>('welcomedMembers'),
  };
}
