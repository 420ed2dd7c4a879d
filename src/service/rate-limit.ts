// Per-token rate limits: one token bucket per API key (refilled continuously), so a misbehaving client slows only
// itself. In memory: limits are per process (NOTE: a region-partitioned deployment keeps a token on one region).

export interface RateLimit {
  /** Sustained requests per second. */
  perSecond: number;
  /** Requests allowed in a burst above the sustained rate. */
  burst: number;
}

interface Bucket {
  tokens: number;
  atMs: number;
}

export type Admit = { ok: true } | { ok: false; retryAfterS: number };

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private calls = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Takes one request from `key`'s bucket under `limit`. */
  take(key: string, limit: RateLimit): Admit {
    const t = this.now();
    if (++this.calls % 10_000 === 0) this.sweep(t);
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: limit.burst, atMs: t };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(limit.burst, b.tokens + ((t - b.atMs) / 1000) * limit.perSecond);
      b.atMs = t;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterS: Math.max(1, Math.ceil((1 - b.tokens) / limit.perSecond)) };
  }

  /** Forgets buckets idle for 10 minutes (they would be full again anyway). */
  private sweep(t: number): void {
    for (const [k, b] of this.buckets) if (t - b.atMs > 600_000) this.buckets.delete(k);
  }
}
