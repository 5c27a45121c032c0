/**
 * JSON text the generators cannot get from JSON.stringify: nesting thousands deep (stringify itself would
 * overflow its stack) and escapes it would never write (lone surrogates). A value is built as an object
 * holding markers, stringified, then each marker is swapped for its raw text.
 */
export class RawJson {
  private readonly pieces: string[] = [];

  /** A stand-in to put in an object; `stringify` replaces it with `text`, which must be JSON (or the lie under test). */
  raw(text: string): string {
    this.pieces.push(text);
    return `\u0000raw${this.pieces.length - 1}\u0000`;
  }

  stringify(value: unknown): string {
    return JSON.stringify(value).replace(/"\\u0000raw(\d+)\\u0000"/g, (_match, n: string) => this.pieces[Number(n)]!);
  }
}

export type NestShape = 'objects' | 'arrays' | 'mixed';

/** `leaf` (JSON text) inside `depth` levels of objects, arrays or both, as text. */
export function nested(depth: number, shape: NestShape, leaf: string): string {
  const open = shape === 'objects' ? '{"a":' : shape === 'arrays' ? '[' : '{"a":[';
  const close = shape === 'objects' ? '}' : shape === 'arrays' ? ']' : ']}';
  const levels = shape === 'mixed' ? Math.ceil(depth / 2) : depth;
  return `${open.repeat(levels)}${leaf}${close.repeat(levels)}`;
}
