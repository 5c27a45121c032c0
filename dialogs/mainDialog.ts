import { ComponentDialog, DialogTurnStatus, WaterfallDialog } from './dialogKit';
import type { DialogContext, DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import * as replies from '../src/bot/replies';
import { foldMessage, recogniseCommand, recognisePersonRequest, type Topic } from '../src/faq';
import { GOVERNANCE_DIALOG, GovernanceDialog } from './governanceDialog';
import { HANDOFF_CONSENT, HANDOFF_DIALOG, HANDOFF_START, type HandoffDialog, type HandoffStart } from './handoffDialog';
import { MEMBERSHIP_DIALOG, MembershipDialog } from './membershipDialog';
import { OFFICES_DIALOG, OfficesDialog } from './officesDialog';
import type { Responder } from './respond';
import { isReroute } from './topicDialog';

export const MAIN_DIALOG = 'MainDialog';
const ROUTE = 'MainDialog.route';

const TOPIC_DIALOGS: Record<Topic, string> = {
  governance: GOVERNANCE_DIALOG,
  membership: MEMBERSHIP_DIALOG,
  offices: OFFICES_DIALOG,
};

/**
 * Routes every message: commands, small talk, topic menus, asking a person, and questions. "help",
 * "cancel" and "start over" are caught here before any topic dialog sees them, so they work anywhere;
 * so is "Ask the supporter care team" clicked on an earlier card.
 */
export class MainDialog extends ComponentDialog {
  /** handoff: the dialog of asking a person, when handoff is configured. */
  constructor(
    private readonly responder: Responder,
    private readonly handoff?: HandoffDialog,
  ) {
    super(MAIN_DIALOG);
    this.addDialog(new WaterfallDialog(ROUTE, [this.route.bind(this), this.afterTopic.bind(this)]));
    this.addDialog(new GovernanceDialog(responder));
    this.addDialog(new MembershipDialog(responder));
    this.addDialog(new OfficesDialog(responder));
    if (handoff) this.addDialog(handoff);
    this.initialDialogId = ROUTE;
  }

  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const start = this.handoffStart(innerDc);
    if (start) {
      await innerDc.cancelAllDialogs();
      return innerDc.beginDialog(HANDOFF_DIALOG, start);
    }
    // foldMessage reads only what boundedMessage leaves of the text, as decide does, so a 64 KB message
    // costs no more here and is no more a command than there.
    const command = recogniseCommand(foldMessage(innerDc.context.activity.text ?? ''));
    if (!command) return super.onContinueDialog(innerDc);
    if (command === 'help') {
      // Help interrupts without losing the user's place: the active dialog keeps waiting.
      await this.responder.respond(innerDc.context, { kind: 'command', command });
      return { status: DialogTurnStatus.waiting };
    }
    const result = await innerDc.cancelAllDialogs();
    await this.responder.respond(innerDc.context, { kind: 'command', command });
    return result;
  }

  /** "Ask the supporter care team" was clicked this turn, and handoff is configured. */
  private handoffStart(dc: DialogContext): HandoffStart | undefined {
    return this.handoff ? (dc.context.turnState.get(HANDOFF_START) as HandoffStart | undefined) : undefined;
  }

  private async route(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const start = this.handoffStart(step);
    if (start) return step.beginDialog(HANDOFF_DIALOG, start);
    if (this.handoff && recognisePersonRequest(step.context.activity.text ?? '')) return step.beginDialog(HANDOFF_DIALOG, {});
    if (step.context.turnState.get(HANDOFF_CONSENT)) {
      // A consent card's button, clicked after its question was sent or cancelled.
      await step.context.sendActivity(replies.handoffStale());
      return step.endDialog();
    }
    const decision = await this.responder.decide(step.context);
    if (decision.kind === 'topic') {
      await this.responder.openTopic(step.context, decision.topic);
      return step.beginDialog(TOPIC_DIALOGS[decision.topic]);
    }
    await this.responder.respond(step.context, decision);
    return step.endDialog();
  }

  /** A topic dialog hands back a message that belongs elsewhere; route it again from the top. */
  private async afterTopic(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return isReroute(step.result) ? step.replaceDialog(ROUTE) : step.endDialog();
  }
}
