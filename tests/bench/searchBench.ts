import { DEFAULT_THRESHOLDS } from '../../src/conversation/decide';
import { KnowledgeIndex } from '../../src/search/knowledgeIndex';
import { SynonymRewriter } from '../../src/search/normalise';
import type { Entry, Topic } from '../../src/knowledge/schema';

/**
 * `npm run bench:search`: search latency, index build time and heap size on synthetic knowledge bases of
 * 100 to 100,000 entries (5 phrasings each), with realistic 3–12 word queries, some misspelt and some
 * with words the base has never seen, searched as the bot does (skipping entries below the "did you
 * mean" floor). A benchmark that prints a table, never a test.
 */

/** A small deterministic generator, so every run measures the same bases and queries. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const rand = random(2013);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
const FUNCTION_WORDS = ['how', 'what', 'who', 'when', 'where', 'is', 'the', 'of', 'does', 'in', 'a', 'amnesty'];
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

function syntheticWord(): string {
  const length = 4 + Math.floor(rand() * 7);
  return Array.from({ length }, () => pick([...LETTERS])).join('');
}

/** Content words follow a skewed distribution, as real vocabularies do: a few common, most rare. */
function vocabulary(size: number): () => string {
  const words = Array.from({ length: size }, syntheticWord);
  return () => words[Math.floor(words.length * rand() ** 2.5)]!;
}

function phrase(word: () => string, min: number, max: number): string {
  const n = min + Math.floor(rand() * (max - min + 1));
  return Array.from({ length: n }, () => (rand() < 0.3 ? pick(FUNCTION_WORDS) : word())).join(' ');
}

const TOPICS: Topic[] = ['governance', 'membership', 'offices'];
const SOURCE = { title: 'Synthetic', url: 'https://example.org', asOf: '2013' };

function syntheticEntries(count: number): Entry[] {
  const word = vocabulary(Math.max(2000, count * 3));
  return Array.from({ length: count }, (_, i) => {
    const question = phrase(word, 5, 10);
    return {
      id: `entry-${i}`,
      topic: TOPICS[i % 3]!,
      question,
      label: `Entry ${i}`,
      phrasings: Array.from({ length: 5 }, () => phrase(word, 3, 10)),
      answer: 'answer',
      quotes: ['quote'],
      source: SOURCE,
      related: [],
    };
  });
}

function typo(word: string): string {
  if (word.length < 5) return word;
  const i = 1 + Math.floor(rand() * (word.length - 2));
  return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
}

/** Queries built from an entry's own words, reordered, with a typo or an unseen word now and then. */
function syntheticQueries(entries: Entry[], count: number): string[] {
  return Array.from({ length: count }, () => {
    const words = pick(pick(entries).phrasings).split(' ');
    const n = Math.min(words.length, 3 + Math.floor(rand() * 10));
    const chosen = Array.from({ length: n }, () => pick(words)).map((w) => (rand() < 0.15 ? typo(w) : w));
    if (rand() < 0.2) chosen.push(syntheticWord());
    while (chosen.length < 3) chosen.push(pick(FUNCTION_WORDS));
    return chosen.slice(0, 12).join(' ');
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function heapMiB(): number {
  global.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

const sizes = (process.argv[2] ?? '100,1000,10000,100000').split(',').map(Number);
const rows: string[][] = [];
for (const size of sizes) {
  const entries = syntheticEntries(size);
  const queries = syntheticQueries(entries, size >= 100_000 ? 300 : 2000);
  const before = heapMiB();
  const started = performance.now();
  const index = new KnowledgeIndex(entries, new SynonymRewriter([]));
  const buildMs = performance.now() - started;
  const heap = heapMiB() - before;
  const search = (q: string) => index.search(q, { minConfidence: DEFAULT_THRESHOLDS.clarifyFloor });
  // One untimed pass first, so the figures are the steady state rather than the JIT compiler at work.
  for (const q of queries) search(q);
  const times = queries.map((q) => {
    const t = performance.now();
    search(q);
    return performance.now() - t;
  });
  times.sort((a, b) => a - b);
  rows.push([size.toLocaleString('en-GB'), String(queries.length), percentile(times, 50).toFixed(3), percentile(times, 99).toFixed(3), buildMs.toFixed(0), heap.toFixed(1)]);
}

const header = ['entries', 'queries', 'search p50 ms', 'search p99 ms', 'build ms', 'index heap MiB'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
process.stdout.write(`${[line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n')}\n`);
process.stdout.write('Targets (#3): p99 ≤ 1 ms at 10,000 entries and ≤ 10 ms at 100,000; build ≤ 1 s at 10,000.\n');
