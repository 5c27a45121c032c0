import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { Decider, Decision, Entry, Topic } from '../src/faq';
import * as replies from '../src/bot/replies';
import type { FollowUpMemory } from '../src/bot/state';
import { keptQuestion } from '../src/handoff/ticket';

/** Whether a question can be passed to a person now; absent when handoff is not configured. */
export interface HandoffAvailability {
  available(): Promise<boolean>;
}

/** Where a turn's decision is kept for the bot's log line and for `npm run ask`. */
export const TURN_DECISION = Symbol('turnDecision');

export function recordDecision(context: TurnContext, decision: Decision): void {
  context.turnState.set(TURN_DECISION, decision);
}

/** Everything but a topic request, which opens a dialog instead of getting a reply here. */
export type Reply = Exclude<Decision, { kind: 'topic' }>;

/**
 * Decides and replies for the dialogs, with the conversation's follow-up memory: the dialogs choose
 * where a message goes, this decides what it means in context and answers it.
 */
export class Responder {
  constructor(
    readonly decider: Decider,
    private readonly memory: StatePropertyAccessor<FollowUpMemory>,
    readonly handoff?: HandoffAvailability,
  ) {}

  /** Decides a message in the light of what was answered and offered before; `topic` is the dialog it arrived in. */
  async decide(context: TurnContext, topic?: Topic): Promise<Decision> {
    const memory = await this.memory.get(context, {});
    return this.decider.decide(context.activity.text ?? '', {
      topic,
      lastEntry: memory.lastEntryId ? this.decider.index.entry(memory.lastEntryId) : undefined,
      offered: this.entries(memory.offeredIds ?? []),
    });
  }

  /** The entries these ids name; an id the knowledge base no longer has (after a curator's edit) is skipped. */
  private entries(ids: readonly string[]): Entry[] {
    return ids.map((id) => this.decider.index.entry(id)).filter((e): e is Entry => e !== undefined);
  }

  /** A topic menu changes the subject: follow-ups start afresh. */
  async openTopic(context: TurnContext, topic: Topic): Promise<void> {
    recordDecision(context, { kind: 'topic', topic });
    await this.memory.set(context, {});
  }

  async respond(context: TurnContext, decision: Reply): Promise<void> {
    recordDecision(context, decision);
    await this.remember(context, decision);
    const topics = this.decider.topics;
    switch (decision.kind) {
      case 'command':
        if (decision.command === 'help') await context.sendActivity(replies.help(topics));
        else if (decision.command === 'cancel') await context.sendActivity(replies.cancelled());
        else await context.sendActivity(replies.restarted(topics));
        return;
      case 'smallTalk':
        await context.sendActivity(replies.smallTalk(decision.smallTalk));
        return;
      case 'answer': {
        await context.sendActivity(replies.answer(decision.entry, this.entries(decision.entry.related), context.activity.channelId));
        return;
      }
      case 'clarify':
        await context.sendActivity(replies.didYouMean(decision.options));
        return;
      case 'partial':
      case 'unknown':
        await context.sendActivity(decision.kind === 'partial' ? replies.partial(decision.entry) : replies.dontKnow(topics));
        if (await this.handoff?.available()) {
          // A real question comes with the offer, and the entry the bot nearly gave; "none of these" does not.
          const nearest = decision.kind === 'partial' ? decision.entry.id : decision.search?.candidates[0]?.entry.id;
          const question = decision.search ? keptQuestion(context.activity.text ?? '') : '';
          await context.sendActivity(replies.handoffOffer({ ...(question ? { question } : {}), ...(nearest ? { entryId: nearest } : {}) }, context.activity.channelId));
        }
        return;
    }
  }

  private async remember(context: TurnContext, decision: Reply): Promise<void> {
    const memory = await this.memory.get(context, {});
    switch (decision.kind) {
      case 'answer':
        await this.memory.set(context, { lastEntryId: decision.entry.id });
        return;
      case 'clarify':
        // Options about one subject make it what "it" or "they" means next: "who appoints them?" after a
        // choice between questions about the Secretary General. Options about several keep what was before.
        await this.memory.set(context, { lastEntryId: sharedSubject(decision.options)?.id ?? memory.lastEntryId, offeredIds: decision.options.map((e) => e.id) });
        return;
      case 'command':
        // Help keeps the user's place; cancel and start over forget it.
        await this.memory.set(context, decision.command === 'help' ? memory : {});
        return;
      case 'smallTalk':
        await this.memory.set(context, decision.smallTalk === 'bye' ? {} : { lastEntryId: memory.lastEntryId });
        return;
      case 'partial':
        // Its subject is what "it" means next: "where is it, then?" after the hubs.
        await this.memory.set(context, { lastEntryId: decision.entry.id });
        return;
      case 'unknown':
        await this.memory.set(context, { lastEntryId: memory.lastEntryId });
        return;
    }
  }
}

/** The first option, if every option is about the same subject; it stands for that subject in follow-ups. */
function sharedSubject(options: readonly Entry[]): Entry | undefined {
  const [first] = options;
  return first && options.every((e) => e.subject === first.subject) ? first : undefined;
}
