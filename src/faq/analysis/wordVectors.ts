import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { PROJECT_ROOT } from '../../shared/projectRoot';

/**
 * Word vectors small enough to load at start-up: a vocabulary of about 55,000 words (`npm run
 * vectors:build` picks it), each an int8 vector with one float32 scale: one 6 MB file read in about 60 ms
 * and 11 MB, where the embeddings' own JSON takes 3.5 s and 1 GB.
 *
 * The file, all numbers little-endian:
 *   header (48 bytes): magic "WVEC", u16 version, u16 dimension, u32 word count, u32 byte length of the
 *     words, then the SHA-256 of everything after the header;
 *   the words: UTF-8, sorted, one per line ("\n" between, none after), then zero bytes to a multiple of 4;
 *   the scales: one float32 per word, in the words' order;
 *   the vectors: dimension int8 values per word, in the words' order.
 * The digest is there because a vector's bytes have no invalid values: a damaged file would otherwise
 * load and answer wrong similarities without a word of warning.
 */

export const DEFAULT_WORD_VECTORS_FILE = resolve(PROJECT_ROOT, 'src', 'faq', 'analysis', 'word-vectors.bin');

const MAGIC = 'WVEC';
const VERSION = 1;
const DIGEST_BYTES = 32;
const HEADER_BYTES = 16 + DIGEST_BYTES;
/** int8's symmetric range: -128 is left out so that a vector and its opposite quantise alike. */
const INT8_MAX = 127;

export interface WordVectors {
  readonly dimension: number;
  /** How many words have a vector. */
  readonly size: number;
  /** Words are looked up as they are: lower-case, as foldText leaves them. */
  has(word: string): boolean;
  /** The cosine of the two words' vectors, in [-1, 1]; undefined if either word has none. */
  similarity(a: string, b: string): number | undefined;
  /** The word's unit-length vector, a copy; undefined if it has none. */
  vector(word: string): Float32Array | undefined;
}

/** Thrown for a file that is not a word-vector file of this version, or is damaged. */
class WordVectorsFileError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'WordVectorsFileError';
  }
}

const headerSchema = z.object({
  magic: z.literal(MAGIC, { error: `does not start with "${MAGIC}": not a word-vector file` }),
  version: z.literal(VERSION, { error: `is not version ${VERSION} of the word-vector format` }),
  dimension: z.number().int().min(1, 'has a dimension of 0'),
  count: z.number().int().min(1, 'has no words'),
  wordBytes: z.number().int().min(1, 'has no words'),
});

function padTo4(bytes: number): number {
  return (bytes + 3) & ~3;
}

function digest(body: Uint8Array): Buffer {
  return createHash('sha256').update(body).digest();
}

/**
 * The file's bytes for these vectors, each keyed by its word (which must be non-empty and hold no line
 * break). Each vector is made unit length, then scaled so that its largest component is ±127 and rounded:
 * one scale per vector rather than per dimension, because a unit vector's components already share a
 * range, and because a per-vector scale leaves a plain int8 dot product times two scales as the cosine,
 * where per-dimension scales would put a multiplication back in every term. The stored scale is 1 / the
 * rounded vector's length, so scale × int8 values is unit length again: rounding moves the direction a
 * little, never the length, and a word's similarity with itself is 1.
 * Deterministic: the words are sorted, and every step is plain IEEE arithmetic in a fixed order.
 */
export function encodeWordVectors(vectors: ReadonlyMap<string, ArrayLike<number>>, dimension: number): Buffer {
  const words = [...vectors.keys()].sort();
  const bad = words.find((word) => word === '' || word.includes('\n'));
  if (bad !== undefined) throw new Error(`cannot store the word ${JSON.stringify(bad)}: words must be non-empty and hold no line break`);
  const wordBlock = Buffer.from(words.join('\n'), 'utf8');
  const scalesAt = padTo4(wordBlock.length);
  const body = Buffer.alloc(scalesAt + words.length * (4 + dimension));
  wordBlock.copy(body, 0);
  const quantised = new Int8Array(body.buffer, body.byteOffset + scalesAt + 4 * words.length, words.length * dimension);
  words.forEach((word, i) => {
    const values = vectors.get(word)!;
    if (values.length !== dimension) throw new Error(`the vector of "${word}" has ${values.length} values, not ${dimension}`);
    const unit = Array.from(values);
    // A loop and Math.sqrt rather than Math.hypot, whose rounding the language leaves to each engine.
    const length = Math.sqrt(unit.reduce((sum, value) => sum + value * value, 0));
    if (!Number.isFinite(length) || length === 0) throw new Error(`the vector of "${word}" has no direction (length ${length})`);
    for (let d = 0; d < dimension; d++) unit[d]! /= length;
    const largest = Math.max(...unit.map(Math.abs));
    let squares = 0;
    for (let d = 0; d < dimension; d++) {
      const q = Math.round((unit[d]! / largest) * INT8_MAX);
      quantised[i * dimension + d] = q;
      squares += q * q;
    }
    body.writeFloatLE(1 / Math.sqrt(squares), scalesAt + 4 * i);
  });
  const header = Buffer.alloc(HEADER_BYTES);
  header.write(MAGIC, 0, 'latin1');
  header.writeUInt16LE(VERSION, 4);
  header.writeUInt16LE(dimension, 6);
  header.writeUInt32LE(words.length, 8);
  header.writeUInt32LE(wordBlock.length, 12);
  digest(body).copy(header, 16);
  return Buffer.concat([header, body]);
}

/** The vectors in a file written by encodeWordVectors; `file` names it in errors. */
function parseWordVectors(bytes: Buffer, file: string): WordVectors {
  if (bytes.length < HEADER_BYTES)
    throw new WordVectorsFileError(file, `is ${bytes.length} bytes, shorter than the ${HEADER_BYTES}-byte header: truncated or not a word-vector file`);
  const parsed = headerSchema.safeParse({
    magic: bytes.toString('latin1', 0, 4),
    version: bytes.readUInt16LE(4),
    dimension: bytes.readUInt16LE(6),
    count: bytes.readUInt32LE(8),
    wordBytes: bytes.readUInt32LE(12),
  });
  // The first problem only: the fields are checked in the order they are stored, and a wrong magic makes the rest noise.
  if (!parsed.success) throw new WordVectorsFileError(file, parsed.error.issues[0]!.message);
  const { dimension, count, wordBytes } = parsed.data;
  const scalesAt = HEADER_BYTES + padTo4(wordBytes);
  const vectorsAt = scalesAt + 4 * count;
  const expected = vectorsAt + count * dimension;
  if (bytes.length !== expected) {
    throw new WordVectorsFileError(file, `is ${bytes.length} bytes, but its header describes ${expected}: truncated or damaged`);
  }
  if (!digest(bytes.subarray(HEADER_BYTES)).equals(bytes.subarray(16, HEADER_BYTES))) {
    throw new WordVectorsFileError(file, 'does not match its checksum: damaged');
  }

  const words = bytes.toString('utf8', HEADER_BYTES, HEADER_BYTES + wordBytes).split('\n');
  if (words.length !== count) throw new WordVectorsFileError(file, `holds ${words.length} words, but its header says ${count}`);
  const index = new Map(words.map((word, i) => [word, i]));
  // Not the order, which only a lookup by binary search would need: the checksum already vouches for the bytes.
  if (index.size !== count || index.has('')) throw new WordVectorsFileError(file, 'repeats a word or has an empty one');
  const scales = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const scale = bytes.readFloatLE(scalesAt + 4 * i);
    if (!(scale > 0 && Number.isFinite(scale))) throw new WordVectorsFileError(file, `the scale of "${words[i]}" is ${scale}, not a positive number`);
    scales[i] = scale;
  }
  // A view, not a copy: the vectors are most of the file, and nothing else holds the buffer.
  const quantised = new Int8Array(bytes.buffer, bytes.byteOffset + vectorsAt, count * dimension);

  return Object.freeze({
    dimension,
    size: count,
    has: (word: string) => index.has(word),
    similarity(a: string, b: string): number | undefined {
      const i = index.get(a);
      const j = index.get(b);
      if (i === undefined || j === undefined) return undefined;
      let dot = 0;
      for (let d = 0, p = i * dimension, q = j * dimension; d < dimension; d++) dot += quantised[p + d]! * quantised[q + d]!;
      // The scales make each vector unit length only to float32's precision: clamp what rounding pushes out.
      return Math.max(-1, Math.min(1, dot * scales[i]! * scales[j]!));
    },
    vector(word: string): Float32Array | undefined {
      const i = index.get(word);
      if (i === undefined) return undefined;
      return Float32Array.from(quantised.subarray(i * dimension, (i + 1) * dimension), (q) => q * scales[i]!);
    },
  });
}

/** The committed vectors, or another file of the same format. */
export function loadWordVectors(file = DEFAULT_WORD_VECTORS_FILE): WordVectors {
  return parseWordVectors(readFileSync(file), file);
}

let committed: WordVectors | undefined;

/** The committed vectors, read once per process: every index shares them (about 11 MB). */
export function committedWordVectors(): WordVectors {
  committed ??= loadWordVectors();
  return committed;
}
