import autocannon from 'autocannon';

/** Concurrent conversations in flight: more than one instance of a small deployment sees at its busiest. */
export const CONNECTIONS = 32;
/** Untimed, before each round: JIT compilation, lazily built state and the first SQLite pages belong to no round. */
export const WARM_UP_SECONDS = 3;

export interface Round {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
}

/**
 * A warm-up, then `seconds` of POST /api/messages from CONNECTIONS keep-alive connections, each sending
 * its next request as soon as the last is answered, with the body `nextBody` gives. Throws if anything
 * but a 2xx came back, in the warm-up or the round: the figures would then time failures, not turns.
 */
export async function runRound(url: string, seconds: number, nextBody: () => string): Promise<Round> {
  const result = await autocannon({
    url: `${url}/api/messages`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections: CONNECTIONS,
    duration: seconds,
    // One request whose body is set as it is sent: every request is the next turn of the traffic.
    requests: [{ setupRequest: (request) => ({ ...request, body: nextBody() }) }],
    warmup: { connections: CONNECTIONS, duration: WARM_UP_SECONDS },
  });
  for (const [phase, run] of [
    ['warm-up', result.warmup],
    ['round', result],
  ] as const) {
    if (!run) continue;
    if (run.non2xx > 0 || run.errors > 0 || run['2xx'] === 0) {
      const statuses = Object.entries(run.statusCodeStats)
        .map(([status, { count }]) => `${count} × ${status}`)
        .join(', ');
      throw new Error(
        `${url}: the ${phase} had ${run.non2xx} non-2xx responses and ${run.errors} errors (${run.timeouts} timeouts); statuses: ${statuses || 'none'}`,
      );
    }
  }
  return { reqPerSec: result.requests.average, p50Ms: result.latency.p50, p99Ms: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}
