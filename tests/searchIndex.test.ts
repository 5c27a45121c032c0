import { expect } from 'chai';
import { KnowledgeIndex, type Candidate, type SearchOptions } from '../src/faq/retrieval/knowledgeIndex';
import { foldText, SynonymRewriter } from '../src/faq/analysis/normalise';
import { WordTable } from '../src/faq/analysis/wordTable';
import { decider, knowledge } from './helpers/bot';
import { syntheticKnowledge } from './helpers/syntheticKnowledge';

/** The words foldText would give: what the index is built from, whichever way it splits a text. */
const foldedWords = (text: string) => foldText(text).split(' ').filter(Boolean);
const tableWords = (table: WordTable, text: string) => table.idsOf(text, []).map((id) => table.words[id]);

describe('word table', () => {
  it('splits texts into the very words foldText gives, possessives, apostrophes and "-ize" included', () => {
    const table = new WordTable();
    const texts = [
      "What's the Secretariat's main office?",
      "it's_here, isn't it? the 'quoted' word and a `tick`",
      "Amnesty's ''s x's's S'S",
      'organize, organized organizations realizes% pizza',
      "whats whos, hows it going? Where's the whatsapp group",
      '85% of staff; 2011-2015 (1,000), what % in london, %',
      'Café naïve — “curly” ‘quotes’ and\ttabs\nnew lines',
      '   ',
      '',
    ];
    for (const text of texts) expect(tableWords(table, text), text).to.deep.equal(foldedWords(text));
  });

  it('agrees with foldText on two thousand random strings', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    const alphabet = [..."abcizSZE 's'`_%09-.,?!é’A\t"];
    const table = new WordTable();
    for (let n = 0; n < 2000; n++) {
      const text = Array.from({ length: Math.floor(rand() * 30) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
      expect(tableWords(table, text), JSON.stringify(text)).to.deep.equal(foldedWords(text));
    }
  });

  it('gives a word the same id wherever it occurs', () => {
    const table = new WordTable();
    const [first] = table.idsOf('Board', []);
    expect(table.idsOf("the board's chair", [])).to.include(first);
    expect(table.words[first!]).to.equal('board');
  });
});

describe('search pruning', () => {
  /** Retrieval hands the model the best this many by match (RETRIEVE_LIMIT); asking for as many returns them all. */
  const RETRIEVED = 12;
  /** Best match first, ties by id: the order retrieval keeps entries in. */
  const byMatch = (candidates: Candidate[]) => [...candidates].sort((a, b) => b.match - a.match || a.entry.id.localeCompare(b.entry.id));
  /**
   * The same search with no floor and no limit, filtered and cut afterwards by match: what retrieval must
   * hand the model however much it skips.
   */
  function fullScan(index: KnowledgeIndex, text: string, options: SearchOptions) {
    const all = index.search(index.analyse(text), { ...options, minMatch: 0, limit: Number.MAX_SAFE_INTEGER }).candidates;
    return byMatch(all.filter((c) => c.match >= (options.minMatch ?? 0))).slice(0, RETRIEVED);
  }
  const summary = (candidates: Candidate[]) => byMatch(candidates).map((c) => `${c.entry.id} ${c.match} ${c.matchedPhrasing}`);

  it('skips only entries that could not have been among the results, on a synthetic base of 1,500 entries', () => {
    const synthetic = syntheticKnowledge(42);
    const entries = synthetic.entries(1500);
    const index = new KnowledgeIndex(entries, new SynonymRewriter([]));
    const queries = synthetic.queries(entries, 300);
    let compared = 0;
    queries.forEach((text, i) => {
      const options: SearchOptions = { minMatch: [0.3, 0.55, 0.8][i % 3], limit: RETRIEVED, contextText: i % 4 === 0 ? entries[i]!.question : undefined };
      const expected = fullScan(index, text, options);
      compared += expected.length;
      expect(summary(index.search(index.analyse(text), options).candidates), text).to.deep.equal(summary(expected));
    });
    // The comparison means something only if the searches found things.
    expect(compared).to.be.greaterThan(200);
  });

  it('skips only entries that could not have been among the results, on the curated knowledge base', () => {
    const texts = knowledge.entries.flatMap((e) => [e.question, ...e.phrasings.slice(0, 5)]);
    texts.push('amnesty?', 'what is it', 'how many', 'staff in london and the uk', 'who appoints them');
    for (const text of texts) {
      for (const options of [
        { minMatch: 0.55, limit: RETRIEVED },
        { minMatch: 0.25, limit: RETRIEVED, preferTopic: 'offices' as const },
      ]) {
        expect(summary(decider.index.search(decider.index.analyse(text), options).candidates), text).to.deep.equal(
          summary(fullScan(decider.index, text, options)),
        );
      }
    }
  });
});
