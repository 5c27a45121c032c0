import { resolve } from 'node:path';
import { expect } from 'chai';
import { DraftDesk, type VersionMeasure } from '../src/curation/draftDesk';
import type { CorpusFigures, Verdict } from '../src/curation/evaluation';
import { addPhrasing } from '../src/curation/knowledgeEdits';
import { readKnowledgeDir, type KnowledgeBase } from '../src/faq';
import { PROJECT_ROOT } from '../src/shared/projectRoot';
import { memoryKnowledgeVersions } from '../src/storage/knowledgeVersions';

const COMMITTED = readKnowledgeDir(resolve(PROJECT_ROOT, 'knowledge'));
const corpus = (answered: { question: string; entryId: string }[]): CorpusFigures => ({
  questions: 1000,
  facts: answered.length,
  answered,
  offers: 0,
  partials: 0,
});

/**
 * A measure that tells the versions apart by one phrasing: with it, one case goes wrong, one goes right,
 * one corpus question gets a fact and another loses one. The real measure runs the eval (tests/workbench.test.ts);
 * this one pins down how the desk compares two.
 */
function measureOf(kb: KnowledgeBase): VersionMeasure {
  const edited = kb.entries.some((e) => e.phrasings.includes('the marker phrasing'));
  const figures = { inScopeCorrect: 0.95, wrong: 0.01, outOfScopeAbstained: 0.99, smallTalkFacts: 0 };
  const cases = (verdicts: Verdict[]) =>
    ['a question', 'b question', 'c question'].map((asked, i) => ({ asked, verdict: verdicts[i] ?? 'correct', got: `got ${i}` }));
  return {
    figures,
    corpus: corpus(edited ? [{ question: 'is asda open', entryId: 'global-expansion' }] : [{ question: 'who judges juries', entryId: 'board-election' }]),
    markedOutOfScope: corpus([]),
    cases: edited ? cases(['correct', 'wrong', 'correct']) : cases(['abstained', 'correct', 'correct']),
    phrasings: [
      { entryId: 'icm-role', phrasing: 'what is the icm', got: edited ? "don't know" : 'answer icm-role' },
      { entryId: 'icm-role', phrasing: 'what does the council do', got: 'answer icm-role' },
      ...(edited ? [{ entryId: 'board-election', phrasing: 'the marker phrasing', got: 'answer board-election' }] : []),
    ],
  };
}

describe("the workbench's draft desk", () => {
  it('lists the cases and corpus questions a draft changes, the ones now wrong first, and measures each version once', async () => {
    const versions = memoryKnowledgeVersions();
    let measured = 0;
    const desk = new DraftDesk({
      versions,
      committedFiles: COMMITTED,
      measure: async (kb) => {
        measured += 1;
        return measureOf(kb);
      },
      ask: async () => undefined,
    });
    expect(await desk.review()).to.equal(undefined);
    expect(await desk.edit(undefined, (files) => addPhrasing(files, 'board-election', 'the marker phrasing'))).to.deep.equal({ kind: 'saved', revision: 1 });
    const review = await desk.review();
    expect(review?.changes).to.deep.equal({
      cases: [
        { asked: 'b question', before: 'correct', after: 'wrong', got: 'got 1', was: 'got 1' },
        { asked: 'a question', before: 'abstained', after: 'correct', got: 'got 0', was: 'got 0' },
      ],
      corpus: [
        { question: 'is asda open', after: 'global-expansion' },
        { question: 'who judges juries', before: 'board-election' },
      ],
      phrasings: [{ entryId: 'icm-role', phrasing: 'what is the icm', before: 'answer icm-role', after: "don't know" }],
    });
    expect(review?.measure).to.not.have.property('cases');
    expect(review?.measure).to.not.have.property('phrasings');
    await desk.review();
    expect(measured).to.equal(2);
  });

  it('never mistakes a discarded draft for its successor, which goes on numbering from the discard', async () => {
    const versions = memoryKnowledgeVersions();
    const desk = new DraftDesk({ versions, committedFiles: COMMITTED, measure: async (kb) => measureOf(kb), ask: async () => undefined });
    await desk.edit(undefined, (files) => addPhrasing(files, 'board-election', 'the marker phrasing'));
    expect((await desk.working()).kb.entries.find((e) => e.id === 'board-election')?.phrasings).to.include('the marker phrasing');
    expect(await desk.discard(1)).to.equal(true);
    await new Promise((wait) => setTimeout(wait, 2));
    await desk.edit(undefined, (files) => addPhrasing(files, 'icm-role', 'another phrasing'));
    const { kb, draft } = await desk.working();
    expect(draft?.revision, '1, discarded to a tombstone at 2, then 3').to.equal(3);
    expect(kb.entries.find((e) => e.id === 'board-election')?.phrasings).to.not.include('the marker phrasing');
    expect(kb.entries.find((e) => e.id === 'icm-role')?.phrasings).to.include('another phrasing');
  });

  it('refuses to publish when the eval cannot run, says why, and tries the eval again at the next review', async () => {
    const versions = memoryKnowledgeVersions();
    let fails = true;
    const desk = new DraftDesk({
      versions,
      committedFiles: COMMITTED,
      measure: async (kb) => {
        if (fails) throw new Error("ENOENT: no such file 'tests/eval/dev.yaml'");
        return measureOf(kb);
      },
      ask: async () => undefined,
    });
    await desk.edit(undefined, (files) => addPhrasing(files, 'board-election', 'the marker phrasing'));
    const blocked = await desk.publish(1, 'no eval here');
    expect(blocked.kind).to.equal('blocked');
    expect(blocked.kind === 'blocked' && blocked.review.gateFailures).to.deep.equal([
      "the eval could not run (ENOENT: no such file 'tests/eval/dev.yaml'), and a publish needs it",
    ]);
    expect(await versions.current()).to.equal(1);
    fails = false;
    expect(await desk.publish(1, 'with the eval')).to.deep.equal({ kind: 'published', version: 2 });
  });
});
