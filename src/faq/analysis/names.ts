import type { NameGroup } from '../knowledge/schema';
import { foldText } from './normalise';

/**
 * Finds which places and organisations (knowledge/names.yaml) a text names, by walking its words once:
 * a regular expression per name would cost more than the rest of a search on a large base.
 */
export class NameFinder {
  /** First folded word of a spelling → the spellings starting with it, as word lists, with their group. */
  private readonly byFirstWord = new Map<string, { words: string[]; group: number }[]>();
  private readonly caseSensitive: { spelling: string; pattern: RegExp; group: number }[] = [];
  /** Every folded word of every spelling. */
  private readonly words = new Set<string>();

  /** Each group's first spelling, to name it in `npm run ask`. */
  private readonly labels: string[];

  constructor(groups: readonly NameGroup[]) {
    this.labels = groups.map((g) => g.spellings[0] ?? g.matchCase[0] ?? '');
    groups.forEach((g, group) => {
      for (const spelling of g.spellings) {
        const words = foldText(spelling).split(' ').filter(Boolean);
        const [first] = words;
        if (first === undefined) continue;
        for (const w of words) this.words.add(w);
        const list = this.byFirstWord.get(first) ?? [];
        list.push({ words, group });
        this.byFirstWord.set(first, list);
      }
      for (const spelling of g.matchCase) {
        this.caseSensitive.push({
          spelling,
          pattern: new RegExp(`(?<![\\p{L}\\p{N}])${spelling.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'u'),
          group,
        });
      }
    });
  }

  label(group: number): string {
    return this.labels[group] ?? String(group);
  }

  /** Whether a folded word is part of some place's or organisation's name. */
  isNameWord(word: string): boolean {
    return this.words.has(word);
  }

  /** Whether a folded word begins a spelling: a text with no such word names nothing, but for case-sensitive names. */
  startsName(word: string): boolean {
    return this.byFirstWord.has(word);
  }

  /** Whether `text` may name a case-sensitive name ("US", "WHO"): a substring test, before any pattern runs. */
  mayNameCaseSensitive(text: string): boolean {
    return this.caseSensitive.some(({ spelling }) => text.includes(spelling));
  }

  /** The groups named in `text`; `folded` is foldText(text), passed in when the caller has it. */
  find(text: string, folded = foldText(text)): Set<number> {
    const found = new Set<number>();
    if (this.byFirstWord.size === 0 && this.caseSensitive.length === 0) return found;
    const words = folded.split(' ');
    for (const [i, word] of words.entries()) {
      for (const { words: spelling, group } of this.byFirstWord.get(word) ?? []) {
        if (spelling.every((w, k) => words[i + k] === w)) found.add(group);
      }
    }
    for (const { pattern, group } of this.caseSensitive) if (pattern.test(text)) found.add(group);
    return found;
  }
}
