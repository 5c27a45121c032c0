import { ChoicePrompt, ComponentDialog, Dialog, ListStyle, WaterfallDialog } from './dialogKit';
import type { DialogTurnResult, FoundChoice, WaterfallStepContext } from 'botbuilder-dialogs';
import type { Topic } from '../src/faq';
import * as replies from '../src/bot/replies';
import type { Responder } from './respond';

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
    private readonly responder: Responder,
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
    const { decider } = this.responder;
    await step.context.sendActivity(replies.topicOverview(decider.topic(this.topic)));
    const entries = decider.entriesOf(this.topic);
    return step.prompt(this.choiceId, {
      prompt: replies.topicMenu(entries, step.context.activity.channelId),
      choices: replies.topicChoices(entries),
      // The menu above already shows the choices, in a form that suits the channel.
      style: ListStyle.none,
    });
  }

  private async handleMessage(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const decision = await this.responder.decide(step.context, this.topic);
    const picked = typeof step.result === 'object' ? (step.result as FoundChoice | undefined) : undefined;
    const pickedEntry = picked && this.responder.decider.index.entry(picked.value);
    // A question in words wins; the prompt's own recognition only catches what words cannot, like "2".
    if ((decision.kind === 'unknown' || decision.kind === 'clarify') && pickedEntry) {
      await this.responder.respond(step.context, { kind: 'answer', entry: pickedEntry, confidence: 1, via: 'picked', reason: 'picked from the topic menu', topic: this.topic });
      return step.replaceDialog(this.followUpId);
    }
    switch (decision.kind) {
      case 'topic':
        if (decision.topic !== this.topic) return step.endDialog({ reroute: true });
        await this.responder.openTopic(step.context, this.topic);
        return step.replaceDialog(this.menuId);
      case 'answer':
        if (decision.entry.topic !== this.topic) return step.endDialog({ reroute: true });
        break;
      case 'smallTalk':
        if (decision.smallTalk === 'bye') {
          await this.responder.respond(step.context, decision);
          return step.endDialog();
        }
        break;
      case 'command':
        // MainDialog handles commands before they reach a topic; routing them again keeps one place for them.
        return step.endDialog({ reroute: true });
    }
    await this.responder.respond(step.context, decision);
    return step.replaceDialog(this.followUpId);
  }
}
