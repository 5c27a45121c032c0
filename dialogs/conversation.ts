import type { Activity, StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { Decider, Decision, Entry, Topic, TopicInfo } from '../src/faq';
import { keptQuestion } from '../src/handoff/ticket';
import type { Utterance, Voice } from './utterance';

/**
 * What the conversation remembers between turns for follow-ups: entry ids only, never the user's words.
 * Reset when the subject changes (a new answer, a topic menu) and on "cancel" or "start over".
 */
export interface FollowUpMemory {
  /** The entry answered last: "how often is it held?" is read against its subject. */
  lastEntryId?: string;
  /** The entries a "did you mean" or a topic menu offered, which the next message may pick by number or name. */
  offeredIds?: string[];
}

/** Whether a question can be passed to a person now; absent when handoff is not configured. */
export interface HandoffAvailability {
  available(): Promise<boolean>;
}

/** Where a turn's decision is kept for the bot's log line and for `npm run ask`. */
export const TURN_DECISION = Symbol('turnDecision');
/** The message's meaning, decided once per turn by whichever dialog reads it first. */
const TURN_MEANING = Symbol('turnMeaning');

function recordDecision(context: TurnContext, decision: Decision): void {
  context.turnState.set(TURN_DECISION, decision);
}

/** Everything but a topic request, which opens a dialog instead of getting a reply here. */
export type Reply = Exclude<Decision, { kind: 'topic' }>;

/**
 * The conversation as the dialogs see it, and all they see of the bot: what this turn's message means in
 * the light of what came before (decided once per turn), the knowledge base's entries and topics, and a
 * voice to answer with. The dialogs choose where a message goes; this reads it and says the reply.
 */
export class Conversation {
  constructor(
    /** The decider of the knowledge version served now: a curator's publish swaps it between turns. */
    private readonly deciders: () => Decider,
    private readonly memory: StatePropertyAccessor<FollowUpMemory>,
    private readonly voice: Voice,
    private readonly handoff?: HandoffAvailability,
  ) {}

  /**
   * What this turn's message means, in the light of what was answered and offered before; `topic` is the
   * topic dialog it arrived in. Decided once per turn: a message that MainDialog reads first, and that a
   * topic dialog then hands back to it, is not decided again.
   */
  async decide(context: TurnContext, topic?: Topic): Promise<Decision> {
    const decided = context.turnState.get<Decision | undefined>(TURN_MEANING);
    if (decided) return decided;
    const memory = await this.memory.get(context, {});
    const decision = this.deciders().decide(context.activity.text ?? '', {
      topic,
      lastEntry: memory.lastEntryId ? this.deciders().entry(memory.lastEntryId) : undefined,
      offered: this.entries(memory.offeredIds ?? []),
    });
    context.turnState.set(TURN_MEANING, decision);
    return decision;
  }

  /** The entry with this id, if the knowledge base still has it (a curator may have removed it). */
  entry(id: string): Entry | undefined {
    return this.deciders().entry(id);
  }

  topic(topic: Topic): TopicInfo {
    return this.deciders().topic(topic);
  }

  entriesOf(topic: Topic): Entry[] {
    return this.deciders().entriesOf(topic);
  }

  /** One thing to say, as this turn's channel shows it: for a prompt, which sends it itself. */
  render(context: TurnContext, what: Utterance): Partial<Activity> {
    return this.voice.render(what, context.activity.channelId);
  }

  /** Says one thing, as this turn's channel shows it. */
  async say(context: TurnContext, what: Utterance): Promise<void> {
    await context.sendActivity(this.render(context, what));
  }

  /** The entries these ids name; an id the knowledge base no longer has (after a curator's edit) is skipped. */
  private entries(ids: readonly string[]): Entry[] {
    return ids.map((id) => this.deciders().entry(id)).filter((e): e is Entry => e !== undefined);
  }

  /**
   * A topic menu changes the subject: follow-ups start afresh, and the menu's questions are offered, to be
   * picked as a "did you mean" is: by number, ordinal, label or question.
   */
  async openTopic(context: TurnContext, topic: Topic): Promise<void> {
    recordDecision(context, { kind: 'topic', topic });
    await this.memory.set(context, { offeredIds: this.entriesOf(topic).map((e) => e.id) });
  }

  async respond(context: TurnContext, decision: Reply): Promise<void> {
    recordDecision(context, decision);
    await this.remember(context, decision);
    switch (decision.kind) {
      case 'command':
        await this.say(context, { kind: decision.command === 'help' ? 'help' : decision.command === 'cancel' ? 'cancelled' : 'restarted' });
        return;
      case 'smallTalk':
        await this.say(context, { kind: 'smallTalk', smallTalk: decision.smallTalk });
        return;
      case 'answer': {
        const asked = decision.via === 'picked' ? '' : keptQuestion(context.activity.text ?? '');
        await this.say(context, { kind: 'answer', entry: decision.entry, related: this.entries(decision.entry.related), ...(asked ? { asked } : {}) });
        return;
      }
      case 'clarify':
        await this.say(context, { kind: 'didYouMean', options: decision.options });
        return;
      case 'partial':
      case 'unknown':
        await this.say(
          context,
          decision.kind === 'partial'
            ? { kind: 'partial', entry: decision.entry, unsaid: decision.unsaid }
            : { kind: 'dontKnow', ...(decision.nearest ? { nearest: decision.nearest } : {}) },
        );
        if (await this.handoff?.available()) {
          // A real question comes with the offer, and the entry the bot nearly gave; "none of these" does not.
          const nearest = decision.kind === 'partial' ? decision.entry.id : decision.search?.candidates[0]?.entry.id;
          const question = decision.search ? keptQuestion(context.activity.text ?? '') : '';
          await this.say(context, { kind: 'handoffOffer', ...(question ? { question } : {}), ...(nearest ? { entryId: nearest } : {}) });
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
        await this.memory.set(context, {
          lastEntryId: sharedSubject(decision.options)?.id ?? memory.lastEntryId,
          offeredIds: decision.options.map((e) => e.id),
        });
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
