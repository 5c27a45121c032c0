import { ActivityTypes, Channels, TeamsActivityHandler, type Activity, type InvokeResponse, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import { HANDOFF_CONSENT, HANDOFF_REQUEST, HANDOFF_START, type HandoffConsent, type HandoffRequest, type HandoffStart } from '../../dialogs/handoffTurn';
import { runTurnDialog } from '../../dialogs/dialogKit';
import type { Dialog } from 'botbuilder-dialogs';
import { TURN_DECISION } from '../../dialogs/conversation';
import { type Decision, recogniseExpertsSetup, type TopicInfo } from '../faq';
import type { Outcome, TurnTally } from '../curation/turnTally';
import type { HandoffDesk, OpenOutcome } from '../handoff/handoffDesk';
import { keptQuestion, type AskedFrom } from '../handoff/ticket';
import { errorFields, type LogFields, type Logger } from '../shared/logger';
import type { Pseudonymiser } from '../shared/privacy';
import { runConsistentTurn, type ConsistentState } from './consistentTurn';
import type { CurationInput, CurationLog } from '../storage/curationLog';
import { readIncoming, type Incoming } from './incoming';
import { addressOf } from './proactive';
import * as replies from './replies';
import type { ConversationAccessors, CurationQuota } from './state';

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
  /** Stands in for member ids in what the conversation remembers. */
  pseudonymise: Pseudonymiser;
  topics: readonly TopicInfo[];
  logger: Logger;
  /** Asking a person, when handoff is configured. */
  handoff?: { desk: HandoffDesk; slaHours: number };
  /** Counts what became of each question, for the curators' overview. */
  tally?: Pick<TurnTally, 'count'>;
}

/**
 * One conversation may leave at most this many unanswered questions for curators: a real supporter
 * rarely has more, and a script in one conversation could otherwise write thousands and top the report.
 */
const MAX_UNANSWERED_PER_CONVERSATION = 3;
/** A real conversation has one or two people to welcome; 4,000 in one update would be 4,000 replies. */
const MAX_WELCOMES_PER_UPDATE = 3;
/** The welcomed members remembered per conversation, newest kept: enough for any real group chat. */
const MAX_REMEMBERED_MEMBERS = 20;

/** An Action.Execute from one of our cards, as Teams sends it in an adaptiveCard/action invoke. */
const cardActionSchema = z.object({
  action: z.object({ type: z.literal('Action.Execute'), verb: z.string().max(100), data: z.unknown() }),
});

const UNSUPPORTED_INVOKE: InvokeResponse = {
  status: 400,
  body: {
    statusCode: 400,
    type: 'application/vnd.microsoft.error',
    value: { code: 'BadRequest', message: 'this bot does not handle that invoke, or its value is not one of its cards' },
  },
};

/** A conversation that has given the curators nothing so far. */
const NO_CURATION_YET: CurationQuota = { unanswered: 0, voted: [] };

/** What a turn leaves for curators, set in the turn (where the quota is kept) and recorded after its save. */
const TURN_CURATION = Symbol('turnCuration');

export class FaqBot extends TeamsActivityHandler {
  constructor(private readonly options: FaqBotOptions) {
    super();

    this.onMessage(async (context, next) => {
      const incoming = readIncoming(context.activity);
      const { handoff } = options;
      const setUp = handoff && incoming.kind === 'text' && context.activity.channelId === 'msteams' ? recogniseExpertsSetup(incoming.text) : undefined;
      if (incoming.kind === 'feedback') {
        await this.keepFeedback(context, incoming.entryId, incoming.helpful, incoming.question);
        await context.sendActivity(replies.feedbackThanks(incoming.helpful));
        if (!incoming.helpful && options.isEntry(incoming.entryId) && (await handoff?.desk.available())) {
          await context.sendActivity(replies.handoffOffer({ entryId: incoming.entryId, rated: true }, context.activity.channelId));
        }
      } else if (handoff && setUp) {
        await this.setUpExperts(context, handoff.desk, setUp);
      } else if (incoming.kind === 'text') {
        // The dialogs read the message as the user meant it: without "@Bot", or the question a button asked.
        context.activity.text = incoming.text;
        await runTurnDialog(options.dialog, context, options.accessors.dialogState);
        await this.keepUnanswered(context, incoming.text);
      } else if (handoff && incoming.kind !== 'empty') {
        this.readHandoffButton(context, incoming);
        await runTurnDialog(options.dialog, context, options.accessors.dialogState);
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
      let welcomes = 0;
      for (const member of context.activity.membersAdded ?? []) {
        if (welcomes === MAX_WELCOMES_PER_UPDATE) break;
        // The bot is added to the conversation too; it needs no welcome.
        if (member.id === context.activity.recipient.id) continue;
        const key = options.pseudonymise(member.id);
        if (welcomed.includes(key)) continue;
        welcomed.push(key);
        welcomes += 1;
        await context.sendActivity(replies.welcome(options.topics));
      }
      await options.accessors.welcomedMembers.set(context, welcomed.slice(-MAX_REMEMBERED_MEMBERS));
      await next();
    });
  }

  /** A handoff card's button: the dialogs read what it said from the turn state, as cards send no text. */
  private readHandoffButton(context: TurnContext, incoming: Extract<Incoming, { kind: 'handoffOffer' | 'handoffSend' | 'handoffCancel' }>): void {
    context.activity.text = '';
    if (incoming.kind === 'handoffOffer') {
      const question = incoming.question ? keptQuestion(incoming.question) : '';
      const entry = incoming.entryId && this.options.isEntry(incoming.entryId) ? { entryId: incoming.entryId, rated: incoming.rated ?? false } : {};
      const start: HandoffStart = { ...(question ? { question } : {}), ...entry };
      context.turnState.set(HANDOFF_START, start);
      return;
    }
    const consent: HandoffConsent = incoming.kind === 'handoffSend' ? { send: true, email: incoming.email } : { send: false };
    context.turnState.set(HANDOFF_CONSENT, consent);
  }

  /** "use this channel for questions" in Teams: this channel now takes supporters' questions, if it may; "stop using…" ends that. */
  private async setUpExperts(context: TurnContext, desk: HandoffDesk, what: 'use' | 'stop'): Promise<void> {
    const address = addressOf(context.activity);
    const by = context.activity.from?.aadObjectId;
    if (what === 'stop') {
      const outcome = address ? await desk.unregisterExperts(address, by) : 'not here';
      await context.sendActivity(
        outcome === 'stopped' ? replies.expertsStopped() : outcome === 'not here' ? replies.expertsNotHere() : replies.expertsRefused(outcome),
      );
      return;
    }
    const outcome = address ? await desk.registerExperts(address, by) : 'not a channel';
    await context.sendActivity(outcome === 'registered' ? replies.expertsRegistered() : replies.expertsRefused(outcome));
  }

  /**
   * Invokes: an expert's Answer or Close on a ticket's card (adaptiveCard/action), answered here with the
   * card to show in its place; the rest as TeamsActivityHandler answers them, except that an invoke nobody
   * handles is a 400 with a reason, not the SDK's bare 501: a client's request we do not take is its error.
   */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    if (context.activity.name === 'adaptiveCard/action') return this.cardAction(context);
    const response = await super.onInvokeActivity(context);
    return response.status === 501 ? UNSUPPORTED_INVOKE : response;
  }

  private async cardAction(context: TurnContext): Promise<InvokeResponse> {
    const { handoff } = this.options;
    const action = cardActionSchema.safeParse(context.activity.value);
    if (!handoff || !action.success) return UNSUPPORTED_INVOKE;
    const { activity } = context;
    const card = await handoff.desk.act({
      verb: action.data.action.verb,
      data: action.data.action.data,
      expertName: activity.from?.name ?? '',
      conversationId: activity.conversation.id,
      tenantId: addressOf(activity)?.conversation.tenantId,
    });
    return { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card } };
  }

  /**
   * The supporter said yes to sending their question: the ticket is opened after the turn's state (with
   * the conversation's hourly allowance) is saved, so a turn run twice opens one ticket.
   */
  private async openRequestedHandoff(context: TurnContext): Promise<void> {
    const request = context.turnState.get<HandoffRequest | undefined>(HANDOFF_REQUEST);
    const { handoff, logger, topics } = this.options;
    if (!request || !handoff) return;
    const asker = addressOf(context.activity);
    let outcome: OpenOutcome = 'unavailable';
    if (asker) {
      try {
        outcome = await handoff.desk.open({ ...request, from: askedFrom(context.activity.channelId), asker });
      } catch (err) {
        logger.warn('handoff_open_failed', errorFields(err));
      }
    }
    await context.sendActivity(outcome === 'sent' ? replies.handoffSent(handoff.slaHours, request.email !== undefined) : replies.handoffUnavailable(topics));
  }

  /** A 👍/👎 on one of our answers, once per answer per conversation; later votes are thanked and not kept. */
  private async keepFeedback(context: TurnContext, entryId: string, helpful: boolean, question: string | undefined): Promise<void> {
    if (!this.options.isEntry(entryId)) return;
    const quota = await this.options.accessors.curationQuota.get(context, NO_CURATION_YET);
    if (quota.voted.includes(entryId)) return;
    await this.options.accessors.curationQuota.set(context, { ...quota, voted: [...quota.voted, entryId] });
    const record: CurationInput = { kind: 'feedback', entryId, helpful, ...(question ? { question } : {}) };
    context.turnState.set(TURN_CURATION, record);
  }

  /** A question the bot could not answer, as it was matched (without the @mention), within the conversation's quota. */
  private async keepUnanswered(context: TurnContext, question: string): Promise<void> {
    const decision = context.turnState.get<Decision | undefined>(TURN_DECISION);
    // A partial reply is a miss too: the page lacked what was asked. So is a question the page could never
    // answer ("how do I set up a local group?"): a curator may import an answer to it from elsewhere.
    if (decision?.kind !== 'partial' && (decision?.kind !== 'unknown' || decision.declinedOffer)) return;
    const quota = await this.options.accessors.curationQuota.get(context, NO_CURATION_YET);
    if (quota.unanswered >= MAX_UNANSWERED_PER_CONVERSATION) return;
    await this.options.accessors.curationQuota.set(context, { ...quota, unanswered: quota.unanswered + 1 });
    const record: CurationInput = { kind: 'unanswered', question, topic: decision.topic };
    context.turnState.set(TURN_CURATION, record);
  }

  /**
   * Kept for `npm run report`: 👍/👎 with the answer's id only, and an unanswered question redacted and
   * without any id. Recorded after the turn's state (and with it the quota) is saved, so a turn that runs
   * twice is recorded once; a store that fails here costs the record, not the user's answer.
   */
  private async recordForCurators(context: TurnContext): Promise<void> {
    const record = context.turnState.get<CurationInput | undefined>(TURN_CURATION);
    if (!record) return;
    const { curation, logger } = this.options;
    if (record.kind === 'feedback') logger.info('feedback', { entryId: record.entryId, helpful: record.helpful });
    try {
      await curation?.record(record);
    } catch (err) {
      logger.warn('curation_record_failed', errorFields(err));
    }
  }

  override async run(context: TurnContext): Promise<void> {
    const started = performance.now();
    dropTracesOutsideEmulator(context);
    try {
      await runConsistentTurn(context, { states: this.options.states, turn: (attempt) => super.run(attempt) });
      await this.recordForCurators(context);
      await this.openRequestedHandoff(context);
    } finally {
      const decision = context.turnState.get<Decision | undefined>(TURN_DECISION);
      const outcome = talliedOutcome(decision);
      if (outcome) this.options.tally?.count(...outcome);
      this.options.logger.info('turn', {
        channelId: context.activity.channelId,
        activityType: context.activity.type,
        ...decisionFields(decision),
        ms: Math.round(performance.now() - started),
      });
    }
  }
}

// Plain strings, for comparing with an activity's fields, which a client may set to anything.
const EMULATOR: string = Channels.Emulator;
const TRACE: string = ActivityTypes.Trace;

/**
 * runDialog sends a trace of the dialog state, the user's words included. Adapters drop traces outside
 * the Emulator when they post replies, but under expectReplies every activity goes back in the HTTP
 * response, whatever the channel; so they are dropped here. The array is botbuilder's own, which it sends
 * once the handlers have run: removing from it is how a handler holds an activity back.
 */
function dropTracesOutsideEmulator(context: TurnContext): void {
  if (context.activity.channelId === EMULATOR) return;
  context.onSendActivities(async (_context, activities: Partial<Activity>[], next) => {
    for (let i = activities.length - 1; i >= 0; i--) if (activities[i]?.type === TRACE) activities.splice(i, 1);
    // A turn whose only activity was a trace (a dialog that ends silently) sends nothing: the adapter
    // throws on an empty list, and would turn a quiet turn into an error.
    return activities.length > 0 ? next() : [];
  });
}

function askedFrom(channelId: string | undefined): AskedFrom {
  if (channelId === 'msteams') return 'teams';
  if (channelId === 'directline' || channelId === 'webchat') return 'website';
  return 'other';
}

/** What became of a question, with the entry given; nothing for what is not a question (greetings, commands, menus). */
function talliedOutcome(decision: Decision | undefined): [Outcome, string?] | undefined {
  switch (decision?.kind) {
    case 'answer':
      return ['answered', decision.entry.id];
    case 'partial':
      return ['partial', decision.entry.id];
    case 'clarify':
      return ['didYouMean'];
    case 'unknown':
      return ['dontKnow'];
    default:
      return undefined;
  }
}

/** What a turn decided, as log fields: entry ids and scores, never the user's text. */
function decisionFields(decision: Decision | undefined): LogFields {
  if (!decision) return {};
  const top = 'search' in decision ? decision.search?.candidates[0] : undefined;
  return {
    decision: decision.kind,
    entryId: decision.kind === 'answer' || decision.kind === 'partial' ? decision.entry.id : undefined,
    via: decision.kind === 'answer' ? decision.via : undefined,
    offeredIds: decision.kind === 'clarify' ? decision.options.map((e) => e.id).join(',') : undefined,
    confidence: decision.kind === 'answer' ? Number(decision.confidence.toFixed(3)) : undefined,
    topCandidateId: top?.entry.id,
    topCandidateConfidence: top ? Number(top.confidence.toFixed(3)) : undefined,
  };
}
