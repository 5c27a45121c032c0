/**
 * A token bucket per client: each client may spend `burst` requests at once (by default `perMinute`), and
 * earns them back at `perMinute` a minute. Buckets that have filled up again are forgotten, so memory is
 * bounded by the clients active in the last minute, and by `maxClients` beyond that.
 */

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updated: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly refillPerMs: number;

  constructor(
    perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly maxClients = 10_000,
    private readonly burst = perMinute,
  ) {
    this.refillPerMs = perMinute / 60_000;
  }

  take(client: string): RateDecision {
    const now = this.now();
    const bucket = this.buckets.get(client) ?? { tokens: this.burst, updated: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.updated) * this.refillPerMs);
    bucket.updated = now;
    // Re-inserting keeps the map in least-recently-used order, for eviction.
    this.buckets.delete(client);
    if (this.buckets.size >= this.maxClients) this.forgetIdle(now);
    this.buckets.set(client, bucket);
    if (bucket.tokens < 1) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.refillPerMs / 1000)) };
    bucket.tokens -= 1;
    return { allowed: true };
  }

  /** Lets a client's bucket go now, for a client that cannot come back (an ended conversation). */
  forget(client: string): void {
    this.buckets.delete(client);
  }

  private forgetIdle(now: number): void {
    for (const [client, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.updated) * this.refillPerMs >= this.burst) this.buckets.delete(client);
    }
    // Still too many clients mid-burst: let the least recently seen go, which at worst gives them a fresh bucket.
    for (const client of this.buckets.keys()) {
      if (this.buckets.size < this.maxClients) break;
      this.buckets.delete(client);
    }
  }
}
