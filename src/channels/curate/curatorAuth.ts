import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request } from 'restify';
import { z } from 'zod';

/** How long a curator stays signed in: a working day. */
export const SESSION_MS = 8 * 60 * 60 * 1000;
export const SESSION_COOKIE = 'curator_session';

/** Who a request is, once it proved it may curate. */
export type Curator = { via: 'bearer' } | { via: 'cookie'; session: string } | { via: 'principal'; name: string };

const hmac = (key: string, text: string) => createHmac('sha256', key).update(text).digest('base64url');

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * A session is its expiry and a keyed hash of it under the curator token: nothing is stored, so every
 * instance that knows the token accepts it, and changing the token signs everyone out.
 */
export function newSession(token: string, now: number): string {
  const expires = String(now + SESSION_MS);
  return `${expires}.${hmac(token, `session:${expires}`)}`;
}

function validSession(token: string, session: string, now: number): boolean {
  const [expires = '', mac = ''] = session.split('.');
  return /^\d{1,15}$/.test(expires) && Number(expires) > now && same(mac, hmac(token, `session:${expires}`));
}

/**
 * What a form of ours sends back with every change, where the browser sends credentials by itself (the
 * session cookie, or App Service's): a page of another site cannot read it. A bearer needs none.
 */
export function csrfTokenOf(token: string, curator: Curator): string | undefined {
  if (curator.via === 'bearer') return undefined;
  return hmac(token, curator.via === 'cookie' ? `csrf:${curator.session}` : `csrf:principal:${curator.name}`);
}

/** Compared as keyed hashes, which have one length, so the time taken says nothing of the token. */
export function tokenMatches(token: string, given: string): boolean {
  return same(hmac(token, `compare:${token}`), hmac(token, `compare:${given.slice(0, 1024)}`));
}

function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** App Service Authentication's header: base64 JSON with the claims of the signed-in principal. */
const principalSchema = z.object({ name_typ: z.string().optional(), claims: z.array(z.object({ typ: z.string(), val: z.string() })) });
const NAME_CLAIMS = ['name', 'preferred_username', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress'];
const OBJECT_ID_CLAIM = 'http://schemas.microsoft.com/identity/claims/objectidentifier';

/** The principal's names and object id, lower-cased, if the header holds one. */
function principalIds(header: string): string[] {
  let parsed: z.infer<typeof principalSchema>;
  try {
    parsed = principalSchema.parse(JSON.parse(Buffer.from(header.slice(0, 16_384), 'base64').toString('utf8')));
  } catch {
    return [];
  }
  const wanted = new Set([...NAME_CLAIMS, OBJECT_ID_CLAIM, ...(parsed.name_typ ? [parsed.name_typ] : [])]);
  return parsed.claims.filter((c) => wanted.has(c.typ) || c.typ === 'oid').map((c) => c.val.trim().toLowerCase());
}

/**
 * Whether a request may curate, and how it proved it: the token as a bearer (API calls), a session cookie
 * (the page), or, only where CURATOR_PRINCIPALS is set, a principal App Service Authentication signed in.
 * App Service removes X-MS-CLIENT-PRINCIPAL from what clients send, so the list must only be set behind it.
 */
export function curatorOf(req: Request, token: string, principals: readonly string[], now: number): Curator | undefined {
  const authorization = req.headers.authorization ?? '';
  if (authorization.startsWith('Bearer ')) return tokenMatches(token, authorization.slice('Bearer '.length).trim()) ? { via: 'bearer' } : undefined;
  const session = cookie(req, SESSION_COOKIE);
  if (session && validSession(token, session, now)) return { via: 'cookie', session };
  const header = req.headers['x-ms-client-principal'];
  if (principals.length > 0 && typeof header === 'string') {
    const name = principalIds(header).find((id) => principals.includes(id));
    if (name) return { via: 'principal', name };
  }
  return undefined;
}
