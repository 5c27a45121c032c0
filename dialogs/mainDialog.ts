import {
  ComponentDialog,
  DialogTurnStatus,
  WaterfallDialog,
  type DialogContext,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { recogniseCommand } from '../src/faq/analysis/intents';
import type { Topic } from '../src/faq/knowledge/schema';
import { GOVERNANCE_DIALOG, GovernanceDialog } from './governanceDialog';
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
 * Routes every message: commands, small talk, topic menus and questions. "help", "cancel" and
 * "start over" are caught here before any topic dialog sees them, so they work anywhere.
 */
export class MainDialog extends ComponentDialog {
  constructor(private readonly responder: Responder) {
    super(MAIN_DIALOG);
    this.addDialog(new WaterfallDialog(ROUTE, [this.route.bind(this), this.afterTopic.bind(this)]));
    this.addDialog(new GovernanceDialog(responder));
    this.addDialog(new MembershipDialog(responder));
    this.addDialog(new OfficesDialog(responder));
    this.initialDialogId = ROUTE;
  }

  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    // The raw text, as long as the channel sent it: recogniseCommand reads only what boundedMessage leaves
    // of it, as decide does, so a 64 KB message costs no more here and is no more a command than there.
    const command = recogniseCommand(innerDc.context.activity.text ?? '');
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

  private async route(step: WaterfallStepContext): Promise<DialogTurnResult> {
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
