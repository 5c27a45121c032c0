import { ComponentDialog, DialogTurnStatus, WaterfallDialog } from './dialogKit';
import type { DialogContext, DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { recognisePersonRequest, type Topic } from '../src/faq';
import type { HandoffDialog } from './handoffDialog';
import { HANDOFF_CONSENT, HANDOFF_DIALOG, HANDOFF_START, type HandoffStart } from './handoffTurn';
import type { Conversation } from './conversation';
import { isReroute, TOPIC_DIALOGS, TopicDialog, topicOfDialog } from './topicDialog';

const MAIN_DIALOG = 'MainDialog';
const ROUTE = 'MainDialog.route';

/**
 * Routes every message: commands, small talk, topic menus, asking a person, and questions. "help",
 * "cancel" and "start over" are caught here before any topic dialog sees them, so they work anywhere;
 * so is "Ask the supporter care team" clicked on an earlier card.
 */
export class MainDialog extends ComponentDialog {
  /** handoff: the dialog of asking a person, when handoff is configured. */
  constructor(
    private readonly conversation: Conversation,
    private readonly handoff?: HandoffDialog,
  ) {
    super(MAIN_DIALOG);
    this.addDialog(new WaterfallDialog(ROUTE, [this.route.bind(this), this.afterTopic.bind(this)]));
    for (const topic of Object.keys(TOPIC_DIALOGS) as Topic[]) this.addDialog(new TopicDialog(topic, conversation));
    if (handoff) this.addDialog(handoff);
    this.initialDialogId = ROUTE;
  }

  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const start = this.handoffStart(innerDc);
    if (start) {
      await innerDc.cancelAllDialogs();
      return innerDc.beginDialog(HANDOFF_DIALOG, start);
    }
    // The message is decided here, once, in the light of the open topic; the dialog it continues reads the
    // same decision, so commands are caught in this one place whatever is open.
    const decision = await this.conversation.decide(innerDc.context, topicOfDialog(innerDc.activeDialog?.id));
    if (decision.kind !== 'command') return super.onContinueDialog(innerDc);
    if (decision.command === 'help') {
      // Help interrupts without losing the user's place: the active dialog keeps waiting.
      await this.conversation.respond(innerDc.context, decision);
      return { status: DialogTurnStatus.waiting };
    }
    const result = await innerDc.cancelAllDialogs();
    await this.conversation.respond(innerDc.context, decision);
    return result;
  }

  /** "Ask the supporter care team" was clicked this turn, and handoff is configured. */
  private handoffStart(dc: DialogContext): HandoffStart | undefined {
    return this.handoff ? dc.context.turnState.get<HandoffStart | undefined>(HANDOFF_START) : undefined;
  }

  private async route(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const start = this.handoffStart(step);
    if (start) return step.beginDialog(HANDOFF_DIALOG, start);
    if (this.handoff && recognisePersonRequest(step.context.activity.text ?? '')) return step.beginDialog(HANDOFF_DIALOG, {});
    if (step.context.turnState.get(HANDOFF_CONSENT)) {
      // A consent card's button, clicked after its question was sent or cancelled.
      await this.conversation.say(step.context, { kind: 'handoffStale' });
      return step.endDialog();
    }
    const decision = await this.conversation.decide(step.context);
    if (decision.kind === 'topic') return step.beginDialog(TOPIC_DIALOGS[decision.topic]);
    await this.conversation.respond(step.context, decision);
    return step.endDialog();
  }

  /** A dialog hands back a message that belongs elsewhere; route it again from the top, with the decision already made. */
  private async afterTopic(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return isReroute(step.result) ? step.replaceDialog(ROUTE) : step.endDialog();
  }
}
