import { createHash } from 'node:crypto';

/**
 * A stable stand-in for a user or conversation id, for state keys we own and for correlating log lines.
 * One-way, so neither stored state nor logs hold the id a channel gave us.
 */
export function pseudonymise(id: string): string {
  return createHash('sha256').update(id).digest('base64url').slice(0, 16);
}
