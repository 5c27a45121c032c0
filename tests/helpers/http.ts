import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';
import { createLogger, type Logger } from '../../src/shared/logger';

/** A logger that keeps its lines, so tests can assert what is and is not logged. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(
    createLogger('debug', (line) => lines.push(line)),
    { lines },
  );
}

let sequence = 0;

/** An activity shaped the way the Bot Framework Emulator posts it. */
export function emulatorActivity(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  sequence += 1;
  return {
    type: 'message',
    id: `activity-${sequence}`,
    channelId: 'emulator',
    serviceUrl: 'http://127.0.0.1:9/unused',
    timestamp: new Date().toISOString(),
    locale: 'en-GB',
    from: { id: 'user-1', name: 'Supporter', role: 'user' },
    recipient: { id: 'bot-1', name: 'Bot', role: 'bot' },
    conversation: { id: 'conversation-1' },
    ...overrides,
  };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text };
}

/**
 * A stand-in for the Bot Connector service (the channel side, which cannot run here): it records the
 * replies and proactive messages the bot POSTs to {serviceUrl}/v3/conversations/{id}/activities[/{replyToId}],
 * and the updates it PUTs to {serviceUrl}/v3/conversations/{id}/activities/{activityId}.
 */
export class ConnectorStub {
  readonly received: { path: string; activity: Partial<Activity>; method: 'POST' | 'PUT' }[] = [];
  private server?: Server;
  private waiters: (() => void)[] = [];
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  private async handle(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += chunk;
    const method = req.method === 'POST' || req.method === 'PUT' ? req.method : undefined;
    const path = req.url ?? '';
    if (method && (method === 'POST' ? /^\/v3\/conversations\/[^/]+\/activities(\/[^/]+)?$/ : /^\/v3\/conversations\/[^/]+\/activities\/[^/]+$/).test(path)) {
      this.received.push({ path, activity: JSON.parse(body), method });
      this.waiters.splice(0).forEach((wake) => wake());
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `reply-${this.received.length}` }));
      return;
    }
    res.writeHead(404);
    res.end();
  }

  /** Resolves once `count` replies have arrived, or rejects after `ms`. */
  async waitFor(count: number, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} replies, got ${this.received.length}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
