import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectorStub } from '../helpers/http';
import { BotUnderTest, LogWatch, type Leak } from './botUnderTest';
import { hostileRequests, type ClassPlan } from './classes';
import { canaryPattern, fillPlaceholders, type DirectLineIds, type HostileRequest, type Surroundings } from './hostileRequest';
import { send, type Outcome, type Target } from './rawHttp';

/** How long any one request may take to be answered. */
const REQUEST_TIMEOUT_MS = 10_000;
/** The responsiveness the server owes after each class: one GET /healthz answered within this. */
const HEALTH_LIMIT_MS = 1000;
/** How long the health check waits before calling the server unresponsive. */
const HEALTH_WAIT_MS = 3000;
/** Unanswered requests after which the rest of a class is not sent: a stalled server would cost 10 s each. */
const MAX_UNANSWERED = 3;
/** Conversations each class spreads its Direct Line requests over (the endpoint allows ten per client address). */
const DIRECT_LINE_POOL = 8;
/** Time for the bot's last log lines of a class to arrive before they are checked. */
const LOG_SETTLE_MS = 300;

export interface Violation {
  kind: string;
  text: string;
  /** `#index [variant]` of the request at fault, when there is one. */
  request?: string;
}

export interface ClassReport {
  name: string;
  planned: number;
  sent: number;
  /** "200", "400", "timeout", "hang-up", … → how many. */
  statuses: Map<string, number>;
  /** Time to answer, of the requests that were answered (abandoned and unanswered ones are violations or by design). */
  latenciesMs: number[];
  violations: Violation[];
  /** Why the bot was restarted before this class, if it was. */
  restartedBecause?: string;
}

/** A 5xx the server documents: a store that is down, or a Direct Line endpoint full of conversations. */
function documentedUnavailable(request: HostileRequest, outcome: Outcome): boolean {
  if (outcome.status !== 503) return false;
  const path = request.path.split('?')[0];
  if (request.method === 'GET' && path === '/healthz') return true;
  return request.method === 'POST' && path === '/directline/conversations' && outcome.body.includes('"too_many_conversations"');
}

const shorten = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

function describeRequest(request: HostileRequest): string {
  const preview = JSON.stringify(shorten(request.body.subarray(0, 200).toString('utf8'), 90));
  return (
    `#${request.index} [${shorten(request.variant, 70)}] ${request.method} ${shorten(request.path, 70)} ` +
    `(${request.body.length} B${request.body.length ? ` ${preview}` : ''})`
  );
}

function describeOutcome(outcome: Outcome): string {
  if (outcome.status !== undefined) return `${outcome.status} ${shorten(outcome.body, 120)}`;
  return `${outcome.failure}${outcome.detail ? ` (${outcome.detail})` : ''} after ${Math.round(outcome.ms)} ms`;
}

/** What is wrong with how the server handled the request, if anything. */
function judge(request: HostileRequest, outcome: Outcome): string | undefined {
  const { status, failure } = outcome;
  if (status !== undefined) {
    if (status >= 500 && !documentedUnavailable(request, outcome)) return '5xx';
    return status === 200 && request.mustNotServe ? 'served a traversal' : undefined;
  }
  if (failure === 'abandoned' && request.expect === 'abandon') return undefined;
  if (failure === 'hang-up' && request.expect !== 'answer') return undefined;
  return 'no answer';
}

/** A loopback port nothing listens on (bound, then released), for serviceUrls that must lead nowhere. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

async function json(target: Target, method: string, path: string, headers: [string, string][], expected: number): Promise<Record<string, string>> {
  const outcome = await send(target, { method, path, headers, body: Buffer.from(method === 'POST' ? '{}' : '') }, REQUEST_TIMEOUT_MS, 64 * 1024);
  if (outcome.status !== expected) throw new Error(`${method} ${path} answered ${describeOutcome(outcome)}, not ${expected}`);
  return JSON.parse(outcome.body) as Record<string, string>;
}

/**
 * The bot under test, the stand-ins around it, and the run's log watch. It runs one class at a time and
 * judges it; a bot that died or stopped answering is replaced before the next class, so one crash does not
 * hide what the other classes would find.
 */
export class FuzzSession {
  private bot!: BotUnderTest;
  private needsRestart?: string;
  private readonly descriptions = new Map<number, string>();
  private readonly reportedLeaks = new Set<number>();
  private setups = 0;

  private constructor(
    readonly seed: number,
    private readonly around: Surroundings,
    private readonly stub: ConnectorStub,
    private readonly dataDir: string,
    private readonly watch: LogWatch,
  ) {}

  static async open(seed: number): Promise<FuzzSession> {
    const stub = await new ConnectorStub().start();
    const around = { connectorUrl: stub.url, closedPort: await closedPort() };
    const session = new FuzzSession(seed, around, stub, mkdtempSync(join(tmpdir(), 'faq-fuzz-')), new LogWatch(canaryPattern(seed)));
    session.bot = await session.startBot();
    return session;
  }

  private startBot(): Promise<BotUnderTest> {
    // Debug logging, so every line the bot can write is searched for canaries. TRUST_PROXY as behind App
    // Service: X-Forwarded-For (which carries canaries) becomes the rate limiter's client key.
    return BotUnderTest.start({ STORAGE: 'sqlite', DATA_DIR: this.dataDir, LOG_LEVEL: 'debug', TRUST_PROXY: 'true' }, this.watch);
  }

  /** A user token, a pool of live conversations and one more to trespass on; each setup is a client of its own. */
  private async openDirectLine(): Promise<DirectLineIds> {
    this.setups += 1;
    const client: [string, string] = ['x-forwarded-for', `fuzz-setup-${this.setups}`];
    const target = this.bot.target;
    const start = (token: string) =>
      json(target, 'POST', '/directline/conversations', [client, ['authorization', `Bearer ${token}`], ['content-type', 'application/json']], 201);
    const user = await json(target, 'GET', '/api/directline/token', [client], 200);
    const pool: DirectLineIds['pool'] = [];
    for (let i = 0; i < DIRECT_LINE_POOL; i += 1) {
      const conversation = await start(i === 0 ? user.token! : 'undefined');
      pool.push({ conv: conversation.conversationId!, convToken: conversation.token! });
    }
    const other = await start('undefined');
    return { pool, userToken: user.token!, otherConv: other.conversationId!, otherToken: other.token! };
  }

  async runClass(plan: ClassPlan): Promise<ClassReport> {
    const report: ClassReport = { name: plan.fuzzClass.name, planned: plan.count, sent: 0, statuses: new Map(), latenciesMs: [], violations: [] };
    const violate = (kind: string, text: string) => report.violations.push({ kind, text });
    if (this.needsRestart || !this.bot.alive) {
      report.restartedBecause = this.needsRestart ?? `the bot ${this.bot.describeExit()}`;
      await this.bot.kill();
      this.bot = await this.startBot();
      this.needsRestart = undefined;
    }

    let ids: DirectLineIds;
    try {
      ids = await this.openDirectLine();
    } catch (err) {
      violate('setup', `could not open Direct Line conversations: ${(err as Error).message}`);
      this.needsRestart = 'Direct Line setup failed';
      return report;
    }

    const requests = hostileRequests(plan, this.seed, this.around);
    let unanswered = 0;
    let stopped: string | undefined;
    // Which request killed the bot is one of those in flight when it went; the rest fail after it, innocently.
    const inFlight = new Map<number, HostileRequest>();
    let inFlightAtDeath: string[] | undefined;
    void this.bot.exited.then(() => (inFlightAtDeath ??= [...inFlight.values()].map(describeRequest)));
    const worker = async () => {
      for (let next = requests.next(); !next.done; next = requests.next()) {
        const request = next.value;
        this.descriptions.set(request.index, describeRequest(request));
        if (!this.bot.alive) stopped ??= `the bot ${this.bot.describeExit()}`;
        if (unanswered >= MAX_UNANSWERED) stopped ??= `${MAX_UNANSWERED} requests went unanswered`;
        if (stopped) return;
        inFlight.set(request.index, request);
        const outcome = await send(
          this.bot.target,
          {
            ...request,
            path: fillPlaceholders(request.path, ids, request.index),
            headers: request.headers.map(([name, value]) => [name, fillPlaceholders(value, ids, request.index)]),
          },
          REQUEST_TIMEOUT_MS,
        );
        inFlight.delete(request.index);
        report.sent += 1;
        if (outcome.status !== undefined) report.latenciesMs.push(outcome.ms);
        const key = outcome.status === undefined ? outcome.failure! : String(outcome.status);
        report.statuses.set(key, (report.statuses.get(key) ?? 0) + 1);
        const problem = judge(request, outcome);
        if (!problem) continue;
        if (problem === 'no answer') unanswered += 1;
        report.violations.push({
          kind: problem,
          text: `${describeRequest(request)} → ${describeOutcome(outcome)}`,
          request: `#${request.index} [${shorten(request.variant, 40)}]`,
        });
      }
    };
    await Promise.all(Array.from({ length: plan.fuzzClass.concurrency }, worker));
    if (stopped) violate('stopped early', `${plan.count - report.sent} of ${plan.count} requests not sent: ${stopped}`);

    await new Promise((done) => setTimeout(done, LOG_SETTLE_MS));
    if (!this.bot.alive) {
      const suspects = inFlightAtDeath?.length ? `; in flight when it went: ${inFlightAtDeath.join(' | ')}` : '';
      violate('process died', `the bot ${this.bot.describeExit()}${suspects}; its last log lines: ${JSON.stringify(this.watch.tail('stderr').slice(-600))}`);
    } else {
      const health = await send(this.bot.target, { method: 'GET', path: '/healthz', headers: [], body: Buffer.alloc(0) }, HEALTH_WAIT_MS);
      if (health.status === undefined || health.ms > HEALTH_LIMIT_MS || (health.status >= 500 && health.status !== 503)) {
        violate('unresponsive', `GET /healthz after the class → ${describeOutcome(health)} (${Math.round(health.ms)} ms; limit ${HEALTH_LIMIT_MS} ms)`);
        this.needsRestart = 'it was unresponsive after the previous class';
      }
    }
    for (const leak of this.newLeaks(plan)) violate('canary in logs', this.describeLeak(leak));
    return report;
  }

  /** Leaks not yet reported, of the plan's requests only (a straggling line of an earlier class waits for close). */
  private newLeaks(plan?: ClassPlan): Leak[] {
    const inPlan = (index: number) => !plan || (index >= plan.firstIndex && index < plan.firstIndex + plan.count);
    const fresh = [...this.watch.leaks.values()].filter((leak) => inPlan(leak.index) && !this.reportedLeaks.has(leak.index));
    fresh.forEach((leak) => this.reportedLeaks.add(leak.index));
    return fresh.sort((a, b) => a.index - b.index);
  }

  private describeLeak(leak: Leak): string {
    return `${leak.canary} from ${this.descriptions.get(leak.index) ?? `request #${leak.index}`} appeared on ${leak.stream}: ${leak.excerpt}`;
  }

  /** Stops the bot (so its last lines are in) and returns canaries that reached the logs after their class was judged. */
  async close(): Promise<Violation[]> {
    await this.bot.stop();
    await this.stub.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
    return this.newLeaks().map((leak) => ({ kind: 'canary in logs', text: this.describeLeak(leak) }));
  }
}
