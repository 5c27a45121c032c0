import type { Prng } from './prng';

/**
 * One generated request, as data: printable, so a failure names exactly what was sent. Paths and header
 * values may hold the Direct Line placeholders below, filled in at send time with the live conversation's
 * ids and tokens (the only parts of a request a seed cannot fix in advance).
 */
export interface HostileRequest {
  /** Position in the run; every canary in the request carries it, so a leaked canary names its request. */
  index: number;
  fuzzClass: string;
  /** What this request tries, e.g. "gzip bomb (60 MB)" or "recipient objects 6000 deep". */
  variant: string;
  method: string;
  path: string;
  /** In order, duplicates allowed (a Content-Length lie may need two). */
  headers: [string, string][];
  body: Buffer;
  /**
   * What counts as handled: an HTTP answer, an answer or the server hanging up (a body over the limit may
   * be cut off mid-upload), or nothing required in a window (the request never finishes sending itself).
   */
  expect: 'answer' | 'answer-or-hang-up' | 'abandon';
  /** Sends the headers after the request line, or the body, a few bytes at a time; the client gives up after `abandonAfterMs`. */
  trickle?: { from: 'headers' | 'body'; bytes: number; everyMs: number };
  abandonAfterMs?: number;
  /** A path-traversal attempt: a 200 would mean it served a file from outside public/. */
  mustNotServe?: boolean;
}

export type DraftRequest = Omit<HostileRequest, 'index' | 'fuzzClass'>;

/**
 * Live Direct Line values the placeholders stand for. `{conv}` and `{convToken}` are one of a pool of
 * conversations, chosen by the request's index: the endpoint admits about ten posts a minute per
 * conversation, and a single one would answer nearly every hostile body with 429 without reading it.
 */
export interface DirectLineIds {
  pool: { conv: string; convToken: string }[];
  otherConv: string;
  otherToken: string;
  userToken: string;
}

export function fillPlaceholders(text: string, ids: DirectLineIds, index: number): string {
  const own = ids.pool[index % ids.pool.length]!;
  const values: Record<string, string> = { ...own, otherConv: ids.otherConv, otherToken: ids.otherToken, userToken: ids.userToken };
  return text.replace(/\{(conv|convToken|otherConv|otherToken|userToken)\}/g, (_match, name: string) => values[name]!);
}

/** Run-time facts generation needs: where the bot may deliver replies, and a loopback port nothing listens on. */
export interface Surroundings {
  /** A connector stand-in on 127.0.0.1 that answers every reply at once, so no turn waits on retries. */
  connectorUrl: string;
  closedPort: number;
}

/** What a class's generator gets for each request. */
export interface Gen {
  rng: Prng;
  /** This request's position within its class, from 0. */
  nth: number;
  /** A fresh canary for this request: `canary-<seed>-<index>-<random>`, lower-case letters, digits and hyphens. */
  canary(): string;
  around: Surroundings;
}

export function canaryPattern(seed: number): RegExp {
  return new RegExp(`canary-${seed}-(\\d+)-[a-z0-9]{6}`, 'g');
}

export const JSON_TYPE: [string, string] = ['content-type', 'application/json'];

export function postJson(variant: string, path: string, body: string | Buffer, headers: [string, string][] = [JSON_TYPE]): DraftRequest {
  return { variant, method: 'POST', path, headers, body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), expect: 'answer' };
}

export function get(variant: string, path: string, headers: [string, string][] = []): DraftRequest {
  return { variant, method: 'GET', path, headers, body: Buffer.alloc(0), expect: 'answer' };
}

/**
 * Headers a client controls and a careless server might log: a proxy chain (the bot trusts the last entry
 * as the client's address) and a user agent, carrying canaries some of the time.
 */
export function clientHeaders(g: Gen): [string, string][] {
  const headers: [string, string][] = [];
  if (g.rng.chance(0.4)) headers.push(['x-forwarded-for', `203.0.113.${g.rng.int(1, 254)}, ${g.canary()}`]);
  if (g.rng.chance(0.3)) headers.push(['user-agent', `fuzz ${g.canary()}`]);
  return headers;
}

export function bearer(token: string): [string, string] {
  return ['authorization', `Bearer ${token}`];
}
