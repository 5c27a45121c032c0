/*
 * The workbench's edits to a knowledge version, held as its files ("offices.yaml" → text). Each edit
 * returns a new map in which only the YAML it changes is rewritten: the rest of the file, comments and
 * hand-wrapped answers included, stays byte for byte as the curators left it, so that a version's diff
 * shows the edit and nothing else. Whole-document printing cannot promise that: it re-wraps every folded
 * answer and every long flow list. Edits do not judge the knowledge (loadKnowledge on the result does);
 * they refuse only what cannot be applied.
 */
import { Document, isMap, isNode, isScalar, isSeq, Pair, parseDocument, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';
import { OUT_OF_SCOPE_FILE, phrasingKey, TOPICS, type Entry, type Topic } from '../faq';

/** A knowledge version's files by relative name, as readKnowledgeDir gives them; never changed in place. */
type Files = Readonly<Record<string, string>>;

/** An edit that cannot be applied; the message names the file, the entry and the field. */
export class EditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EditError';
  }
}

/** The fields of an entry a curator writes; its id and its own source are edited elsewhere. */
export type EntryFields = Pick<Entry, 'question' | 'label' | 'subject' | 'phrasings' | 'answer' | 'quotes' | 'related'>;

const FIELDS: readonly (keyof EntryFields)[] = ['question', 'label', 'subject', 'phrasings', 'answer', 'quotes', 'related'];

/** The column the curated answers are folded at: rewrapping an answer at it reproduces nearly all of them. */
const ANSWER_WIDTH = 103;

const OUT_OF_SCOPE_HEADER = [
  ' Questions curators marked as outside the knowledge base. The bot need not answer them, the',
  " workbench's inbox hides them, and the eval counts any fact the bot gives one as wrong.",
].join('\n');

type Refuse = (message: string) => never;

/** Throws an EditError naming where the edit was refused: `offices.yaml, entry "regional-hubs", phrasings: …`. */
function refuser(file: string, entryId?: string, field?: string): Refuse {
  const where = [file, entryId === undefined ? undefined : `entry "${entryId}"`, field].filter(Boolean).join(', ');
  return (message) => {
    throw new EditError(`${where}: ${message}`);
  };
}

function parse(files: Files, name: string): Document.Parsed {
  const text = files[name];
  const refuse: Refuse = refuser(name);
  if (text === undefined) refuse('is not in this version');
  const doc = parseDocument(text);
  const [error] = doc.errors;
  if (error) refuse(`is not valid YAML: ${error.message.split('\n')[0] ?? ''}`);
  return doc;
}

/** Where a node's text starts and ends in its file, without the whitespace after it. */
function spanOf(text: string, node: Node): [number, number] {
  if (!node.range) throw new Error('a parsed YAML node has no source range');
  const [start, , nodeEnd] = node.range;
  return [start, start + text.slice(start, nodeEnd).trimEnd().length];
}

function columnOf(text: string, offset: number): number {
  return offset - text.lastIndexOf('\n', offset - 1) - 1;
}

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((pair) => isScalar(pair.key) && pair.key.value === key);
}

/**
 * `key: value` as YAML written at `column`, the lines after the first indented to it. An answer is
 * folded where the curated ones are; everything else is left on its lines, as long quotes and
 * `related: [a, b]` are.
 */
function renderPair(key: string, value: Node, column: number): string {
  const doc = new Document(new YAMLMap());
  (doc.contents as YAMLMap).items.push(new Pair(new Scalar(key), value));
  const lineWidth = key === 'answer' ? ANSWER_WIDTH - column : 0;
  const lines = doc.toString({ lineWidth, flowCollectionPadding: false }).trimEnd().split('\n');
  return lines.map((line, i) => (i === 0 || !line ? line : ' '.repeat(column) + line)).join('\n');
}

interface Splice {
  start: number;
  end: number;
  text: string;
}

function applySplices(text: string, splices: readonly Splice[]): string {
  return [...splices].sort((a, b) => b.start - a.start).reduce((out, s) => out.slice(0, s.start) + s.text + out.slice(s.end), text);
}

/**
 * The splice that gives `map` the value `value` at `key`: the value's text is replaced (with any comments
 * the node carries, which it renders again), or the pair is added after the map's last one.
 */
function setPair(text: string, map: YAMLMap, key: string, value: Node): Splice {
  const first = map.items[0]?.key;
  const column = isScalar(first) ? columnOf(text, spanOf(text, first)[0]) : 0;
  const pair = pairOf(map, key);
  if (pair && isScalar(pair.key) && isNode(pair.value)) {
    const [, keyEnd] = spanOf(text, pair.key);
    const [, valueEnd] = spanOf(text, pair.value);
    return { start: keyEnd, end: valueEnd, text: renderPair(key, value, column).slice(key.length) };
  }
  const [, end] = spanOf(text, map);
  return { start: end, end, text: `\n${' '.repeat(column)}${renderPair(key, value, column)}` };
}

/** A field as text; YAML reads `label: 2013` as a number, which the curator wrote as words. */
function textOf(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

/**
 * `values` as a list node: the old list's items are kept for the values it already has, with their
 * comments and quoting, and a new value is quoted as the item before it, so that a list of double-quoted
 * quotes stays one. An empty list was written `[]` whatever the style of its field, so it takes `flow`.
 */
function listNode(old: unknown, values: readonly string[], flow: boolean, type?: Scalar.Type): YAMLSeq {
  const seq = isSeq(old) && old.items.length > 0 ? old : Object.assign(new YAMLSeq(), { flow });
  const unused = seq.items.filter(isScalar);
  let style = unused[0]?.type ?? type;
  seq.items = values.map((value) => {
    const kept = unused.findIndex((item) => item.value === value);
    const item = kept >= 0 ? unused.splice(kept, 1)[0] : undefined;
    const node = item ?? Object.assign(new Scalar(value), { type: style });
    style = node.type;
    return node;
  });
  return seq;
}

/** A text field's node: the old scalar keeps its quoting and comments; an answer is always folded (`>-`). */
function textNode(field: string, old: unknown, value: string): Scalar {
  const node = isScalar(old) ? old : new Scalar(value);
  node.value = value;
  if (field === 'answer') node.type = Scalar.BLOCK_FOLDED;
  return node;
}

function fieldNode(field: keyof EntryFields, old: unknown, value: string | readonly string[]): Node {
  if (typeof value === 'string') return textNode(field, old, value);
  // Quotes are sentences with commas, colons and quotation marks of their own: the files double-quote them all.
  return listNode(old, value, field === 'related', field === 'quotes' ? Scalar.QUOTE_DOUBLE : undefined);
}

function fieldsOf(entry: YAMLMap): EntryFields {
  const raw = (entry.toJSON() ?? {}) as Record<string, unknown>;
  const list = (key: keyof EntryFields) => {
    const value = raw[key];
    return Array.isArray(value) ? value.map(textOf) : [];
  };
  return {
    question: textOf(raw.question),
    label: textOf(raw.label),
    subject: textOf(raw.subject),
    phrasings: list('phrasings'),
    answer: textOf(raw.answer),
    quotes: list('quotes'),
    related: list('related'),
  };
}

function sameValue(a: string | readonly string[], b: string | readonly string[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function entriesOf(doc: Document.Parsed): YAMLMap[] {
  const entries = doc.get('entries');
  return isSeq(entries) ? entries.items.filter(isMap) : [];
}

interface Located {
  topic: Topic;
  name: string;
  text: string;
  entry: YAMLMap;
}

function locate(files: Files, entryId: string): Located | undefined {
  for (const topic of TOPICS) {
    const name = `${topic}.yaml`;
    if (files[name] === undefined) continue;
    const entry = entriesOf(parse(files, name)).find((e) => e.get('id') === entryId);
    if (entry) return { topic, name, text: files[name], entry };
  }
  return undefined;
}

function mustLocate(files: Files, entryId: string): Located {
  return locate(files, entryId) ?? refuser(`entry "${entryId}"`)('no topic file has this entry');
}

/** The topic file that holds the entry, e.g. "offices.yaml". */
export function whichFile(files: Files, entryId: string): string | undefined {
  return locate(files, entryId)?.name;
}

/** An entry as its file writes it, before the knowledge base's checks and defaults. */
export function entryFields(files: Files, entryId: string): { topic: Topic; fields: EntryFields } | undefined {
  const found = locate(files, entryId);
  return found && { topic: found.topic, fields: fieldsOf(found.entry) };
}

/** Rewrites the fields that differ from the entry's, in place, leaving its other fields' text alone. */
function withFields(files: Files, at: Located, fields: Partial<EntryFields>): Record<string, string> {
  const current = fieldsOf(at.entry);
  const splices = FIELDS.flatMap((field) => {
    const value = fields[field];
    if (value === undefined || sameValue(value, current[field])) return [];
    return [setPair(at.text, at.entry, field, fieldNode(field, at.entry.get(field, true), value))];
  });
  return { ...files, [at.name]: applySplices(at.text, splices) };
}

/** Replaces the entry's question, label, subject, phrasings, answer, quotes and related entries. */
export function updateEntry(files: Files, entryId: string, fields: EntryFields): Record<string, string> {
  return withFields(files, mustLocate(files, entryId), fields);
}

/** Whether the question is, case and punctuation aside, one of `existing`. */
function repeats(question: string, existing: readonly string[]): boolean {
  const key = phrasingKey(question);
  return existing.some((text) => phrasingKey(text) === key);
}

/** Adds a way of asking the entry's question, the words a supporter used. */
export function addPhrasing(files: Files, entryId: string, phrasing: string): Record<string, string> {
  const at = mustLocate(files, entryId);
  const refuse: Refuse = refuser(at.name, entryId, 'phrasings');
  const text = phrasing.trim();
  if (!text) refuse('a phrasing must not be empty');
  const { question, phrasings } = fieldsOf(at.entry);
  if (repeats(text, [question])) refuse(`"${text}" is the entry's question`);
  if (repeats(text, phrasings)) refuse(`"${text}" is already a phrasing`);
  return withFields(files, at, { phrasings: [...phrasings, text] });
}

/** Adds the question to out-of-scope.yaml, writing the file, with what it is for, if the version has none. */
export function markOutOfScope(files: Files, question: string): Record<string, string> {
  const refuse: Refuse = refuser(OUT_OF_SCOPE_FILE, undefined, 'questions');
  const text = question.trim();
  if (!text) refuse('a question must not be empty');
  if (files[OUT_OF_SCOPE_FILE] === undefined) return { ...files, [OUT_OF_SCOPE_FILE]: newOutOfScopeFile(text) };
  const doc = parse(files, OUT_OF_SCOPE_FILE);
  const { contents } = doc;
  if (!isMap(contents)) refuse('the file is not a map with a questions list');
  const old = contents.get('questions');
  const questions = isSeq(old) ? old.items.map((item) => textOf(isScalar(item) ? item.value : item)) : [];
  if (repeats(text, questions)) refuse(`"${text}" is already marked out of scope`);
  const splice = setPair(files[OUT_OF_SCOPE_FILE], contents, 'questions', listNode(old, [...questions, text], false));
  return { ...files, [OUT_OF_SCOPE_FILE]: applySplices(files[OUT_OF_SCOPE_FILE], [splice]) };
}

function newOutOfScopeFile(question: string): string {
  const doc = new Document({ questions: [question] });
  doc.commentBefore = OUT_OF_SCOPE_HEADER;
  return doc.toString({ lineWidth: 0 });
}

/** Appends a new entry to the topic's file, after its last entry and laid out as the others are. */
export function addEntry(files: Files, topic: Topic, id: string, fields: EntryFields): Record<string, string> {
  const name = `${topic}.yaml`;
  const refuse: Refuse = refuser(name, id);
  if (!TOPICS.includes(topic)) refuse(`there is no topic "${topic}"`);
  const taken = whichFile(files, id);
  if (taken) refuser(name, id, 'id')(`is already used in ${taken}`);
  const text = files[name] ?? refuse('is not in this version');
  const entries = parse(files, name).get('entries');
  const last = isSeq(entries) && !entries.flow ? entries.items.filter(isMap).at(-1) : undefined;
  if (!isSeq(entries) || !last) return refuser(name, undefined, 'entries')('has no list of entries to add to');
  return { ...files, [name]: applySplices(text, [appendEntry(text, entries, last, id, fields)]) };
}

/** The new entry's text after `last`: dashed, indented and spaced from it as the file's entries are. */
function appendEntry(text: string, entries: YAMLSeq, last: YAMLMap, id: string, fields: EntryFields): Splice {
  const [dashAt] = spanOf(text, entries);
  const [lastStart, end] = spanOf(text, last);
  const dash = columnOf(text, dashAt);
  const column = columnOf(text, lastStart);
  const pairs = [renderPair('id', new Scalar(id), column), ...FIELDS.map((field) => renderPair(field, fieldNode(field, undefined, fields[field]), column))];
  const gap = entries.items.length < 2 || last.spaceBefore ? '\n' : '';
  return { start: end, end, text: `\n${gap}${' '.repeat(dash)}-${' '.repeat(column - dash - 1)}${pairs.join(`\n${' '.repeat(column)}`)}` };
}

/** The splice that moves a `source:` map's review date on, if it is the source at `url`; its quoting is kept. */
function reviewSplice(text: string, source: unknown, url: string, reviewBy: string): Splice[] {
  if (!isMap(source) || source.get('url') !== url) return [];
  const old = source.get('reviewBy', true);
  const node = isScalar(old) ? old : Object.assign(new Scalar(reviewBy), { type: Scalar.QUOTE_DOUBLE });
  node.value = reviewBy;
  return [setPair(text, source, 'reviewBy', node)];
}

/**
 * Records that a curator checked the source at `url` again: every topic and entry that cites it gets the
 * new review date. Refused if no topic file cites it.
 */
export function moveReviewDate(files: Files, url: string, reviewBy: string): Record<string, string> {
  const changed: Record<string, string> = {};
  for (const topic of TOPICS) {
    const name = `${topic}.yaml`;
    const text = files[name];
    if (text === undefined) continue;
    const doc = parse(files, name);
    const splices = [doc.get('source', true), ...entriesOf(doc).map((entry) => entry.get('source', true))].flatMap((source) =>
      reviewSplice(text, source, url, reviewBy),
    );
    if (splices.length > 0) changed[name] = applySplices(text, splices);
  }
  if (Object.keys(changed).length === 0) refuser('source', undefined, 'url')(`no topic or entry cites ${url}`);
  return { ...files, ...changed };
}
