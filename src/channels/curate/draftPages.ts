import type { DraftReview, DraftSummary, EvalChanges, MeasureSummary } from '../../curation/draftDesk';
import type { ExplainedDecision } from '../../curation/explainDecision';
import type { EntryFields } from '../../curation/knowledgeEdits';
import { changeFields, html, page, type EntryChoice } from './curatePages';

/** One field's problems, as kb:check names them: "phrasings[3]" belongs to phrasings. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** What the editor shows: an entry being edited (or created), the source to quote from and the problems found. */
export interface EditorView {
  /** Absent for a new entry. */
  entryId?: string;
  /** The id typed for a new entry, when it is shown again with problems. */
  newId?: string;
  /** What the last save did. */
  status?: string;
  topic: string;
  topics: readonly string[];
  fields: EntryFields;
  /** The source's sentences, each a quote a curator can pick; the entry's own quotes come first. */
  sentences: readonly string[];
  /** The other entries, for "related". */
  others: readonly EntryChoice[];
  problems: readonly FieldProblem[];
  /** A problem that is not about one field: another curator saved first, or the edit could not be applied. */
  message?: string;
  revision?: number;
}

function draftLine(draft: DraftSummary | undefined): string {
  if (!draft) return '<p>There is no draft: the first change starts one from the version served.</p>';
  const changed = draft.changed.length === 0 ? 'no files yet' : draft.changed.map(html).join(', ');
  const saved = html(draft.savedAt.slice(0, 16).replace('T', ' '));
  return `<p>The draft (revision ${draft.revision}, from version ${draft.basedOn}, saved ${saved} UTC) changes ${changed}.</p>`;
}

/** Every entry, to edit, and a form to start a new one. */
export function entriesPage(entries: readonly (EntryChoice & { topic: string })[], topics: readonly string[], draft: DraftSummary | undefined): string {
  const rows = entries.map(
    (e) => `<tr><td>${html(e.topic)}</td><td><a href="/curate/entries/${encodeURIComponent(e.id)}">${html(e.question)}</a></td><td>${html(e.id)}</td></tr>`,
  );
  const options = topics.map((t) => `<option value="${html(t)}">${html(t)}</option>`).join('');
  return page(
    'Entries',
    `<h1>Entries</h1>
${draftLine(draft)}
<form method="get" action="/curate/entries/new"><label for="new-topic">New entry in</label>
<select id="new-topic" name="topic">${options}</select> <button type="submit">Start a new entry</button></form>
<table>
<caption>The entries of the draft, or of the version served when there is no draft</caption>
<thead><tr><th scope="col">Topic</th><th scope="col">Question</th><th scope="col">Id</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`,
  );
}

/** The problems of the fields whose name is `field` or starts with it ("quotes", "quotes[2]"). */
function problemsOf(problems: readonly FieldProblem[], field: string): FieldProblem[] {
  return problems.filter((p) => p.field === field || p.field.startsWith(`${field}[`) || p.field.startsWith(`${field}.`));
}

function fieldProblems(problems: readonly FieldProblem[], field: string): { attributes: string; list: string } {
  const own = problemsOf(problems, field);
  if (own.length === 0) return { attributes: '', list: '' };
  const items = own.map((p) => `<li>${html(p.field === field ? p.message : `${p.field}: ${p.message}`)}</li>`).join('');
  return { attributes: ` aria-invalid="true" aria-describedby="${field}-problems"`, list: `<ul class="problem" id="${field}-problems">${items}</ul>` };
}

function textField(name: keyof EntryFields, label: string, value: string, problems: readonly FieldProblem[], hint = ''): string {
  const { attributes, list } = fieldProblems(problems, name);
  return `<p><label for="${name}">${label}</label>${hint ? ` <span class="note">${hint}</span>` : ''}<br>
<input id="${name}" name="${name}" value="${html(value)}"${attributes}></p>${list}`;
}

function areaField(name: keyof EntryFields, label: string, value: string, rows: number, problems: readonly FieldProblem[], hint = ''): string {
  const { attributes, list } = fieldProblems(problems, name);
  return `<p><label for="${name}">${label}</label>${hint ? ` <span class="note">${hint}</span>` : ''}<br>
<textarea id="${name}" name="${name}" rows="${rows}" cols="100"${attributes}>${html(value)}</textarea></p>${list}`;
}

/** A group of checkboxes: quotes from the source, related entries. */
function checkboxes(
  name: 'quotes' | 'related',
  legend: string,
  items: readonly { value: string; label: string }[],
  chosen: readonly string[],
  problems: readonly FieldProblem[],
): string {
  const { list } = fieldProblems(problems, name);
  const boxes = items.map(
    (item, i) =>
      `<li><input type="checkbox" id="${name}-${i}" name="${name}" value="${html(item.value)}"${chosen.includes(item.value) ? ' checked' : ''}>` +
      ` <label for="${name}-${i}">${html(item.label)}</label></li>`,
  );
  return `<fieldset><legend>${legend}</legend>${list}<ul class="choices">${boxes.join('')}</ul></fieldset>`;
}

/**
 * The editor: every field of an entry, checked on save with the same rules as start-up and kb:check.
 * Quotes are picked from the source's own sentences, so they are verbatim by construction.
 */
export function editorPage(view: EditorView, csrf: string): string {
  const { fields, problems } = view;
  const title = view.entryId ? `Edit ${view.entryId}` : `New entry in ${view.topic}`;
  const action = view.entryId ? `/curate/entries/${encodeURIComponent(view.entryId)}` : '/curate/entries/new';
  const unplaced = problems.filter(
    (p) => !['id', 'topic', 'question', 'label', 'subject', 'phrasings', 'answer', 'quotes', 'related'].some((f) => problemsOf([p], f).length > 0),
  );
  const summary =
    problems.length > 0
      ? `<div class="problem" role="alert"><p>Not saved: the entry has ${problems.length} problem${problems.length === 1 ? '' : 's'}, shown by each field.</p>${
          unplaced.length > 0 ? `<ul>${unplaced.map((p) => `<li>${html(`${p.field}: ${p.message}`)}</li>`).join('')}</ul>` : ''
        }</div>`
      : '';
  const newFields = view.entryId
    ? ''
    : (() => {
        const { attributes, list } = fieldProblems(problems, 'id');
        const topics = view.topics.map((t) => `<option value="${html(t)}"${t === view.topic ? ' selected' : ''}>${html(t)}</option>`).join('');
        return `<p><label for="topic">Topic</label><br><select id="topic" name="topic">${topics}</select></p>
<p><label for="id">Id</label> <span class="note">lower-case words joined by hyphens, e.g. board-election</span><br>
<input id="id" name="id" value="${html(view.newId ?? '')}"${attributes}></p>${list}`;
      })();
  const quotes = [...new Set([...fields.quotes, ...view.sentences])].map((q) => ({ value: q, label: q }));
  const related = view.others.map((e) => ({ value: e.id, label: `${e.question} (${e.id})` }));
  return page(
    title,
    `<h1>${html(title)}</h1>
${view.status ? `<p class="message" role="status">${html(view.status)}</p>` : ''}
${view.message ? `<p class="problem" role="alert">${html(view.message)}</p>` : ''}
${summary}
<form method="post" action="${action}">${changeFields(csrf, view.revision)}
${newFields}
${textField('question', 'Question', fields.question, problems, 'shown in "did you mean" and topic menus')}
${textField('label', 'Label', fields.label, problems, 'a button-sized name, at most 20 characters')}
${textField('subject', 'Subject', fields.subject, problems, 'what "it" means in the next question')}
${areaField('phrasings', 'Phrasings', fields.phrasings.join('\n'), 10, problems, 'one per line, at least five')}
${areaField('answer', 'Answer', fields.answer, 5, problems, 'at most 80 words; every number in it must be in its quotes')}
${checkboxes('quotes', 'Quotes from the source: the evidence for every fact in the answer', quotes, fields.quotes, problems)}
${checkboxes('related', 'Related entries: what a supporter may ask next', related, fields.related, problems)}
<button type="submit">Save to the draft</button>
</form>`,
  );
}

const fixed = (n: number) => n.toFixed(2);

/** The test pane: ask the draft or the version served, and see the decision, the candidates and why each ranked where it did. */
export function testPage(question: string, against: 'draft' | 'served', explained: ExplainedDecision | undefined, draft: DraftSummary | undefined): string {
  const radio = (value: 'draft' | 'served', label: string) =>
    `<input type="radio" id="against-${value}" name="against" value="${value}"${against === value ? ' checked' : ''}>` +
    ` <label for="against-${value}">${label}</label>`;
  let result = '';
  if (question && !explained) result = '<p>The bot recorded no decision for that message.</p>';
  if (explained) {
    const candidates = explained.candidates.map(
      (c) =>
        `<tr><td>${html(c.entryId)}</td><td>${fixed(c.confidence)}</td><td>${html(c.matched)}</td><td>${
          c.features.length > 0
            ? c.features.map((f) => `${html(f.feature)} ${fixed(f.value)} → ${f.contribution >= 0 ? '+' : ''}${fixed(f.contribution)}`).join('; ')
            : ''
        }</td></tr>`,
    );
    result = `<h2>Decision</h2>
<dl><dt>Decision</dt><dd>${html(explained.what)}</dd><dt>Why</dt><dd>${html(explained.reason)}</dd>${
      explained.context !== undefined
        ? `<dt>Context</dt><dd>${html(explained.context)}</dd><dt>Question type</dt><dd>${html(explained.questionType ?? '')}</dd>`
        : ''
    }</dl>
${explained.notes.length > 0 ? `<ul>${explained.notes.map((n) => `<li>${html(n)}</li>`).join('')}</ul>` : ''}
${
  candidates.length > 0
    ? `<table><caption>The candidates, best first, with the probability the ranking model gave each; for the best three, what each feature added</caption>
<thead><tr><th scope="col">Entry</th><th scope="col">Probability</th><th scope="col">Nearest question or phrasing</th><th scope="col">Why</th></tr></thead>
<tbody>${candidates.join('\n')}</tbody></table>`
    : ''
}`;
  }
  return page(
    'Test',
    `<h1>Test</h1>
${draftLine(draft)}
<form method="get" action="/curate/test">
<p><label for="q">Question</label><br><input id="q" name="q" value="${html(question)}" maxlength="500" size="80"></p>
<fieldset><legend>Ask</legend>${radio('draft', 'the draft')} ${radio('served', 'the version served')}</fieldset>
<button type="submit">Ask</button>
</form>
${result}`,
  );
}

const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
const points = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}`;

/** The eval's figures for the version served and the draft, and the change. */
function figuresTable(served: MeasureSummary, draft: MeasureSummary | undefined, version: number): string {
  const row = (label: string, of: (m: MeasureSummary) => number, show: (x: number) => string, change: (x: number) => string) =>
    `<tr><th scope="row">${label}</th><td>${show(of(served))}</td>` +
    `<td>${draft ? show(of(draft)) : '–'}</td><td>${draft ? change(of(draft) - of(served)) : '–'}</td></tr>`;
  const count = (x: number) => String(x);
  const signed = (x: number) => `${x >= 0 ? '+' : ''}${x}`;
  return `<table>
<caption>The eval through the real bot: the development split, the out-of-scope corpus, and the questions curators marked out of scope</caption>
<thead><tr><th scope="col">Figure</th><th scope="col">Version ${version}</th><th scope="col">Draft</th><th scope="col">Change (points)</th></tr></thead>
<tbody>
${row('In-scope questions answered correctly', (m) => m.figures.inScopeCorrect, percent, points)}
${row('Wrong answers (all cases)', (m) => m.figures.wrong, percent, points)}
${row('Out-of-scope and near-miss questions declined', (m) => m.figures.outOfScopeAbstained, percent, points)}
${row('Small talk answered with a fact', (m) => m.figures.smallTalkFacts, count, signed)}
${row('Out-of-scope corpus given a fact', (m) => m.corpus.facts, count, signed)}
${row('Questions marked out of scope given a fact', (m) => m.markedOutOfScope.facts, count, signed)}
</tbody>
</table>`;
}

/** How many changed cases the page lists of each kind: enough to find the edit behind a figure. */
const CHANGES_SHOWN = 40;

/** The cases and corpus questions whose outcome the draft changes: where a curator looks for the edit behind a figure. */
function changesSection(changes: EvalChanges | undefined, version: number): string {
  if (!changes) return '';
  if (changes.cases.length === 0 && changes.corpus.length === 0 && changes.phrasings.length === 0) {
    return '<p>No case of the eval, and no question or phrasing of an entry, has a different outcome with the draft.</p>';
  }
  const cases = changes.cases
    .slice(0, CHANGES_SHOWN)
    .map((c) => `<tr><td>${html(c.asked)}</td><td>${html(c.before)}: ${html(c.was)}</td><td>${html(c.after)}: ${html(c.got)}</td></tr>`);
  const fact = (entryId: string | undefined) => (entryId ? `answer ${html(entryId)}` : 'no fact');
  const corpus = changes.corpus.slice(0, CHANGES_SHOWN).map((c) => `<tr><td>${html(c.question)}</td><td>${fact(c.before)}</td><td>${fact(c.after)}</td></tr>`);
  const more = (all: number) => (all > CHANGES_SHOWN ? `<p>And ${all - CHANGES_SHOWN} more.</p>` : '');
  const head = `<thead><tr><th scope="col">Asked</th><th scope="col">Version ${version}</th><th scope="col">Draft</th></tr></thead>`;
  const table = (caption: string, rows: string[], all: number) =>
    rows.length > 0 ? `<table><caption>${caption}</caption>${head}<tbody>${rows.join('\n')}</tbody></table>${more(all)}` : '';
  const phrasings = changes.phrasings
    .slice(0, CHANGES_SHOWN)
    .map((p) => `<tr><td>${html(p.phrasing)} <span class="note">(${html(p.entryId)})</span></td><td>${html(p.before)}</td><td>${html(p.after)}</td></tr>`);
  return (
    table('Development cases whose outcome the draft changes, the ones now wrong first', cases, changes.cases.length) +
    table('Out-of-scope questions (other domains) whose fact the draft changes', corpus, changes.corpus.length) +
    table(
      'Questions and phrasings their own entry answers in one version and not the other, the ones the draft breaks first',
      phrasings,
      changes.phrasings.length,
    )
  );
}

/** The draft's review: kb:check, the gates, the eval against the version served, the YAML diff, and publish. */
export function draftPage(review: DraftReview | undefined, csrf: string, message?: string): string {
  const status = message ? `<p class="message" role="status">${html(message)}</p>` : '';
  if (!review) {
    return page(
      'Draft and publish',
      `<h1>Draft and publish</h1>
${status}
${draftLine(undefined)}
<p>Start one from the <a href="/curate">inbox</a> or the <a href="/curate/entries">entries</a>.</p>`,
    );
  }
  const { draft } = review;
  const list = (items: readonly string[]) => `<ul>${items.map((i) => `<li>${html(i)}</li>`).join('')}</ul>`;
  const checks =
    review.problems.length > 0
      ? `<div class="problem" role="alert"><p>kb:check found ${review.problems.length} problems:</p>${list(review.problems)}</div>`
      : '<p>kb:check: the draft loads, every quote is in its source and every number of an answer is in its quotes.</p>';
  const gates =
    review.gateFailures.length > 0
      ? `<div class="problem" role="alert"><p>The draft cannot be published:</p>${list(review.gateFailures)}</div>`
      : '<p>The draft meets every eval gate.</p>';
  const overtaken = review.overtakenBy
    ? `<p class="problem">The draft started from version ${draft.basedOn}, but version ${review.overtakenBy} is served now: ` +
      'publishing the draft replaces what that version changed.</p>'
    : '';
  const publishable = review.gateFailures.length === 0 && draft.changed.length > 0;
  const publish = publishable
    ? `<form method="post" action="/curate/draft/publish">${changeFields(csrf, draft.revision)}
<p><label for="note">What changed</label><br><input id="note" name="note" maxlength="200" size="80" required></p>
<button type="submit">Publish to every instance</button></form>`
    : '';
  const diff = review.diff.map((d) => `<h3>${html(d.file)}</h3><pre class="diff">${html(d.patch)}</pre>`).join('\n');
  return page(
    'Draft and publish',
    `<h1>Draft and publish</h1>
${status}
${draftLine(draft)}
${overtaken}
<h2>Checks</h2>
${checks}
${review.warnings.length > 0 ? `<p>Warnings, which do not stop a publish:</p>${list(review.warnings)}` : ''}
${gates}
${review.served.measure ? figuresTable(review.served.measure, review.measure, review.served.version) : ''}
${changesSection(review.changes, review.served.version)}
${publish}
<form method="post" action="/curate/draft/discard">${changeFields(csrf, draft.revision)}<button type="submit">Discard the draft</button></form>
<h2>Changes</h2>
${diff || '<p>The draft is the same as the version served.</p>'}`,
  );
}
