import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * Tokens for the local Direct Line endpoint, shaped like Azure's (a signed JWT) because Web Chat reads the
 * `user` claim of its token to learn its own user id, and refuses a "dl_" id that is not in one. Signed with
 * a key made at start-up: conversations live in memory, so tokens need not outlive the process either.
 */

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

const claimsSchema = z.object({
  user: z.string().startsWith('dl_'),
  /** Present once a conversation has started: the token then opens that conversation and no other. */
  conv: z.string().optional(),
  exp: z.number().int(),
});

export type LocalClaims = z.infer<typeof claimsSchema>;

/** Azure's tokens last 30 minutes and Web Chat refreshes them every 15; ours do the same. */
export const TOKEN_LIFETIME_SECONDS = 1800;

export class LocalTokens {
  private readonly key = randomBytes(32);

  constructor(private readonly now: () => number = Date.now) {}

  issue(claims: { user: string; conv?: string }): string {
    const payload = Buffer.from(JSON.stringify({ ...claims, exp: Math.floor(this.now() / 1000) + TOKEN_LIFETIME_SECONDS })).toString('base64url');
    return `${HEADER}.${payload}.${this.sign(`${HEADER}.${payload}`)}`;
  }

  /** The token's claims if we signed it and it has not expired; undefined for anything else. */
  verify(token: string): LocalClaims | undefined {
    const [header, payload, signature, ...rest] = token.split('.');
    if (header !== HEADER || payload === undefined || signature === undefined || rest.length > 0) return undefined;
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    const claims = claimsSchema.safeParse(decoded);
    if (!claims.success || claims.data.exp * 1000 <= this.now()) return undefined;
    return claims.data;
  }

  private sign(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }
}

/** An unguessable Direct Line user id; "dl_" is the prefix Direct Line reserves for ids bound into tokens. */
export function newUserId(): string {
  return `dl_${randomBytes(18).toString('base64url')}`;
}
