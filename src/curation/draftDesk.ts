import { createTwoFilesPatch } from 'diff';
import { LRUCache } from 'lru-cache';
import { Decider, formatProblem, KnowledgeError, loadKnowledge, textFiles, type Decision, type KnowledgeBase, type KnowledgeProblem } from '../faq';
import { COMMITTED_VERSION, type KnowledgeDraft, type KnowledgeVersionStore } from '../storage/knowledgeVersions';
import { gateFailures, OUT_OF_SCOPE_FACT_GATE, type CorpusFigures, type Figures, type Verdict } from './evaluation';
import { explainDecision, type ExplainedDecision } from './explainDecision';
import { EditError } from './knowledgeEdits';

type Files = Readonly<Record<string, string>>;

/** How many loaded bases, deciders and measures are kept: the version served and a few drafts. */
const KEPT = 4;

/** A version's eval figures: the development split, the out-of-scope corpus, and the questions curators marked out of scope. */
export interface VersionMeasure {
  figures: Figures;
  corpus: CorpusFigures;
  markedOutOfScope: CorpusFigures;
  /** Each development case, as asked, with its verdict and what the bot did: to say which a change moved. */
  cases: CaseOutcome[];
  /**
   * Each entry's question and phrasings, asked as they are written, and what the bot did: a phrasing its own
   * entry no longer answers is how an edit to one entry shows up in another.
   */
  phrasings: PhrasingOutcome[];
}

interface PhrasingOutcome {
  entryId: string;
  phrasing: string;
  /** What the bot did, as `npm run ask` says it. */
  got: string;
}

interface CaseOutcome {
  /** The case's turns and message, joined by " | ". */
  asked: string;
  verdict: Verdict;
  /** What the bot did, as `npm run ask` says it: "answer board-election", "don't know". */
  got: string;
}

/** A measure as the review shows it: the figures, without every case and phrasing. */
export type MeasureSummary = Omit<VersionMeasure, 'cases' | 'phrasings'>;

/** What a draft changes in the eval, case by case: what a curator reads to find the edit behind a figure. */
export interface EvalChanges {
  /** Development cases whose verdict differs, the ones now wrong first. */
  cases: { asked: string; before: Verdict; after: Verdict; got: string; was: string }[];
  /** Out-of-scope corpus questions that get a fact in one version and not the other, or another fact. */
  corpus: { question: string; before?: string; after?: string }[];
  /** Questions and phrasings in both versions whose own entry answers them in one and not the other. */
  phrasings: { entryId: string; phrasing: string; before: string; after: string }[];
}

/** The draft as the workbench shows it. */
export interface DraftSummary {
  basedOn: number;
  revision: number;
  savedAt: string;
  /** The files it changes against the version served now. */
  changed: string[];
}

/** What curators are working on: the draft's files and base, or the served version's when there is no draft. */
export interface WorkingKnowledge {
  files: Files;
  kb: KnowledgeBase;
  draft?: DraftSummary;
  /** Its decider, built when first asked for. */
  decider: () => Decider;
}

/** What a change to the draft came to. */
export type EditOutcome =
  | { kind: 'saved'; revision: number }
  /** Someone saved the draft since this curator's page was drawn. */
  | { kind: 'conflict' }
  /** The change cannot be made at all: an unknown entry, a phrasing the entry already has. */
  | { kind: 'refused'; message: string }
  /** The change was made, but the knowledge base it gives does not load: nothing saved. */
  | { kind: 'invalid'; problems: KnowledgeProblem[] };

/** Everything a curator sees before publishing. */
export interface DraftReview {
  draft: DraftSummary;
  /** kb:check's errors: any of them stops a publish. */
  problems: string[];
  /** kb:check's warnings, such as sources past their review date. */
  warnings: string[];
  diff: { file: string; patch: string }[];
  /** The version served now, and its figures, absent when the eval could not run. */
  served: { version: number; measure?: MeasureSummary };
  /** Absent when the draft does not load. */
  measure?: MeasureSummary;
  /** Absent when the draft does not load. */
  changes?: EvalChanges;
  /** Which gates the draft fails; a publish needs none. */
  gateFailures: string[];
  /** The version served now, when it is not the one the draft started from: publishing replaces its changes. */
  overtakenBy?: number;
}

export type PublishOutcome = { kind: 'published'; version: number } | { kind: 'conflict' } | { kind: 'blocked'; review: DraftReview };

export interface DraftDeskOptions {
  versions: KnowledgeVersionStore;
  /** knowledge/ as committed: version 1. */
  committedFiles: Files;
  /** The eval of a knowledge base through the real bot. */
  measure: (kb: KnowledgeBase) => Promise<VersionMeasure>;
  /** One question, asked of the real bot serving `kb` in a new conversation. */
  ask: (kb: KnowledgeBase, question: string) => Promise<Decision | undefined>;
}

/** Which files differ between two versions' files. */
export function changedFiles(before: Files, after: Files): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((name) => before[name] !== after[name]).sort();
}

const VERDICT_ORDER: Record<Verdict, number> = { wrong: 0, abstained: 1, disambiguated: 2, correct: 3 };

function summary({ cases: _cases, phrasings: _phrasings, ...rest }: VersionMeasure): MeasureSummary {
  return rest;
}

/** The cases and corpus questions whose outcome differs between the version served and the draft. */
function evalChanges(before: VersionMeasure, after: VersionMeasure): EvalChanges {
  const was = new Map(before.cases.map((c) => [c.asked, c]));
  const cases = after.cases
    .flatMap((c) => {
      const old = was.get(c.asked);
      return old && old.verdict !== c.verdict ? [{ asked: c.asked, before: old.verdict, after: c.verdict, got: c.got, was: old.got }] : [];
    })
    .sort((a, b) => VERDICT_ORDER[a.after] - VERDICT_ORDER[b.after] || a.asked.localeCompare(b.asked));
  const factBefore = new Map(before.corpus.answered.map((a) => [a.question, a.entryId]));
  const factAfter = new Map(after.corpus.answered.map((a) => [a.question, a.entryId]));
  const corpus = [...new Set([...factBefore.keys(), ...factAfter.keys()])]
    .filter((question) => factBefore.get(question) !== factAfter.get(question))
    .sort()
    .map((question) => {
      const [b, a] = [factBefore.get(question), factAfter.get(question)];
      return { question, ...(b ? { before: b } : {}), ...(a ? { after: a } : {}) };
    });
  const answers = (p: PhrasingOutcome) => p.got === `answer ${p.entryId}`;
  const gotBefore = new Map(before.phrasings.map((p) => [`${p.entryId}\n${p.phrasing}`, p]));
  const phrasings = after.phrasings
    .flatMap((p) => {
      const old = gotBefore.get(`${p.entryId}\n${p.phrasing}`);
      return old && answers(old) !== answers(p) ? [{ entryId: p.entryId, phrasing: p.phrasing, before: old.got, after: p.got }] : [];
    })
    // The ones the draft breaks first.
    .sort((a, b) => Number(a.after.startsWith('answer ')) - Number(b.after.startsWith('answer ')) || a.phrasing.localeCompare(b.phrasing));
  return { cases, corpus, phrasings };
}

/** The eval gates of `npm test`, the corpus's, and the curators' own list: none of its questions may get a fact. */
function publishGateFailures(measure: VersionMeasure): string[] {
  const failures = gateFailures(measure.figures);
  const { corpus, markedOutOfScope } = measure;
  if (corpus.facts / corpus.questions > OUT_OF_SCOPE_FACT_GATE) {
    failures.push(`the out-of-scope corpus got ${corpus.facts} facts of ${corpus.questions} (gate ≤ ${(100 * OUT_OF_SCOPE_FACT_GATE).toFixed(1)}%)`);
  }
  for (const { question, entryId } of markedOutOfScope.answered) {
    failures.push(`"${question}" is marked out of scope but gets ${entryId}: answer it in the entry or take it off the list, not both`);
  }
  return failures;
}

/**
 * The one draft curators build together, kept in the store beside the versions so that every instance
 * edits the same one: each change is made on the latest draft (or, with none, on the version served) and
 * saved only if the knowledge base it gives loads, with the same checks as start-up and kb:check.
 * Publishing measures the draft with the eval first and refuses it while any gate fails.
 */
export class DraftDesk {
  /**
   * Loaded bases, deciders and measures, by what they were made from ("v3", a draft's key): a page view asks
   * for them several times. The version served and a few drafts are kept.
   */
  private readonly loaded = new LRUCache<string, KnowledgeBase>({ max: KEPT });
  private readonly measured = new LRUCache<string, Promise<VersionMeasure>>({ max: KEPT });
  private readonly deciders = new LRUCache<string, Decider>({ max: KEPT });

  constructor(private readonly options: DraftDeskOptions) {}

  /** The version every instance serves now, with its files and knowledge base. */
  async served(): Promise<{ version: number; files: Files; kb: KnowledgeBase }> {
    const version = await this.options.versions.current();
    const files = version === COMMITTED_VERSION ? this.options.committedFiles : (await this.options.versions.get(version))?.files;
    if (!files) throw new Error(`the store names version ${version} as current but does not hold it`);
    return { version, files, kb: this.load(`v${version}`, files) };
  }

  /** What curators are working on: the draft, or the version served when there is none. */
  async working(): Promise<WorkingKnowledge> {
    const [served, draft] = await Promise.all([this.served(), this.options.versions.draft()]);
    if (!draft) return { files: served.files, kb: served.kb, decider: () => this.decider(`v${served.version}`, served.kb) };
    const key = draftKey(draft);
    const kb = this.load(key, draft.files);
    return { files: draft.files, kb, draft: summaryOf(draft, served.files), decider: () => this.decider(key, kb) };
  }

  /**
   * Applies `change` to the draft the curator saw (`revision`; undefined when they saw none) and saves
   * it, if the result loads. A change to a draft someone else has saved since is refused, not merged.
   */
  async edit(revision: number | undefined, change: (files: Files) => Files): Promise<EditOutcome> {
    const [served, draft] = await Promise.all([this.served(), this.options.versions.draft()]);
    if (draft?.revision !== revision) return { kind: 'conflict' };
    let files: Files;
    try {
      files = change(draft?.files ?? served.files);
    } catch (err) {
      if (err instanceof EditError) return { kind: 'refused', message: err.message };
      throw err;
    }
    let kb: KnowledgeBase;
    try {
      kb = loadKnowledge(textFiles(files, 'draft'));
    } catch (err) {
      if (err instanceof KnowledgeError) return { kind: 'invalid', problems: err.problems };
      throw err;
    }
    const savedAt = new Date();
    const saved = await this.options.versions.saveDraft(files, draft?.basedOn ?? served.version, revision, savedAt);
    if (saved === undefined) return { kind: 'conflict' };
    // The page shown next loads the draft under its key: it is the base just checked, so it is not loaded again.
    this.loaded.set(draftKey({ revision: saved, savedAt }), kb);
    return { kind: 'saved', revision: saved };
  }

  /** kb:check, the eval against the version served, the gates and the YAML diff: what a publish would do. */
  async review(): Promise<DraftReview | undefined> {
    const [served, draft] = await Promise.all([this.served(), this.options.versions.draft()]);
    if (!draft) return undefined;
    const about = summaryOf(draft, served.files);
    const diff = about.changed.map((file) => ({
      file,
      patch: createTwoFilesPatch(
        `served/${file}`,
        `draft/${file}`,
        served.files[file] ?? '',
        draft.files[file] ?? '',
        `version ${served.version}`,
        `draft ${draft.revision}`,
      ),
    }));
    let kb: KnowledgeBase;
    try {
      kb = this.load(draftKey(draft), draft.files);
    } catch (err) {
      if (!(err instanceof KnowledgeError)) throw err;
      const problems = err.problems.map(formatProblem);
      return { draft: about, problems, warnings: [], diff, served: { version: served.version }, gateFailures: problems };
    }
    const base = { draft: about, problems: [], warnings: kb.warnings.map(formatProblem), diff };
    const overtaken = served.version === draft.basedOn ? {} : { overtakenBy: served.version };
    let before: VersionMeasure;
    let after: VersionMeasure;
    try {
      [before, after] = [await this.measure(`v${served.version}`, served.kb), await this.measure(draftKey(draft), kb)];
    } catch (err) {
      // The eval reads its cases from tests/eval/: a deployment without them cannot publish from the page.
      const reason = err instanceof Error ? err.message : String(err);
      return { ...base, served: { version: served.version }, gateFailures: [`the eval could not run (${reason}), and a publish needs it`], ...overtaken };
    }
    return {
      ...base,
      served: { version: served.version, measure: summary(before) },
      measure: summary(after),
      changes: evalChanges(before, after),
      gateFailures: publishGateFailures(after),
      ...overtaken,
    };
  }

  /** Publishes the draft the curator reviewed, if it passes every check; it then becomes the version served everywhere. */
  async publish(revision: number, note: string): Promise<PublishOutcome> {
    const review = await this.review();
    if (review?.draft.revision !== revision) return { kind: 'conflict' };
    if (review.gateFailures.length > 0 || review.draft.changed.length === 0) return { kind: 'blocked', review };
    const draft = await this.options.versions.draft();
    if (draft?.revision !== revision) return { kind: 'conflict' };
    // Dropped first: a draft that another curator saves meanwhile then stays, and is not published unseen.
    if (!(await this.options.versions.discardDraft(revision))) return { kind: 'conflict' };
    return { kind: 'published', version: await this.options.versions.publish(draft.files, note) };
  }

  async discard(revision: number): Promise<boolean> {
    return this.options.versions.discardDraft(revision);
  }

  /** The test pane: how the draft (or, without one, the version served) decides a question, and why. */
  async ask(question: string, against: 'draft' | 'served'): Promise<ExplainedDecision | undefined> {
    const { kb } = against === 'draft' ? await this.working() : await this.served();
    const decision = await this.options.ask(kb, question);
    return decision && explainDecision(decision);
  }

  /** The working version's decider, for the inbox to say what the draft does with a question. */
  private decider(key: string, kb: KnowledgeBase): Decider {
    let decider = this.deciders.get(key);
    if (!decider) {
      decider = new Decider(kb);
      this.deciders.set(key, decider);
    }
    return decider;
  }

  private load(key: string, files: Files): KnowledgeBase {
    let kb = this.loaded.get(key);
    if (!kb) {
      kb = loadKnowledge(textFiles(files, key.startsWith('v') ? `version ${key.slice(1)}` : 'draft'));
      this.loaded.set(key, kb);
    }
    return kb;
  }

  private measure(key: string, kb: KnowledgeBase): Promise<VersionMeasure> {
    let measure = this.measured.get(key);
    if (!measure) {
      measure = this.options.measure(kb);
      // A failed measure is not kept: the next review tries again.
      measure.catch(() => this.measured.delete(key));
      this.measured.set(key, measure);
    }
    return measure;
  }
}

/** The draft as the workbench shows it, against the version served now. */
function summaryOf(draft: KnowledgeDraft, served: Files): DraftSummary {
  return { basedOn: draft.basedOn, revision: draft.revision, savedAt: draft.savedAt.toISOString(), changed: changedFiles(served, draft.files) };
}

/**
 * What a draft's cached base and measure are kept under. Revisions never repeat within a store (a discard
 * leaves a tombstone the next draft counts on from), so the revision alone names one draft; the time it was
 * saved is kept in the key as well, in case a draft row or blob deleted by hand starts the count again at 1.
 */
function draftKey(draft: Pick<KnowledgeDraft, 'revision' | 'savedAt'>): string {
  return `d${draft.revision}@${draft.savedAt.getTime()}`;
}
