import type { TurnContext } from 'botbuilder';
import type { Decider, Decision } from '../src/conversation/decide';
import type { Entry } from '../src/knowledge/schema';
import * as replies from '../src/bot/replies';

/** Where a turn's decision is kept for the bot's log line and for `npm run ask`. */
export const TURN_DECISION = Symbol('turnDecision');

export function recordDecision(context: TurnContext, decision: Decision): void {
  context.turnState.set(TURN_DECISION, decision);
}

export async function sendAnswer(context: TurnContext, entry: Entry, decider: Decider): Promise<void> {
  const related = entry.related.map((id) => decider.index.entry(id)).filter((e): e is Entry => e !== undefined);
  await context.sendActivity(replies.answer(entry, related));
}

/** Replies to every decision that needs no dialog of its own: commands at top level, small talk, answers, "don't know". */
export async function respond(context: TurnContext, decision: Exclude<Decision, { kind: 'topic' }>, decider: Decider): Promise<void> {
  recordDecision(context, decision);
  switch (decision.kind) {
    case 'command':
      if (decision.command === 'help') await context.sendActivity(replies.help(decider.topics));
      else if (decision.command === 'cancel') await context.sendActivity(replies.cancelled());
      else await context.sendActivity(replies.restarted(decider.topics));
      return;
    case 'smallTalk':
      await context.sendActivity(replies.smallTalk(decision.smallTalk));
      return;
    case 'answer':
      await sendAnswer(context, decision.entry, decider);
      return;
    case 'unknown':
      await context.sendActivity(replies.dontKnow(decider.topics));
      return;
  }
}
