import type { Gen } from './hostileRequest';

/** Real questions, so that hostile variations still reach search, follow-ups and curation. */
const QUESTIONS = [
  'How often is the International Council Meeting held?',
  'who is the secretary general?',
  'who appoints them?',
  'what does the International Board do?',
  'how do I become a member',
  'Governance',
] as const;

export function question(g: Gen): string {
  return `${g.rng.pick(QUESTIONS)} ${g.canary()}`;
}

/**
 * An activity as the Emulator posts it, with canaries in every field a caller controls and that a log line
 * might carry (ids, names, tenant, channel data). `type` and `channelId` get none: the bot logs them on
 * purpose, as categories, so they are varied elsewhere without canaries. Replies come back in the HTTP
 * response (expectReplies); a variation that loses that sends them to the loopback connector stand-in.
 */
export function botActivity(g: Gen, type = 'message'): Record<string, unknown> {
  return {
    type,
    id: g.canary(),
    channelId: 'emulator',
    serviceUrl: g.around.connectorUrl,
    deliveryMode: 'expectReplies',
    timestamp: new Date(Date.UTC(2025, 0, 1)).toISOString(),
    locale: 'en-GB',
    text: question(g),
    from: { id: g.canary(), name: g.canary(), aadObjectId: g.canary(), role: 'user' },
    recipient: { id: 'bot-1', name: 'Bot', role: 'bot' },
    conversation: { id: g.canary(), tenantId: g.canary(), conversationType: 'personal' },
    channelData: { tenant: { id: g.canary() }, clientActivityID: g.canary() },
  };
}

/** What Web Chat posts to the local Direct Line endpoint. */
export function postedActivity(g: Gen): Record<string, unknown> {
  return { type: 'message', text: question(g), locale: 'en-GB', channelData: { clientActivityID: g.canary() } };
}

/** A value of the wrong type for almost any field, carrying a canary when it can hold text. */
export function wrongValue(g: Gen): unknown {
  const choices: (() => unknown)[] = [
    () => 0,
    () => -1,
    () => 1.5,
    () => 1e308,
    () => 2 ** 53 + 1,
    () => true,
    () => false,
    () => null,
    () => [],
    () => [g.canary()],
    () => [1, 'two', null, { id: g.canary() }],
    () => ({}),
    () => ({ id: 123 }),
    () => ({ id: g.canary(), extra: { deeper: [g.canary()] } }),
    () => '',
    () => ' ',
    () => g.canary(),
    () => `${g.canary()} ${'a'.repeat(g.rng.int(1000, 20_000))}`,
  ];
  return g.rng.pick(choices)();
}

/** Sets a dotted path, creating objects on the way; a no-op where an earlier mutation left something else. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node: Record<string, unknown> = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key] ?? (node[key] = {});
    if (typeof next !== 'object' || next === null || Array.isArray(next)) return;
    node = next as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
}

export function deletePath(target: Record<string, unknown>, path: string): void {
  const keys = path.split('.');
  let node: unknown = target;
  for (const key of keys.slice(0, -1)) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  if (typeof node === 'object' && node !== null) delete (node as Record<string, unknown>)[keys.at(-1)!];
}
