import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import {
  detailsFileSchema,
  entrySchema,
  namesFileSchema,
  outOfScopeFileSchema,
  synonymsFileSchema,
  topicFileSchema,
  type Entry,
  type NameGroup,
  type Source,
  type Synonym,
  type TopicInfo,
} from './schema';
import { KnowledgeError, type KnowledgeProblem } from './problems';
import { checkAgainstSources, reviewsDue, squashedSourceText } from './sourceChecks';

const SYNONYMS_FILE = 'synonyms.yaml';
const NAMES_FILE = 'names.yaml';
const DETAILS_FILE = 'details.yaml';
export const OUT_OF_SCOPE_FILE = 'out-of-scope.yaml';

export interface KnowledgeBase {
  entries: Entry[];
  topics: TopicInfo[];
  synonyms: Synonym[];
  names: NameGroup[];
  details: string[];
  /** Questions curators marked as outside the base: for the eval and the workbench, never for matching. */
  outOfScope: string[];
  /** What a curator should look at but that does not stop the bot: sources past their review date. */
  warnings: KnowledgeProblem[];
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}

function issuesToProblems(error: z.ZodError, file: string, entryId?: string, prefix: PropertyKey[] = []): KnowledgeProblem[] {
  return error.issues
    .map((issue) => {
      // zod reports unknown keys on the object itself; name the stray key as the field.
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
      return keys.map((key) => ({
        file,
        entryId,
        field: fieldPath([...prefix, ...issue.path, ...(key === undefined ? [] : [key])]) || undefined,
        message: issue.code === 'unrecognized_keys' ? 'is not a known field' : issue.message,
      }));
    })
    .flat();
}

/**
 * Where a knowledge base's files come from: a directory (knowledge/ as committed) or the files of a
 * version a curator published, held in the store. Names are relative: "offices.yaml", "sources/page.txt".
 */
export interface KnowledgeFiles {
  /** The top-level files: topics, synonyms, names, details, out-of-scope questions. */
  names(): string[];
  /** A file's text; throws when there is no such file. */
  read(name: string): string;
  /** How a problem names the file. */
  display(name: string): string;
}

/** The files of a knowledge directory. */
function directoryFiles(dir: string): KnowledgeFiles {
  return {
    names: () => readdirSync(dir),
    read: (name) => readFileSync(join(dir, name), 'utf8'),
    // Paths inside the project read best relative to it ("knowledge/offices.yaml"); others stay absolute.
    display: (name) => {
      const path = join(dir, name);
      const rel = relative(process.cwd(), path);
      return rel && !rel.startsWith('..') ? rel : path;
    },
  };
}

/** Files held as text, a published version's: `label` says which in problems ("version 3"). */
export function textFiles(files: Readonly<Record<string, string>>, label: string): KnowledgeFiles {
  return {
    names: () => Object.keys(files).filter((name) => !name.includes('/')),
    read: (name) => {
      const text = files[name];
      if (text === undefined) throw new Error(`${label} has no ${name}`);
      return text;
    },
    display: (name) => `${name} (${label})`,
  };
}

/** Every file a knowledge directory's base is made of: its top-level YAML and its sources' texts. */
export function readKnowledgeDir(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.yaml'))
    .sort())
    files[name] = readFileSync(join(dir, name), 'utf8');
  for (const name of readdirSync(join(dir, 'sources'))
    .filter((n) => n.endsWith('.txt'))
    .sort()) {
    files[`sources/${name}`] = readFileSync(join(dir, 'sources', name), 'utf8');
  }
  return files;
}

function readYaml(files: KnowledgeFiles, name: string, file: string): { value?: unknown; problems: KnowledgeProblem[] } {
  let text: string;
  try {
    text = files.read(name);
  } catch (err) {
    return { problems: [{ file, message: `cannot be read (${(err as Error).message})` }] };
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return { problems: doc.errors.map((e) => ({ file, message: `is not valid YAML: ${e.message.split('\n')[0]}` })) };
  }
  return { value: doc.toJS(), problems: [] };
}

function loadTopicFile(files: KnowledgeFiles, name: string, file: string): { entries: Entry[]; topic?: TopicInfo; problems: KnowledgeProblem[] } {
  const { value, problems } = readYaml(files, name, file);
  if (problems.length > 0) return { entries: [], problems };
  const parsed = topicFileSchema.safeParse(value);
  if (!parsed.success) return { entries: [], problems: issuesToProblems(parsed.error, file) };
  const { topic, label, aliases, overview, source } = parsed.data;
  if (basename(name, '.yaml') !== topic) {
    problems.push({ file, field: 'topic', message: `is "${topic}" but the file must be named ${topic}.yaml` });
  }
  const entries: Entry[] = [];
  parsed.data.entries.forEach((raw, index) => {
    const result = entrySchema.safeParse(raw);
    if (!result.success) {
      const id = (raw as { id?: unknown } | null)?.id;
      const entryId = typeof id === 'string' && id.trim() ? id : `#${index + 1} (no id)`;
      problems.push(...issuesToProblems(result.error, file, entryId));
      return;
    }
    const { source: own, ...entry } = result.data;
    entries.push({ ...entry, topic, source: own ?? source });
  });
  return { entries, topic: { topic, label, aliases, overview, source }, problems };
}

/**
 * What makes two phrasings the same question whatever their case and punctuation: one entry's phrasing
 * repeated by another leaves a supporter's question without one answer.
 */
export function phrasingKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Checks that only make sense across the whole base: unique ids, links that resolve, one phrasing one entry. */
function crossCheck(entries: Entry[], fileOf: Map<Entry, string>): KnowledgeProblem[] {
  const problems: KnowledgeProblem[] = [];
  const byId = new Map<string, Entry>();
  for (const entry of entries) {
    const first = byId.get(entry.id);
    if (first) {
      problems.push({ file: fileOf.get(entry) ?? '', entryId: entry.id, field: 'id', message: `is already used in ${fileOf.get(first)}` });
    } else {
      byId.set(entry.id, entry);
    }
  }
  const owner = new Map<string, Entry>();
  for (const entry of entries) {
    entry.related.forEach((id, i) => {
      if (!byId.has(id))
        problems.push({ file: fileOf.get(entry) ?? '', entryId: entry.id, field: `related[${i}]`, message: `names "${id}", which no entry has` });
      if (id === entry.id) problems.push({ file: fileOf.get(entry) ?? '', entryId: entry.id, field: `related[${i}]`, message: 'names the entry itself' });
    });
    [entry.question, ...entry.phrasings].forEach((text, i) => {
      const key = phrasingKey(text);
      const other = owner.get(key);
      if (other && other !== entry) {
        const field = i === 0 ? 'question' : `phrasings[${i - 1}]`;
        problems.push({ file: fileOf.get(entry) ?? '', entryId: entry.id, field, message: `"${text}" is also a phrasing of "${other.id}"` });
      }
      owner.set(key, entry);
    });
  }
  return problems;
}

/** One of the files that are not topics (synonyms, names, details, out-of-scope): its problems go to `problems`. */
function readListFile<T>(files: KnowledgeFiles, name: string, file: string, schema: z.ZodType<T>, problems: KnowledgeProblem[]): T | undefined {
  const { value, problems: yamlProblems } = readYaml(files, name, file);
  problems.push(...yamlProblems);
  if (yamlProblems.length > 0) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) problems.push(...issuesToProblems(parsed.error, file));
  return parsed.success ? parsed.data : undefined;
}

/**
 * Reads every topic file and the synonyms, names, details and out-of-scope files in `dir`, checks every entry against
 * its source's text, and either returns the whole base or throws a KnowledgeError listing every problem
 * found, so a curator can fix them all in one pass. `today` decides which sources are due for review.
 */
export function loadKnowledge(from: string | KnowledgeFiles, today = new Date()): KnowledgeBase {
  const files = typeof from === 'string' ? directoryFiles(from) : from;
  const display = (name: string) => files.display(name);
  let names: string[];
  try {
    names = files
      .names()
      .filter((n) => n.endsWith('.yaml') || n.endsWith('.yml'))
      .sort();
  } catch (err) {
    throw new KnowledgeError([{ file: display('.'), message: `cannot be read (${(err as Error).message})` }]);
  }
  const problems: KnowledgeProblem[] = [];
  const entries: Entry[] = [];
  const topics: TopicInfo[] = [];
  const fileOf = new Map<Entry, string>();
  let synonyms: Synonym[] = [];
  let nameGroups: NameGroup[] = [];
  let details: string[] = [];
  let outOfScope: string[] = [];

  for (const name of names) {
    const file = display(name);
    if (name.endsWith('.yml')) {
      problems.push({ file, message: 'must end in .yaml' });
      continue;
    }
    if (name === SYNONYMS_FILE) {
      synonyms = readListFile(files, name, file, synonymsFileSchema, problems)?.synonyms ?? synonyms;
      continue;
    }
    if (name === DETAILS_FILE) {
      details = readListFile(files, name, file, detailsFileSchema, problems)?.details ?? details;
      continue;
    }
    if (name === OUT_OF_SCOPE_FILE) {
      outOfScope = readListFile(files, name, file, outOfScopeFileSchema, problems)?.questions ?? outOfScope;
      continue;
    }
    if (name === NAMES_FILE) {
      const groups = readListFile(files, name, file, namesFileSchema, problems)?.names;
      if (groups) nameGroups = groups.map((n) => (Array.isArray(n) ? { spellings: n, matchCase: [] } : n));
      continue;
    }
    const loaded = loadTopicFile(files, name, file);
    problems.push(...loaded.problems);
    if (loaded.topic) topics.push(loaded.topic);
    for (const entry of loaded.entries) fileOf.set(entry, file);
    entries.push(...loaded.entries);
  }
  if (entries.length === 0 && problems.length === 0) {
    problems.push({ file: display('.'), message: 'holds no topic files with entries' });
  }
  problems.push(...crossCheck(entries, fileOf));
  const fileOfEntry = (entry: Entry) => fileOf.get(entry) ?? '';
  problems.push(...checkAgainstSources(entries, fileOfEntry, sourceTexts(files, entries, fileOfEntry, problems)));
  if (problems.length > 0) throw new KnowledgeError(problems);
  const sources = [
    ...topics.map((topic) => ({ file: display(`${topic.topic}.yaml`), source: topic.source })),
    ...entries
      .filter((e) => e.source !== topics.find((t) => t.topic === e.topic)?.source)
      .map((e) => ({ file: fileOfEntry(e), entryId: e.id, source: e.source })),
  ];
  return { entries, topics, synonyms, names: nameGroups, details, outOfScope, warnings: reviewsDue(sources, today) };
}

/**
 * Each source's text, read once however many entries cite it; a text that cannot be read is one problem,
 * on the first entry that cites it, and its quotes are then not checked.
 */
function sourceTexts(
  files: KnowledgeFiles,
  entries: readonly Entry[],
  fileOf: (entry: Entry) => string,
  problems: KnowledgeProblem[],
): (source: Source) => string | undefined {
  const texts = new Map<string, string | undefined>();
  for (const entry of entries) {
    const name = entry.source.text;
    if (texts.has(name)) continue;
    try {
      texts.set(name, squashedSourceText(files.read(name)));
    } catch (err) {
      texts.set(name, undefined);
      problems.push({ file: fileOf(entry), entryId: entry.id, field: 'source.text', message: `cannot be read (${(err as Error).message})` });
    }
  }
  return (source) => texts.get(source.text);
}
