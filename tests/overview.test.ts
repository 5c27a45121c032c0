import { expect } from 'chai';
import { busiestEntries, dailyOutcomes } from '../src/curation/overview';
import { TurnTally } from '../src/curation/turnTally';
import { memoryCurationLog, type CurationInput, type CurationLog } from '../src/storage/curationLog';

describe("the overview's counts (issue #9)", () => {
  it('tallies the outcomes of each UTC day and the entries answered, writing one record per day when flushed', async () => {
    let now = new Date('2026-03-01T23:59:00Z');
    const tally = new TurnTally(() => now);
    tally.count('answered', 'icm-frequency');
    tally.count('dontKnow');
    now = new Date('2026-03-02T00:01:00Z');
    tally.count('answered', 'icm-frequency');
    tally.count('partial', 'regional-hubs');
    tally.count('didYouMean');
    const log = memoryCurationLog();
    await tally.flushTo(log);
    const records = await log.list();
    expect(records.map((record) => Object.fromEntries(Object.entries(record).filter(([field]) => field !== 'at')))).to.deep.equal([
      { kind: 'tally', day: '2026-03-01', answered: 1, didYouMean: 0, partial: 0, dontKnow: 1, answers: { 'icm-frequency': 1 } },
      { kind: 'tally', day: '2026-03-02', answered: 1, didYouMean: 1, partial: 1, dontKnow: 0, answers: { 'icm-frequency': 1, 'regional-hubs': 1 } },
    ]);
    await tally.flushTo(log);
    expect(await log.list()).to.have.length(2);
  });

  it('keeps the counts of a write that failed for the next flush, adding what came since', async () => {
    const now = () => new Date('2026-03-02T10:00:00Z');
    const tally = new TurnTally(now);
    tally.count('answered', 'icm-frequency');
    const kept: CurationInput[] = [];
    let up = false;
    const flaky: CurationLog = {
      record: async (input) => {
        if (!up) throw new Error('store down');
        kept.push(input);
      },
      list: async () => [],
      purgeOlderThan: async () => 0,
    };
    expect(
      await tally.flushTo(flaky).then(
        () => 'written',
        (err: Error) => err.message,
      ),
    ).to.equal('store down');
    tally.count('answered', 'icm-frequency');
    up = true;
    await tally.flushTo(flaky);
    expect(kept).to.deep.equal([{ kind: 'tally', day: '2026-03-02', answered: 2, didYouMean: 0, partial: 0, dontKnow: 0, answers: { 'icm-frequency': 2 } }]);
  });

  it("adds up every instance's tallies per day, over a window of days with none left out, and ranks the entries answered", async () => {
    const log = memoryCurationLog();
    const tally = (day: string, answered: number, dontKnow: number, answers: Record<string, number>) =>
      log.record({ kind: 'tally', day, answered, didYouMean: 0, partial: 0, dontKnow, answers, at: new Date(`${day}T12:00:00Z`) });
    await tally('2026-03-01', 2, 1, { a: 2 });
    await tally('2026-03-03', 3, 0, { b: 3 });
    await tally('2026-03-03', 1, 2, { a: 1 });
    await tally('2026-02-01', 9, 9, { c: 9 });
    const records = await log.list();
    const days = dailyOutcomes(records, 3, new Date('2026-03-03T08:00:00Z'));
    expect(days.map((d) => [d.day, d.questions, d.answered, d.dontKnow])).to.deep.equal([
      ['2026-03-01', 3, 2, 1],
      ['2026-03-02', 0, 0, 0],
      ['2026-03-03', 6, 4, 2],
    ]);
    expect(busiestEntries(records, 2)).to.deep.equal([
      { entryId: 'c', answers: 9 },
      { entryId: 'a', answers: 3 },
    ]);
  });
});
