import { TeamsActivityHandler, type TurnContext } from 'botbuilder';
import { runDialog, type Dialog } from 'botbuilder-dialogs';
import { TURN_DECISION } from '../../dialogs/respond';
import type { Decision } from '../conversation/decide';
import type { TopicInfo } from '../knowledge/schema';
import { errorFields, type LogFields, type Logger } from '../logger';
import { pseudonymise } from '../privacy';
import { runConsistentTurn, type ConsistentState } from '../storage/consistentTurn';
import type { CurationLog } from '../storage/curationLog';
import { readIncoming } from './incoming';
import * as replies from './replies';
import type { ConversationAccessors } from './state';

export interface FaqBotOptions {
  dialog: Dialog;
  accessors: ConversationAccessors;
  /**
   * Read afresh and saved against their eTags on every turn by runConsistentTurn (a turn that loses a
   * race with another instance runs again, and only its final replies are sent), even when it throws.
   */
  states: ConsistentState[];
  /** Where questions the bot could not answer are kept for curators. */
  curation?: CurationLog;
  /** Whether an answer id from a 👍/👎 button is one of ours: a client can send any id it likes. */
  isEntry: (id: string) => boolean;
  topics: readonly TopicInfo[];
  logger: Logger;
}

/** Where a turn's 👍/👎 is kept until the turn's state is saved. */
const TURN_FEEDBACK = Symbol('turnFeedback');

export class FaqBot extends TeamsActivityHandler {
  constructor(private readonly options: FaqBotOptions) {
    super();

    this.onMessage(async (context, next) => {
      const incoming = readIncoming(context.activity);
      if (incoming.kind === 'feedback') {
        context.turnState.set(TURN_FEEDBACK, incoming);
        await context.sendActivity(replies.feedbackThanks(incoming.helpful));
      } else if (incoming.kind === 'text') {
        // The dialogs read the message as the user meant it: without "@Bot", or the question a button asked.
        context.activity.text = incoming.text;
        await runDialog(options.dialog, context, options.accessors.dialogState);
      } else {
        await context.sendActivity(replies.textOnly());
      }
      await next();
    });

    // Teams welcomes once per installation (a personal chat, a team, a group chat), not each time someone
    // joins a channel; membersAdded is left to the other channels.
    this.onInstallationUpdateAdd(async (context, next) => {
      await context.sendActivity(replies.welcome(options.topics));
      await next();
    });

    this.onMembersAdded(async (context, next) => {
      if (context.activity.channelId === 'msteams') return next();
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

  /**
   * 👍 or 👎 on an answer is kept with the answer's id only, and a question the bot could not answer
   * redacted and without any id, for `npm run report`. Recorded after the turn's state is saved, so a turn
   * that runs twice is recorded once; a store that fails here costs the record, not the user's answer.
   */
  private async recordForCurators(context: TurnContext): Promise<void> {
    const { curation, logger } = this.options;
    const feedback = context.turnState.get(TURN_FEEDBACK) as { entryId: string; helpful: boolean } | undefined;
    const decision = context.turnState.get(TURN_DECISION) as Decision | undefined;
    try {
      if (feedback && this.options.isEntry(feedback.entryId)) {
        logger.info('feedback', { entryId: feedback.entryId, helpful: feedback.helpful });
        await curation?.record({ kind: 'feedback', entryId: feedback.entryId, helpful: feedback.helpful });
      } else if (decision?.kind === 'unknown' && decision.search && context.activity.text) {
        await curation?.record({ kind: 'unanswered', question: context.activity.text, topic: decision.topic });
      }
    } catch (err) {
      logger.warn('curation_record_failed', errorFields(err));
    }
  }

  override async run(context: TurnContext): Promise<void> {
    const started = performance.now();
    try {
      await runConsistentTurn(context, { states: this.options.states, turn: (attempt) => super.run(attempt) });
      await this.recordForCurators(context);
    } finally {
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
