import { ComponentDialog, Dialog, WaterfallDialog } from './dialogKit';
import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import type { Topic } from '../src/faq';
import type { Conversation } from './conversation';

/** Each topic's dialog id: one TopicDialog per topic, told apart by these and nothing else. */
export const TOPIC_DIALOGS: Readonly<Record<Topic, string>> = {
  governance: 'GovernanceDialog',
  membership: 'MembershipDialog',
  offices: 'OfficesDialog',
};

/** The topic whose dialog has this id, if it is one. */
export function topicOfDialog(id: string | undefined): Topic | undefined {
  return (Object.keys(TOPIC_DIALOGS) as Topic[]).find((topic) => TOPIC_DIALOGS[topic] === id);
}

/** Returned when a message belongs to another topic or to no topic: MainDialog routes it again. */
export interface RerouteResult {
  reroute: true;
}

export function isReroute(result: unknown): result is RerouteResult {
  return typeof result === 'object' && result !== null && (result as RerouteResult).reroute;
}

/**
 * One topic's conversation: an overview and its questions as choices, then answers to whatever follows,
 * preferring the topic's own entries, until a message belongs elsewhere.
 */
export class TopicDialog extends ComponentDialog {
  private readonly menuId: string;
  private readonly followUpId: string;

  constructor(
    private readonly topic: Topic,
    private readonly conversation: Conversation,
  ) {
    const id = TOPIC_DIALOGS[topic];
    super(id);
    this.menuId = `${id}.menu`;
    this.followUpId = `${id}.followUp`;
    this.addDialog(new WaterfallDialog(this.menuId, [this.showMenu.bind(this), this.handleMessage.bind(this)]));
    this.addDialog(new WaterfallDialog(this.followUpId, [async () => Dialog.EndOfTurn, this.handleMessage.bind(this)]));
    this.initialDialogId = this.menuId;
  }

  /**
   * The menu is a list of offered questions (Conversation.openTopic), picked as a "did you mean" is, so the
   * next message needs no prompt of its own: a ChoicePrompt would load botbuilder's number and date
   * recognisers for every start and run them on every reply, to read what the decision reads already.
   */
  private async showMenu(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { conversation } = this;
    await conversation.openTopic(step.context, this.topic);
    await conversation.say(step.context, { kind: 'topicOverview', topic: conversation.topic(this.topic) });
    await conversation.say(step.context, { kind: 'topicMenu', entries: conversation.entriesOf(this.topic) });
    return Dialog.EndOfTurn;
  }

  /** A message while the topic is open; one that belongs elsewhere goes back to MainDialog, which has its decision. */
  private async handleMessage(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const decision = await this.conversation.decide(step.context, this.topic);
    switch (decision.kind) {
      case 'topic':
        if (decision.topic !== this.topic) return step.endDialog({ reroute: true });
        return step.replaceDialog(this.menuId);
      case 'answer':
        if (decision.entry.topic !== this.topic) return step.endDialog({ reroute: true });
        break;
      case 'smallTalk':
        if (decision.smallTalk === 'bye') {
          await this.conversation.respond(step.context, decision);
          return step.endDialog();
        }
        break;
    }
    await this.conversation.respond(step.context, decision);
    return step.replaceDialog(this.followUpId);
  }
}
