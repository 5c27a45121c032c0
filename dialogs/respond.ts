import type { TurnContext } from 'botbuilder';
import type { Decider, Decision } from '../src/conversation/decide';
import type { Entry } from '../src/knowledge/schema';
import * as replies from '../src/bot/replies';

/** What the turn decided, for the bot's one log line per turn. Holds entry ids and scores, never user text. */
export interface TurnOutcome {
  decision: Decision['kind'];
  entryId?: string;
  confidence?: number;
  topCandidateId?: string;
  topCandidateConfidence?: number;
}

export const TURN_OUTCOME = Symbol('turnOutcome');

export function recordOutcome(context: TurnContext, decision: Decision): void {
  const top = 'search' in decision ? decision.search.candidates[0] : undefined;
  const outcome: TurnOutcome = {
    decision: decision.kind,
    entryId: decision.kind === 'answer' ? decision.entry.id : undefined,
    confidence: decision.kind === 'answer' ? Number(decision.confidence.toFixed(3)) : undefined,
    topCandidateId: top?.entry.id,
    topCandidateConfidence: top ? Number(top.confidence.toFixed(3)) : undefined,
  };
  context.turnState.set(TURN_OUTCOME, outcome);
}

export async function sendAnswer(context: TurnContext, entry: Entry, decider: Decider): Promise<void> {
  const related = entry.related.map((id) => decider.index.entry(id)).filter((e): e is Entry => e !== undefined);
  await context.sendActivity(replies.answer(entry, related));
}

/** Replies to every decision that needs no dialog of its own: commands at top level, small talk, answers, "don't know". */
export async function respond(context: TurnContext, decision: Exclude<Decision, { kind: 'topic' }>, decider: Decider): Promise<void> {
  recordOutcome(context, decision);
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
