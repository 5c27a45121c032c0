import {
  ChoicePrompt,
  ComponentDialog,
  Dialog,
  ListStyle,
  WaterfallDialog,
  type DialogTurnResult,
  type FoundChoice,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { Decider } from '../src/conversation/decide';
import type { Topic } from '../src/knowledge/schema';
import * as replies from '../src/bot/replies';
import { recordDecision, respond, sendAnswer } from './respond';

/** Returned when a message belongs to another topic or to no topic: MainDialog routes it again. */
export interface RerouteResult {
  reroute: true;
}

export function isReroute(result: unknown): result is RerouteResult {
  return typeof result === 'object' && result !== null && (result as RerouteResult).reroute === true;
}

/**
 * One topic's conversation: an overview and its questions as choices, then answers to whatever follows,
 * preferring the topic's own entries, until a message belongs elsewhere.
 */
export class TopicDialog extends ComponentDialog {
  private readonly menuId: string;
  private readonly followUpId: string;
  private readonly choiceId: string;

  constructor(
    id: string,
    private readonly topic: Topic,
    private readonly decider: Decider,
  ) {
    super(id);
    this.menuId = `${id}.menu`;
    this.followUpId = `${id}.followUp`;
    this.choiceId = `${id}.choice`;
    // Anything typed is accepted: a question in the user's own words is handled in handleMessage.
    this.addDialog(new ChoicePrompt(this.choiceId, async () => true));
    this.addDialog(new WaterfallDialog(this.menuId, [this.showMenu.bind(this), this.handleMessage.bind(this)]));
    this.addDialog(new WaterfallDialog(this.followUpId, [async () => Dialog.EndOfTurn, this.handleMessage.bind(this)]));
    this.initialDialogId = this.menuId;
  }

  private async showMenu(step: WaterfallStepContext): Promise<DialogTurnResult> {
    await step.context.sendActivity(replies.topicOverview(this.decider.topic(this.topic)));
    return step.prompt(this.choiceId, {
      prompt: replies.TOPIC_MENU_PROMPT,
      choices: replies.topicChoices(this.decider.entriesOf(this.topic)),
      style: ListStyle.auto,
    });
  }

  private async handleMessage(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const decision = this.decider.decide(step.context.activity.text ?? '', { topic: this.topic });
    const picked = typeof step.result === 'object' ? (step.result as FoundChoice | undefined) : undefined;
    const pickedEntry = picked && this.decider.index.entry(picked.value);
    // A question in words wins; the prompt's own recognition only catches what words cannot, like "2".
    if (decision.kind === 'unknown' && pickedEntry) {
      recordDecision(step.context, { kind: 'answer', entry: pickedEntry, confidence: 1, search: decision.search, topic: this.topic, picked: true });
      await sendAnswer(step.context, pickedEntry, this.decider);
      return step.replaceDialog(this.followUpId);
    }
    switch (decision.kind) {
      case 'topic':
        return decision.topic === this.topic ? step.replaceDialog(this.menuId) : step.endDialog({ reroute: true });
      case 'answer':
        if (decision.entry.topic !== this.topic) return step.endDialog({ reroute: true });
        break;
      case 'smallTalk':
        if (decision.smallTalk === 'bye') {
          await respond(step.context, decision, this.decider);
          return step.endDialog();
        }
        break;
      case 'command':
        // MainDialog handles commands before they reach a topic; routing them again keeps one place for them.
        return step.endDialog({ reroute: true });
    }
    await respond(step.context, decision, this.decider);
    return step.replaceDialog(this.followUpId);
  }
}
