import { committedRankingModel, type Decision, type Reading, type Unsaid } from '../faq';

/** How many candidates have their features shown. */
const EXPLAINED = 3;

/** Why the bot read only part of a message, said to a curator. */
const READING_NOTES: Record<Exclude<Reading, 'whole'>, string> = {
  'asking part': 'the rest says who asks or why',
  'without the writer': 'without what the writer says of themselves',
  'one option': 'one side of the "or", which is enough to answer',
};

/** One candidate entry of a search, and why it ranked where it did. */
interface ExplainedCandidate {
  entryId: string;
  confidence: number;
  /** The question or phrasing of the entry the message came nearest to. */
  matched: string;
  /** Each feature's value and what it added to the candidate's utility: for the best few only. */
  features: { feature: string; value: number; contribution: number }[];
}

/** A decision as a curator reads it: what the bot did, why, and the candidates it weighed. */
export interface ExplainedDecision {
  what: string;
  reason: string;
  context?: string;
  questionType?: string;
  candidates: ExplainedCandidate[];
  /** What else shaped the search: names an answer must mention, unknown words, typos read. */
  notes: string[];
}

function reason(decision: Decision): string {
  switch (decision.kind) {
    case 'command':
      return `"${decision.command}" is a command, recognised before anything else and anywhere in a conversation`;
    case 'smallTalk':
      return `recognised as small talk (${decision.smallTalk}); small talk never gets a fact`;
    case 'topic':
      return `asks for the ${decision.topic} topic menu`;
    default:
      return decision.reason;
  }
}

/** What a partial reply says the page lacks, for a curator: ` (time, "open")`. */
function unsaidNote(unsaid: Unsaid): string {
  const what = [...(unsaid.type ? [unsaid.type] : []), ...unsaid.words.map((word) => `"${word}"`)];
  return what.length > 0 ? ` (${what.join(', ')})` : '';
}

/** What the bot did, in brief: "answer board-election", "don't know". */
export function outcomeOf(decision: Decision): string {
  switch (decision.kind) {
    case 'answer':
      return `answer ${decision.entry.id}`;
    case 'clarify':
      return `did you mean: ${decision.options.map((e) => e.id).join(', ')} (or none of these)`;
    case 'partial':
      return `partial: the page does not say${unsaidNote(decision.unsaid)}; what it says about ${decision.entry.id}`;
    case 'unknown':
      return "don't know";
    case 'command':
      return `command ${decision.command}`;
    case 'smallTalk':
      return `small talk ${decision.smallTalk}`;
    case 'topic':
      return `topic menu ${decision.topic}`;
  }
}

/** For `npm run ask` and the workbench's test pane alike. */
export function explainDecision(decision: Decision): ExplainedDecision {
  const explained: ExplainedDecision = { what: outcomeOf(decision), reason: reason(decision), candidates: [], notes: [] };
  if (!('search' in decision) || !decision.search) return explained;
  const { search } = decision;
  const model = committedRankingModel();
  explained.context = decision.topic ? `the ${decision.topic} topic (its entries win near-ties)` : 'none';
  explained.questionType = search.questionType ?? 'not stated';
  explained.candidates = search.candidates.map((c, i) => ({
    entryId: c.entry.id,
    confidence: c.confidence,
    matched: c.matchedPhrasing,
    features: i < EXPLAINED ? model.explain(c.evidence) : [],
  }));
  if (search.readAs) explained.notes.push(`Read as the question: "${search.readAs.text.trim()}" (${READING_NOTES[search.readAs.reading]})`);
  if (search.specifiers.length) explained.notes.push(`Names, numbers and details an answer must mention too: ${search.specifiers.join(', ')}`);
  if (search.counted.length) explained.notes.push(`Counts asked for (an answer must count one of them): ${search.counted.join(', ')}`);
  if (search.unknownWords.length) explained.notes.push(`Words the knowledge base does not know: ${search.unknownWords.join(', ')}`);
  if (search.corrections.length) explained.notes.push(`Read typos as: ${search.corrections.map((c) => `${c.typed} → ${c.read}`).join(', ')}`);
  return explained;
}
