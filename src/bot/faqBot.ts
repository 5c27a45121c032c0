import { ActivityHandler, type BotState, type TurnContext } from 'botbuilder';
import { runDialog, type Dialog } from 'botbuilder-dialogs';
import { TURN_DECISION } from '../../dialogs/respond';
import type { Decision } from '../conversation/decide';
import type { TopicInfo } from '../knowledge/schema';
import type { LogFields, Logger } from '../logger';
import { pseudonymise } from '../privacy';
import * as replies from './replies';
import type { ConversationAccessors } from './state';

export interface FaqBotOptions {
  dialog: Dialog;
  accessors: ConversationAccessors;
  /** Saved after every turn, even one that throws, so a failure mid-turn does not lose the conversation. */
  states: BotState[];
  topics: readonly TopicInfo[];
  logger: Logger;
}

export class FaqBot extends ActivityHandler {
  constructor(private readonly options: FaqBotOptions) {
    super();

    this.onMessage(async (context, next) => {
      if (!context.activity.text?.trim()) {
        await context.sendActivity(replies.textOnly());
      } else {
        await runDialog(options.dialog, context, options.accessors.dialogState);
      }
      await next();
    });

    this.onMembersAdded(async (context, next) => {
      const welcomed = await options.accessors.welcomedMembers.get(context, []);
      for (const member of context.activity.membersAdded ?? []) {
        // The bot is added to the conversation too; it needs no welcome.
        if (member.id === context.activity.recipient.id) continue;
        const key = pseudonymise(member.id);
        if (welcomed.includes(key)) continue;
        welcomed.push(key);
        await context.sendActivity(replies.welcome(options.topics));
      }
      await options.accessors.welcomedMembers.set(context, welcomed);
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    const started = performance.now();
    try {
      await super.run(context);
    } finally {
      await Promise.all(this.options.states.map((state) => state.saveChanges(context)));
      this.options.logger.info('turn', {
        channelId: context.activity.channelId,
        activityType: context.activity.type,
        ...decisionFields(context.turnState.get(TURN_DECISION) as Decision | undefined),
        ms: Math.round(performance.now() - started),
      });
    }
  }
}

/** What a turn decided, as log fields: entry ids and scores, never the user's text. */
function decisionFields(decision: Decision | undefined): LogFields {
  if (!decision) return {};
  const top = 'search' in decision ? decision.search?.candidates[0] : undefined;
  return {
    decision: decision.kind,
    entryId: decision.kind === 'answer' ? decision.entry.id : undefined,
    via: decision.kind === 'answer' ? decision.via : undefined,
    offeredIds: decision.kind === 'clarify' ? decision.options.map((e) => e.id).join(',') : undefined,
    confidence: decision.kind === 'answer' ? Number(decision.confidence.toFixed(3)) : undefined,
    topCandidateId: top?.entry.id,
    topCandidateConfidence: top ? Number(top.confidence.toFixed(3)) : undefined,
  };
}
