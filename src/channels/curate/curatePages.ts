import type { DayOutcomes, EntryAnswers } from '../../curation/overview';
import type { SourceDue } from '../../curation/reviewsDue';

/** The versions, as the page and the API show them. */
export interface VersionList {
  current: number;
  versions: { version: number; publishedAt: string; note: string }[];
}

/** One question the bot could not answer, as the inbox shows it: grouped as the bot reads it. */
export interface InboxRow {
  question: string;
  count: number;
  lastAsked: string;
  wordings: number;
  nearest: { entryId: string; probability: number }[];
  /** What the draft already does with it: answers it with an entry, or lists it as out of scope. */
  inDraft?: { answers: string } | { outOfScope: true };
}

/** An entry as a list to pick from shows it. */
export interface EntryChoice {
  id: string;
  question: string;
}

/** One entry's 👍 and 👎, as the page shows them; `question` is absent for an entry the served version no longer has. */
export interface HelpfulnessView {
  entryId: string;
  question?: string;
  helpful: number;
  unhelpful: number;
  failed: readonly { question: string; count: number }[];
}

/** The overview: the last 30 days, oldest first, and the entries answered most. */
export interface OverviewView {
  days: readonly DayOutcomes[];
  busiest: readonly (EntryAnswers & { question?: string })[];
  /** The entries of the version served whose source is past its review date. */
  dueForReview: readonly SourceDue[];
}

/** What the workbench page shows. */
export interface WorkbenchView {
  versions: VersionList;
  overview: OverviewView;
  inbox: readonly InboxRow[];
  helpfulness: readonly HelpfulnessView[];
  /** The entries of the draft (or the version served), to add a phrasing to. */
  entries: readonly EntryChoice[];
  /** The draft's revision, which every change names; absent when there is no draft. */
  revision?: number;
}

/** The hidden fields every change carries: the page's CSRF token and the draft revision it was drawn from. */
export function changeFields(csrf: string, revision: number | undefined): string {
  return `<input type="hidden" name="csrf" value="${html(csrf)}"><input type="hidden" name="revision" value="${revision ?? ''}">`;
}

/** Text into HTML: every dynamic string on these pages goes through this. */
export function html(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The workbench's sections, on every page but the sign-in form. */
const NAV = `
<nav aria-label="Workbench"><ul>
<li><a href="/curate">Overview and inbox</a></li>
<li><a href="/curate/entries">Entries</a></li>
<li><a href="/curate/test">Test</a></li>
<li><a href="/curate/draft">Draft and publish</a></li>
</ul></nav>`;

export function page(title: string, body: string, nav = true): string {
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(title)} · Curators' workbench</title>
<link rel="stylesheet" href="/curate/curate.css">
</head>
<body>
<header><p class="brand">Amnesty movement FAQ · Curators' workbench</p>${nav ? NAV : ''}</header>
<main id="main">
${body}
</main>
</body>
</html>
`;
}

/** The sign-in form; `problem` says why the last attempt failed. */
export function signInPage(problem?: string): string {
  return page(
    'Sign in',
    `<h1>Sign in</h1>
${problem ? `<p class="problem" role="alert">${html(problem)}</p>` : ''}
<form method="post" action="/curate/sign-in">
<label for="token">Curator token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`,
    false,
  );
}

/** The actions on one row of the inbox: add it as a phrasing of an entry, mark it out of scope, or start a new entry with it. */
function inboxActions(row: InboxRow, index: number, view: WorkbenchView, csrf: string): string {
  if (row.inDraft) {
    return 'answers' in row.inDraft ? `The draft answers it with ${html(row.inDraft.answers)}.` : 'The draft marks it out of scope.';
  }
  const nearest = new Set(row.nearest.map((n) => n.entryId));
  // The entries the bot came nearest to first: the likeliest home for the question.
  const ordered = [...row.nearest.map((n) => view.entries.find((e) => e.id === n.entryId)), ...view.entries.filter((e) => !nearest.has(e.id))].filter(
    (e): e is EntryChoice => e !== undefined,
  );
  const options = ordered.map((e) => `<option value="${html(e.id)}">${html(e.question)} (${html(e.id)})</option>`).join('');
  // One form, two actions: the wording is the curator's to trim before it is kept in the knowledge base.
  return `<form method="post" action="/curate/inbox/phrasing">${changeFields(csrf, view.revision)}
<label for="wording-${index}">Wording to keep</label> <input id="wording-${index}" name="question" value="${html(row.question)}" maxlength="500" required>
<label for="entry-${index}">Add as a phrasing of</label> <select id="entry-${index}" name="entryId">${options}</select>
<button type="submit">Add as phrasing</button>
<button type="submit" formaction="/curate/inbox/out-of-scope">Mark out of scope</button></form>
<a href="/curate/entries/new?question=${encodeURIComponent(row.question)}">New entry from it</a>`;
}

/** The inbox: each group of unanswered questions with its count, the entries the bot nearly gave, and what to do with it. */
function inboxTable(view: WorkbenchView, csrf: string): string {
  const { inbox } = view;
  if (inbox.length === 0) return '<p>No unanswered questions in the last 30 days.</p>';
  const percent = (p: number) => (p < 0.005 ? '&lt;1%' : `${Math.round(p * 100)}%`);
  const rows = inbox.map((row, i) => {
    const nearest = row.nearest.map((n) => `${html(n.entryId)} ${percent(n.probability)}`).join(', ') || 'none near';
    const wordings = row.wordings > 1 ? ` <span class="note">(and ${row.wordings - 1} other wordings)</span>` : '';
    return (
      `<tr><td>${html(row.question)}${wordings}</td><td>${row.count}</td><td>${html(row.lastAsked.slice(0, 10))}</td><td>${nearest}</td>` +
      `<td>${inboxActions(row, i, view, csrf)}</td></tr>`
    );
  });
  return `<p>A change goes into the draft; it reaches supporters when the draft is <a href="/curate/draft">published</a>.
A phrasing or an out-of-scope question is kept in the knowledge base for good: take out of its wording anything that
says who asked (a name, a place, a story), as the bot has already taken out emails, phone and card numbers.</p>
<table>
<caption>Unanswered in the last 30 days, most asked first, grouped as the bot reads them</caption>
<thead><tr><th scope="col">Question</th><th scope="col">Asked</th><th scope="col">Last asked</th><th scope="col">Nearest entries</th>
<th scope="col">Action</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

/** The outcomes a chart stacks, bottom first, with the colour each is drawn in and its name in the legend. */
const OUTCOMES = [
  { key: 'answered', label: 'Answered', colour: '#1b7f3b' },
  { key: 'partial', label: 'Partial reply', colour: '#8a6d00' },
  { key: 'didYouMean', label: 'Did you mean', colour: '#1f5fa8' },
  { key: 'dontKnow', label: "Don't know", colour: '#b3261e' },
] as const;

const percentOf = (n: number, of: number) => (of === 0 ? '–' : `${Math.round((100 * n) / of)}%`);

/** Room under the bars for the dates. */
const AXIS = 16;

/** A date (MM-DD) under the last bar and every seventh before it, so a bar can be told by its day without the table. */
function axisLabels(days: readonly DayOutcomes[], step: number, barWidth: number, top: number): string {
  return days
    .map((day, i) =>
      (days.length - 1 - i) % 7 === 0
        ? `<text x="${i * step + barWidth / 2}" y="${top + AXIS - 3}" font-size="10" text-anchor="middle" fill="#1a1a1a">${html(day.day.slice(5))}</text>`
        : '',
    )
    .join('');
}

/**
 * Each day's questions as a bar of 100%, split by outcome: the rates by day at a glance. Drawn as SVG in
 * the page (no script, no CDN, nothing the CSP forbids), with the same figures in the table after it.
 */
function outcomeChart(days: readonly DayOutcomes[]): string {
  const barWidth = 18;
  const gap = 4;
  const height = 120;
  const width = days.length * (barWidth + gap);
  const bars = days.map((day, i) => {
    const x = i * (barWidth + gap);
    if (day.questions === 0) return `<rect x="${x}" y="${height - 1}" width="${barWidth}" height="1" fill="#999"/>`;
    let top = height;
    return OUTCOMES.map(({ key, colour }) => {
      const h = (height * day[key]) / day.questions;
      top -= h;
      return h > 0 ? `<rect x="${x}" y="${top.toFixed(1)}" width="${barWidth}" height="${h.toFixed(1)}" fill="${colour}"/>` : '';
    }).join('');
  });
  const legend = OUTCOMES.map(
    ({ label, colour }) => `<li><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="${colour}"/></svg> ${label}</li>`,
  );
  const first = days[0]?.day ?? '';
  const last = days.at(-1)?.day ?? '';
  return `<figure>
<svg role="img" aria-labelledby="chart-title" width="${width}" height="${height + AXIS}" viewBox="0 0 ${width} ${height + AXIS}">
<title id="chart-title">What became of each day's questions, ${html(first)} to ${html(last)}, as shares of them; the table below gives the figures</title>
${bars.join('\n')}
${axisLabels(days, barWidth + gap, barWidth, height)}
</svg>
<figcaption>Each bar is one UTC day's questions, ${html(first)} to ${html(last)}, split by what the bot did: <ul class="legend">${legend.join('')}</ul>
A grey line is a day without questions. Questions are messages the bot read as questions; greetings, commands and topic menus are not counted.</figcaption>
</figure>`;
}

/** An entry by its question, with its id; by its id alone when the version served no longer has it. */
function entryName(row: { entryId: string; question?: string }): string {
  return row.question ? `${html(row.question)} <span class="note">(${html(row.entryId)})</span>` : html(row.entryId);
}

/** A year on from today: the review date a checked source gets unless the curator picks another. */
function aYearOn(): string {
  const next = new Date();
  next.setUTCFullYear(next.getUTCFullYear() + 1);
  return next.toISOString().slice(0, 10);
}

/** Freshness: each source past its review date, with the entries that rest on it, and a form to record a check of it. */
function dueSection(due: readonly SourceDue[], csrf: string, revision: number | undefined): string {
  if (due.length === 0) return '<p>No entry is due for review: every source is within its review date.</p>';
  const sources = due.map((source, i) => {
    const entries = source.entries.map((e) => `<li><a href="/curate/entries/${encodeURIComponent(e.id)}">${html(e.question)}</a></li>`).join('');
    return (
      `<li><a href="${html(source.url)}">${html(source.title)}</a>, due for review on ${html(source.reviewBy)}: ` +
      `${source.entries.length} ${source.entries.length === 1 ? 'entry' : 'entries'}<ul class="asked">${entries}</ul>` +
      `<form method="post" action="/curate/sources/reviewed">${changeFields(csrf, revision)}<input type="hidden" name="url" value="${html(source.url)}">` +
      `<label for="review-${i}">Checked again; next review by</label> <input type="date" id="review-${i}" name="reviewBy" value="${aYearOn()}" required> ` +
      '<button type="submit">Move the review date on</button></form></li>'
    );
  });
  return `<p>Check each source against the live page. If the entries still hold, move its review date on; if not, edit them first.</p>
<ul>${sources.join('')}</ul>`;
}

function overviewSection({ days, busiest, dueForReview }: OverviewView, csrf: string, revision: number | undefined): string {
  const asked = days.filter((day) => day.questions > 0);
  const rows = asked
    .map(
      (day) =>
        `<tr><th scope="row">${html(day.day)}</th><td>${day.questions}</td>` +
        `${OUTCOMES.map(({ key }) => `<td>${percentOf(day[key], day.questions)}</td>`).join('')}</tr>`,
    )
    .reverse();
  const table =
    rows.length === 0
      ? '<p>No questions in the last 30 days.</p>'
      : `<table>
<caption>Questions per day, newest first, and the share of them each outcome had (days with questions only)</caption>
<thead><tr><th scope="col">Day (UTC)</th><th scope="col">Questions</th>${OUTCOMES.map(({ label }) => `<th scope="col">${label}</th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
  const busiestList =
    busiest.length === 0
      ? '<p>No answers given in the last 30 days.</p>'
      : `<table>
<caption>The entries answered most in the last 30 days (partial replies included)</caption>
<thead><tr><th scope="col">Entry</th><th scope="col">Answers</th></tr></thead>
<tbody>
${busiest.map((row) => `<tr><td>${entryName(row)}</td><td>${row.answers}</td></tr>`).join('\n')}
</tbody>
</table>`;
  return `<h2>Overview</h2>
${outcomeChart(days)}
${table}
${busiestList}
<h3>Due for review</h3>
${dueSection(dueForReview, csrf, revision)}`;
}

/** 👍 and 👎 per entry: the answers supporters found least helpful first, for a curator to read again. */
function helpfulnessTable(rows: readonly HelpfulnessView[]): string {
  if (rows.length === 0) return '<p>No answer has been rated in the last 30 days.</p>';
  const cells = rows.map((row) => {
    const entry = row.question ? entryName(row) : `${html(row.entryId)} <span class="note">(no longer in the knowledge base)</span>`;
    const failed = row.failed.map((f) => `<li>${html(f.question)}${f.count > 1 ? ` <span class="note">(${f.count} times)</span>` : ''}</li>`);
    const asked = failed.length > 0 ? `<ul class="asked">${failed.join('')}</ul>` : '';
    return `<tr><td>${entry}</td><td>${row.helpful}</td><td>${row.unhelpful}</td><td>${asked}</td></tr>`;
  });
  return `<table>
<caption>Answers rated in the last 30 days, the most "not helpful" first. Each conversation rates an answer at most once.</caption>
<thead><tr><th scope="col">Entry</th><th scope="col">Helpful</th><th scope="col">Not helpful</th><th scope="col">Asked, then rated not helpful</th></tr></thead>
<tbody>
${cells.join('\n')}
</tbody>
</table>`;
}

/** The versions of the knowledge base (the one served marked, each with a button to serve it), the inbox and the ratings. */
export function workbenchPage(view: WorkbenchView, csrf: string, message?: string): string {
  const { versions: list, overview, helpfulness } = view;
  const rows = [
    { version: 1, publishedAt: '', note: 'knowledge/ as committed' },
    ...list.versions.map((v) => ({ version: v.version, publishedAt: v.publishedAt, note: v.note })),
  ]
    .map((v) => {
      const served = v.version === list.current;
      const action = served
        ? '<td>Being served</td>'
        : `<td><form method="post" action="/curate/versions/current"><input type="hidden" name="csrf" value="${html(csrf)}">` +
          `<input type="hidden" name="version" value="${v.version}"><button type="submit">Serve version ${v.version}</button></form></td>`;
      const published = html(v.publishedAt.slice(0, 16).replace('T', ' '));
      return `<tr${served ? ' aria-current="true"' : ''}><th scope="row">${v.version}</th><td>${published}</td><td>${html(v.note)}</td>${action}</tr>`;
    })
    .join('\n');
  return page(
    "Curators' workbench",
    `<h1>Curators' workbench</h1>
${message ? `<p class="message" role="status">${html(message)}</p>` : ''}
${overviewSection(overview, csrf, view.revision)}
<h2>Inbox</h2>
${inboxTable(view, csrf)}
<h2>Helpfulness</h2>
${helpfulnessTable(helpfulness)}
<h2>Knowledge versions</h2>
<p>Every instance serves the version marked, within 30 seconds of a change. Build the next one in the <a href="/curate/draft">draft</a>.</p>
<table>
<caption>Published versions, oldest first</caption>
<thead><tr><th scope="col">Version</th><th scope="col">Published (UTC)</th><th scope="col">Note</th><th scope="col">Served</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<form method="post" action="/curate/sign-out"><input type="hidden" name="csrf" value="${html(csrf)}"><button type="submit">Sign out</button></form>`,
  );
}
