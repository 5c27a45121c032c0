import { ChoicePrompt, ComponentDialog, Dialog, ListStyle, WaterfallDialog } from './dialogKit';
import type { Choice, DialogTurnResult, FoundChoice, WaterfallStepContext } from 'botbuilder-dialogs';
import type { Entry, Topic } from '../src/faq';
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

/** Topic questions as the menu prompt recognises them: by number, label or the full question a button sends. */
function topicChoices(entries: readonly Entry[]): Choice[] {
  return entries.map((e) => ({ value: e.id, synonyms: [e.label, e.question] }));
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
  private readonly choiceId: string;

  constructor(
    private readonly topic: Topic,
    private readonly conversation: Conversation,
  ) {
    const id = TOPIC_DIALOGS[topic];
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
    const { conversation } = this;
    await conversation.say(step.context, { kind: 'topicOverview', topic: conversation.topic(this.topic) });
    const entries = conversation.entriesOf(this.topic);
    return step.prompt(this.choiceId, {
      prompt: conversation.render(step.context, { kind: 'topicMenu', entries }),
      choices: topicChoices(entries),
      // The menu above already shows the choices, in a form that suits the channel.
      style: ListStyle.none,
    });
  }

  /** A message while the topic is open; one that belongs elsewhere goes back to MainDialog, which has its decision. */
  private async handleMessage(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const decision = await this.conversation.decide(step.context, this.topic);
    const picked = typeof step.result === 'object' ? (step.result as FoundChoice | undefined) : undefined;
    const pickedEntry = picked && this.conversation.entry(picked.value);
    // A question in words wins; the prompt's own recognition only catches what words cannot, like "2".
    if ((decision.kind === 'unknown' || decision.kind === 'clarify') && pickedEntry) {
      await this.conversation.respond(step.context, {
        kind: 'answer',
        entry: pickedEntry,
        confidence: 1,
        via: 'picked',
        reason: 'picked from the topic menu',
        topic: this.topic,
      });
      return step.replaceDialog(this.followUpId);
    }
    switch (decision.kind) {
      case 'topic':
        if (decision.topic !== this.topic) return step.endDialog({ reroute: true });
        await this.conversation.openTopic(step.context, this.topic);
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
