import type { CurationLog } from '../storage/curationLog';

/** What became of a question, as the overview counts it. */
export type Outcome = 'answered' | 'didYouMean' | 'partial' | 'dontKnow';

interface DayTally {
  outcomes: Record<Outcome, number>;
  /** Answers given per entry id: ids of the knowledge base only, so bounded by its size. */
  answers: Map<string, number>;
}

const noOutcomes = (): Record<Outcome, number> => ({ answered: 0, didYouMean: 0, partial: 0, dontKnow: 0 });

/**
 * The day's outcomes of questions, counted in memory and written to the curation log as one record per
 * day every so often, rather than one per turn: a turn pays for an addition, not a write, and what is kept
 * is counts and entry ids, never a question. Each instance writes its own records; the overview adds them up.
 */
export class TurnTally {
  private days = new Map<string, DayTally>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  count(outcome: Outcome, entryId?: string): void {
    const day = this.now().toISOString().slice(0, 10);
    const tally = this.days.get(day) ?? { outcomes: noOutcomes(), answers: new Map<string, number>() };
    tally.outcomes[outcome] += 1;
    if (entryId && (outcome === 'answered' || outcome === 'partial')) tally.answers.set(entryId, (tally.answers.get(entryId) ?? 0) + 1);
    this.days.set(day, tally);
  }

  /** Writes what was counted since the last flush and starts afresh; the counts of a write that fails are kept for the next. */
  async flushTo(log: CurationLog): Promise<void> {
    const days = [...this.days];
    this.days = new Map();
    for (const [i, [day, tally]] of days.entries()) {
      try {
        await log.record({ kind: 'tally', day, ...tally.outcomes, answers: Object.fromEntries(tally.answers) });
      } catch (err) {
        for (const [unwritten, counts] of days.slice(i)) this.merge(unwritten, counts);
        throw err;
      }
    }
  }

  private merge(day: string, from: DayTally): void {
    const into = this.days.get(day) ?? { outcomes: noOutcomes(), answers: new Map<string, number>() };
    for (const outcome of Object.keys(from.outcomes) as Outcome[]) into.outcomes[outcome] += from.outcomes[outcome];
    for (const [id, n] of from.answers) into.answers.set(id, (into.answers.get(id) ?? 0) + n);
    this.days.set(day, into);
  }
}
