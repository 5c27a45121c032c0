import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect } from 'chai';
import { PROJECT_ROOT } from '../src/shared/projectRoot';
import { loadKnowledge } from '../src/faq/knowledge/loadKnowledge';
import { SynonymRewriter, tokenize } from '../src/faq/analysis/normalise';

/**
 * The knowledge base must answer every fact of the source page, and state nothing the page does not
 * support. knowledge/sources/ holds the page as curated; each entry quotes the parts it relies on.
 */
const SOURCE_FILE = resolve(PROJECT_ROOT, 'knowledge/sources/international-movement.txt');

/** Lines and sentences of the page that state no fact: its title, headings and links. */
const NOT_FACTS = new Set([
  'The International Movement | Amnesty International UK',
  'The International Movement',
  'Our international accountability',
  'Our Secretary General and the International Secretariat',
  'Our work in the Global South',
  'Read about our global work.',
  'Read more about our work on the International Secretariat website.',
]);

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
const source = readFileSync(SOURCE_FILE, 'utf8');
const sentences = source
  .split('\n')
  .map(squash)
  .filter(Boolean)
  .flatMap((line) => line.split(/(?<=[.!?])\s+(?=[A-Z])/))
  .filter((sentence) => !NOT_FACTS.has(sentence));

const kb = loadKnowledge(resolve(PROJECT_ROOT, 'knowledge'));
const words = (text: string) => tokenize(text, new SynonymRewriter([])).map((t) => t.stem);

describe('source coverage', () => {
  it('finds the fact sentences of the page', () => {
    expect(sentences.length).to.be.greaterThan(20);
  });

  for (const sentence of sentences) {
    const covering = kb.entries.flatMap((entry) => entry.quotes.filter((q) => sentence.includes(squash(q))).map((quote) => ({ entry, quote })));
    const ids = [...new Set(covering.map((c) => c.entry.id))];
    it(`"${sentence.slice(0, 60)}…" is answered by ${ids.join(', ') || 'NO ENTRY'}`, () => {
      const quoted = new Set(covering.flatMap((c) => words(c.quote)));
      const missing = words(sentence).filter((w) => !quoted.has(w));
      expect(missing, `words of this sentence that no entry quotes: ${missing.join(', ')}`).to.deep.equal([]);
    });
  }
});

/**
 * Words that make a fact go stale. That every quote is in the page word for word, and every number of an
 * answer in its quotes, loadKnowledge checks itself (src/faq/knowledge/sourceChecks.ts), so kb:check and
 * start-up refuse a base that breaks them.
 */
const STALE = /\d|\b(million|thousand|current|currently|planning|developing|every two years|approximately)\b/i;

describe('answers state only what the source supports', () => {
  for (const entry of kb.entries.filter((e) => e.quotes.some((q) => STALE.test(q)))) {
    it(`${entry.id}: its facts can go stale, so the answer is worded as of the source date`, () => {
      expect(entry.answer).to.include(`As of ${entry.source.asOf}`);
    });
  }
});
