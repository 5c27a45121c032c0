import { RETRIEVAL_FLOOR } from '../../src/faq/decide';
import { KnowledgeIndex } from '../../src/faq/retrieval/knowledgeIndex';
import { SynonymRewriter } from '../../src/faq/analysis/normalise';
import { syntheticKnowledge } from '../helpers/syntheticKnowledge';

/**
 * `npm run bench:search`: search latency, index build time and heap size on synthetic knowledge bases of
 * 100 to 100,000 entries (5 phrasings each, and an answer and a quote as long as the curated ones), with
 * realistic 3–12 word queries, some misspelt and some with words the base has never seen, searched as the
 * bot does (skipping entries below the "did you mean" floor). A benchmark that prints a table, never a
 * test.
 */

const synthetic = syntheticKnowledge(2013);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function heapMiB(): number {
  global.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** Each base is built this many times: this machine's timings vary by a third from run to run. */
const BUILDS = 3;

const sizes = (process.argv[2] ?? '100,1000,10000,100000').split(',').map(Number);
const rows: string[][] = [];
for (const size of sizes) {
  const entries = synthetic.entries(size);
  const queries = synthetic.queries(entries, size >= 100_000 ? 300 : 2000);
  const builds: number[] = [];
  let index: KnowledgeIndex | undefined;
  let heap = 0;
  for (let b = 0; b < BUILDS; b++) {
    index = undefined;
    // Every build starts on a collected heap, as the bot's does at start-up.
    const before = heapMiB();
    const started = performance.now();
    index = new KnowledgeIndex(entries, new SynonymRewriter([]));
    builds.push(performance.now() - started);
    // The first index's size: later builds would count what the collector has yet to take of earlier ones.
    if (b === 0) heap = heapMiB() - before;
  }
  const search = (q: string) => index!.search(index!.analyse(q), { minMatch: RETRIEVAL_FLOOR });
  // One untimed pass first, so the figures are the steady state rather than the JIT compiler at work.
  for (const q of queries) search(q);
  const times = queries.map((q) => {
    const t = performance.now();
    search(q);
    return performance.now() - t;
  });
  times.sort((a, b) => a - b);
  builds.sort((a, b) => a - b);
  rows.push([
    size.toLocaleString('en-GB'),
    String(queries.length),
    percentile(times, 50).toFixed(3),
    percentile(times, 99).toFixed(3),
    percentile(builds, 50).toFixed(0),
    builds[builds.length - 1]!.toFixed(0),
    heap.toFixed(1),
  ]);
}

const header = ['entries', 'queries', 'search p50 ms', 'search p99 ms', `build ms (median of ${BUILDS})`, 'build ms (slowest)', 'index heap MiB'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
process.stdout.write(`${[line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n')}\n`);
process.stdout.write('Targets (#3): p99 ≤ 1 ms at 10,000 entries and ≤ 10 ms at 100,000; build ≤ 1 s at 10,000.\n');
