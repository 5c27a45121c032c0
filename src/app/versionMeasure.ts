import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { evaluateCases, figures, parseCases, parseQuestions, scoreQuestions, type Converse } from '../curation/evaluation';
import type { VersionMeasure } from '../curation/draftDesk';
import { outcomeOf } from '../curation/explainDecision';
import type { Decision, KnowledgeBase } from '../faq';
import { PROJECT_ROOT } from '../shared/projectRoot';
import { decidingConversations } from './probe';

/** The evaluation data a publish is measured with: the development split and the out-of-scope corpus, as `npm run eval` uses them. */
const DEV_SPLIT_FILE = 'tests/eval/dev.yaml';
const OUT_OF_SCOPE_FILE = 'tests/eval/out-of-scope.yaml';

/**
 * The eval of a knowledge version through the real bot, as the workbench's publish runs it. The files are
 * read once; the cases that name an entry the version no longer has are left out, and the figures say so by
 * their case count.
 */
export function measureVersions(root = PROJECT_ROOT): (kb: KnowledgeBase) => Promise<VersionMeasure> {
  let data: { dev: string; corpus: string[] } | undefined;
  return async (kb) => {
    data ??= {
      dev: readFileSync(resolve(root, DEV_SPLIT_FILE), 'utf8'),
      corpus: parseQuestions(readFileSync(resolve(root, OUT_OF_SCOPE_FILE), 'utf8'), OUT_OF_SCOPE_FILE),
    };
    const conversations = decidingConversations(kb);
    const results = await evaluateCases(parseCases(data.dev, DEV_SPLIT_FILE, kb, true), conversations);
    return {
      figures: figures(results),
      cases: results.map((r) => ({
        asked: [...r.case.turns, r.case.say].join(' | '),
        verdict: r.verdict,
        got: r.decision ? outcomeOf(r.decision) : 'nothing',
      })),
      phrasings: await askEachPhrasing(kb, conversations),
      corpus: await scoreQuestions(data.corpus, conversations),
      markedOutOfScope: await scoreQuestions(kb.outOfScope, conversations),
    };
  };
}

/** Each entry's question and phrasings, each in a conversation of its own: what the bot does with its own words. */
async function askEachPhrasing(kb: KnowledgeBase, conversations: () => Converse): Promise<VersionMeasure['phrasings']> {
  const outcomes: VersionMeasure['phrasings'] = [];
  for (const entry of kb.entries) {
    for (const phrasing of [entry.question, ...entry.phrasings]) {
      const decision = await conversations()(phrasing);
      outcomes.push({ entryId: entry.id, phrasing, got: decision ? outcomeOf(decision) : 'nothing' });
    }
  }
  return outcomes;
}

/** One question in a new conversation with the real bot serving `kb`: the test pane's. */
export async function askOnce(kb: KnowledgeBase, question: string): Promise<Decision | undefined> {
  return decidingConversations(kb, { keepAllCandidates: true })()(question);
}
