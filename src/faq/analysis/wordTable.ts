import { foldText, isPrintableAscii, respelt } from './normalise';

const SPACE = 32;
const PERCENT = 37;
const APOSTROPHE = 39;
const BACKTICK = 96;
const LOWER_S = 115;
/** FNV-1a, as in the typo index. */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Letters, digits and %: what foldText keeps of a plain-ASCII text, lower-cased. */
function foldedCode(c: number): number {
  if (c >= 97 && c <= 122) return c;
  if (c >= 65 && c <= 90) return c + 32;
  if ((c >= 48 && c <= 57) || c === PERCENT) return c;
  return SPACE;
}

/** A regular expression's \w: where `'s` is not a possessive ("it's_x" keeps its s). */
function isRegExpWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/**
 * Numbers the words of texts as foldText would split them. Building the index of a large knowledge base
 * looks up about a million words; folding each text into a new string, splitting it and looking its words
 * up in a Map of strings was most of that time. For plain-ASCII text this folds the characters into a
 * reused buffer, hashes each word there and compares it with the word already numbered, creating a
 * string only for a word it has not seen. Other text is folded by foldText first.
 */
export class WordTable {
  /** The words as foldText spells them, by id. */
  readonly words: string[] = [];
  /** What each word is looked up by: the folded characters before foldText's whole-word rules (respelt). */
  private readonly keys: string[] = [];
  private readonly hashes: number[] = [];
  /** Open addressing: a slot holds a word id, or -1. Kept at most half full. */
  private slots = new Int32Array(1024).fill(-1);
  private buffer = new Uint16Array(256);

  get size(): number {
    return this.words.length;
  }

  /** Appends the id of each word of `text`, as foldText(text).split(' ') would give them, to `into`. */
  idsOf(text: string, into: number[]): number[] {
    return isPrintableAscii(text) ? this.idsOfAscii(text, into) : this.idsOfFolded(foldText(text), into);
  }

  /** Folds, splits and hashes in one pass: each word's folded characters go to the buffer as it is read. */
  private idsOfAscii(text: string, into: number[]): number[] {
    if (this.buffer.length < text.length) this.buffer = new Uint16Array(text.length * 2);
    const buffer = this.buffer;
    let length = 0;
    let hash = FNV_OFFSET;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === APOSTROPHE || c === BACKTICK) {
        // A possessive 's goes with its apostrophe; any other apostrophe is dropped, joining its neighbours.
        const next = text.charCodeAt(i + 1) | 32;
        if (next === LOWER_S && !(i + 2 < text.length && isRegExpWordChar(text.charCodeAt(i + 2)))) i++;
        continue;
      }
      const folded = foldedCode(c);
      if (folded !== SPACE) {
        buffer[length++] = folded;
        hash = Math.imul(hash ^ folded, FNV_PRIME);
      } else if (length > 0) {
        into.push(this.idOf(buffer, length, hash >>> 0));
        length = 0;
        hash = FNV_OFFSET;
      }
    }
    if (length > 0) into.push(this.idOf(buffer, length, hash >>> 0));
    return into;
  }

  private idsOfFolded(folded: string, into: number[]): number[] {
    for (const word of folded.split(' ')) {
      if (!word) continue;
      if (this.buffer.length < word.length) this.buffer = new Uint16Array(word.length * 2);
      let hash = FNV_OFFSET;
      for (let i = 0; i < word.length; i++) {
        this.buffer[i] = word.charCodeAt(i);
        hash = Math.imul(hash ^ this.buffer[i]!, FNV_PRIME);
      }
      into.push(this.idOf(this.buffer, word.length, hash >>> 0));
    }
    return into;
  }

  /** The id of the word in buffer[0 .. length), numbering it if it is new. */
  private idOf(buffer: Uint16Array, length: number, hash: number): number {
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const id = this.slots[slot]!;
      if (id === -1) return this.add(textOf(buffer, length), hash, slot);
      if (this.hashes[id] === hash && sameKey(this.keys[id]!, buffer, length)) return id;
    }
  }

  private add(key: string, hash: number, slot: number): number {
    const id = this.words.length;
    this.keys.push(key);
    this.words.push(respelt(key));
    this.hashes.push(hash);
    this.slots[slot] = id;
    if (this.words.length * 2 > this.slots.length) this.grow();
    return id;
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    this.hashes.forEach((hash, id) => {
      let slot = hash & mask;
      while (slots[slot] !== -1) slot = (slot + 1) & mask;
      slots[slot] = id;
    });
    this.slots = slots;
  }
}

/** buffer[0 .. length) as a string, a slice at a time: a call takes only so many arguments. */
function textOf(buffer: Uint16Array, length: number): string {
  let text = '';
  for (let i = 0; i < length; i += 4096) text += String.fromCharCode(...buffer.subarray(i, Math.min(length, i + 4096)));
  return text;
}

function sameKey(key: string, buffer: Uint16Array, length: number): boolean {
  if (key.length !== length) return false;
  for (let k = 0; k < length; k++) if (key.charCodeAt(k) !== buffer[k]) return false;
  return true;
}
