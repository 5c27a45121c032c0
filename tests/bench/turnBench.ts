import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { postJson } from '../helpers/http';
import { build, startServer, type Server, type Side } from './turnServers';
import { CONNECTIONS, runRound, WARM_UP_SECONDS, type Round } from './turnLoad';
import { CONVERSATIONS, MESSAGES, traffic, turnActivity } from './turnTraffic';

/**
 * `npm run bench:turns`: what one turn of the FAQ bot costs, against an echo bot on the same stack (the
 * floor: restify, CloudAdapter, conversation state; tests/bench/echoBot.ts), and against the same echo
 * run through botbuilder-dialogs' runDialog (the floor of the stack with the dialogs the design asks for).
 * All run as processes on their defaults and get the same load, in interleaved rounds so that a machine
 * that speeds up or slows down over the run (other work, thermal limits) weighs on each alike; and each is
 * cold-started, interleaved too. A benchmark that prints tables, never a test. `-- --rounds N --seconds S`
 * for N sets of rounds of S seconds each (default 3 and 15).
 */

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, seconds: { type: 'string', default: '15' } } });
const pairs = Number(values.rounds);
const seconds = Number(values.seconds);
if (!Number.isInteger(pairs) || pairs < 1 || !Number.isInteger(seconds) || seconds < 1)
  throw new Error('--rounds and --seconds take whole numbers, at least 1');

/** Cold starts per side: enough for a median and a worst case. */
const COLD_STARTS = 5;

const progress = (message: string) => process.stderr.write(`${message}\n`);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The first `labels` columns are words, left-aligned; the rest are figures. */
function table(header: string[], rows: string[][], labels = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i < labels ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return `${[line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n')}\n`;
}

const SIDES: readonly Side[] = ['echo', 'dialogs', 'bot'];

/** The order of the sides in set `pair` (from 0): each leads in turn, so none always gets the fresher machine. */
const order = (pair: number): Side[] => SIDES.map((_, i) => SIDES[(i + pair) % SIDES.length]!);

async function coldStarts(): Promise<Record<Side, number[]>> {
  const times: Record<Side, number[]> = { echo: [], dialogs: [], bot: [] };
  for (let pair = 0; pair < COLD_STARTS; pair++) {
    for (const side of order(pair)) {
      const server = await startServer(side);
      times[side].push(server.coldStartMs);
      await server.stop();
    }
  }
  return times;
}

/**
 * Every message of the mix once, in order in one conversation, to each side before it is timed: the echo
 * must say it back, and the bot must reply to each, or the load would measure something else.
 */
async function checkReplies(server: Server): Promise<void> {
  for (const text of MESSAGES) {
    // A conversation of its own, beyond the load's.
    const activity = turnActivity(CONVERSATIONS, text);
    const response = await postJson(`${server.url}/api/messages`, activity);
    const replies = ((response.body?.activities ?? []) as { type: string; text?: string; attachments?: unknown[] }[]).filter((a) => a.type === 'message');
    const answered = server.side === 'bot' ? replies.some((r) => r.text || r.attachments?.length) : replies.some((r) => r.text === text);
    if (response.status !== 200 || !answered)
      throw new Error(`the ${server.side} did not answer "${text}" (${response.status}): ${response.text.slice(0, 500)}`);
  }
}

interface RoundRow {
  pair: number;
  side: Side;
  round: Round;
}

function roundsTable(rows: RoundRow[]): string {
  return table(
    ['round', 'side', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'],
    rows.map(({ side, round }, i) => [
      String(i + 1),
      side,
      round.reqPerSec.toFixed(0),
      round.p50Ms.toFixed(0),
      round.p99Ms.toFixed(0),
      String(round.non2xx),
      String(round.errors),
    ]),
    2,
  );
}

/** The interleaved rounds, each added to `rows` as it ends; throws as soon as a side logs a problem. */
async function loadRounds(servers: Record<Side, Server>, rows: RoundRow[]): Promise<void> {
  const bodies = { echo: traffic(), dialogs: traffic(), bot: traffic() };
  for (let pair = 0; pair < pairs; pair++) {
    for (const side of order(pair)) {
      progress(`Round ${rows.length + 1} of ${pairs * SIDES.length}: ${side}, ${WARM_UP_SECONDS} s warm-up and ${seconds} s timed…`);
      rows.push({ pair, side, round: await runRound(servers[side].url, seconds, bodies[side]) });
      const { problems } = servers[side];
      if (problems.length > 0) throw new Error(`the ${side} logged ${problems.length} problems, the first:\n${problems.slice(0, 5).join('\n')}`);
    }
  }
}

async function main(): Promise<void> {
  progress(`Machine: ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(2)} before the run (other work on it skews every figure).`);
  progress('Building (tsc, as npm start does)…');
  build();

  progress(`Cold starts: ${COLD_STARTS} interleaved sets…`);
  const cold = await coldStarts();

  const servers = { echo: await startServer('echo'), dialogs: await startServer('dialogs'), bot: await startServer('bot') };
  const rssAfterStart = { echo: servers.echo.rssMiB(), dialogs: servers.dialogs.rssMiB(), bot: servers.bot.rssMiB() };
  const rows: RoundRow[] = [];
  let rssAfterLoad: Record<Side, number>;
  try {
    for (const server of Object.values(servers)) await checkReplies(server);
    await loadRounds(servers, rows);
    rssAfterLoad = { echo: servers.echo.rssMiB(), dialogs: servers.dialogs.rssMiB(), bot: servers.bot.rssMiB() };
  } catch (err) {
    // What was measured before the failure, to see where it went wrong.
    if (rows.length > 0) process.stdout.write(roundsTable(rows));
    throw err;
  } finally {
    await Promise.all(Object.values(servers).map((server) => server.stop()));
  }

  const ratios = Array.from({ length: pairs }, (_, pair) => {
    const of = (side: Side) => rows.find((row) => row.pair === pair && row.side === side)!.round;
    return {
      throughput: of('bot').reqPerSec / of('echo').reqPerSec,
      p99: of('bot').p99Ms / of('echo').p99Ms,
      dialogsFloor: of('dialogs').reqPerSec / of('echo').reqPerSec,
      overDialogs: of('bot').reqPerSec / of('dialogs').reqPerSec,
    };
  });

  const out: string[] = [];
  out.push(
    `${CONNECTIONS} connections, ${WARM_UP_SECONDS} s untimed warm-up then ${seconds} s per round, ` +
      `${MESSAGES.length} messages over ${CONVERSATIONS.toLocaleString('en-GB')} conversations, POST /api/messages with deliveryMode expectReplies.\n`,
  );
  out.push(roundsTable(rows));
  out.push('\n');
  out.push(
    table(
      ['set', 'req/s bot/echo', 'p99 bot/echo', 'req/s dialogs/echo', 'req/s bot/dialogs'],
      [
        ...ratios.map((r, pair) => [String(pair + 1), ...[r.throughput, r.p99, r.dialogsFloor, r.overDialogs].map((x) => `${x.toFixed(2)}×`)]),
        ['median', ...(['throughput', 'p99', 'dialogsFloor', 'overDialogs'] as const).map((k) => `${median(ratios.map((r) => r[k])).toFixed(2)}×`)],
      ],
    ),
  );
  out.push('\n');
  out.push(
    table(
      ['side', 'cold start median ms', 'cold start max ms', 'RSS after start MiB', 'RSS after load MiB'],
      SIDES.map((side) => [
        side,
        median(cold[side]).toFixed(0),
        Math.max(...cold[side]).toFixed(0),
        rssAfterStart[side].toFixed(0),
        rssAfterLoad[side].toFixed(0),
      ]),
    ),
  );
  const turns = [...servers.bot.decisions.values()].reduce((sum, n) => sum + n, 0);
  const mix = [...servers.bot.decisions].sort((a, b) => b[1] - a[1]).map(([kind, n]) => `${kind} ${((100 * n) / turns).toFixed(0)}%`);
  out.push(`\nThe bot's ${turns.toLocaleString('en-GB')} turns (warm-ups and the reply check included) were decided as: ${mix.join(', ')}.\n`);
  out.push(`Cold start is spawn to the first 200 on /healthz, polled every 10 ms; bot/echo median ${(median(cold.bot) / median(cold.echo)).toFixed(2)}×.\n`);
  out.push("'dialogs' is the echo bot answering from a one-step ComponentDialog through runDialog: what the dialog stack alone costs, for comparison.\n");
  out.push("Targets (#8): median req/s ratio ≥ 0.8×, median p99 ratio ≤ 1.25×, bot cold start ≤ 1.0 s or ≤ 1.5× the echo bot's.\n");
  process.stdout.write(out.join(''));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:turns failed, so its figures mean nothing: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
