/**
 * Token buckets: each key (a session) may spend `burst` tokens at once and earns `perSecond` back,
 * up to `burst` again. An order costs one token; a basket costs one per order. A bucket that has
 * refilled to the brim holds nothing worth keeping, so idle ones are dropped and memory stays
 * bounded by the sessions active lately.
 */
export interface RateLimit {
  /** Tokens earned per second. */
  readonly perSecond: number;
  /** Most tokens a bucket holds: how many may be spent at once. */
  readonly burst: number;
}

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date, in milliseconds. */
  updatedAt: number;
}

/** Buckets beyond this many are swept for idle ones on the next take. */
const SWEEP_ABOVE = 1024;

export class RateLimiter {
  readonly limit: RateLimit;
  private readonly now: () => number;
  private readonly buckets = new Map<string, Bucket>();

  constructor(limit: RateLimit, now: () => number) {
    if (!(limit.perSecond > 0) || !(limit.burst >= 1)) {
      throw new RangeError('a rate limit needs perSecond > 0 and burst ≥ 1');
    }
    this.limit = limit;
    this.now = now;
  }

  /** Spends `cost` tokens of `key`'s bucket if it holds that many; false (and nothing spent) otherwise. */
  take(key: string, cost = 1): boolean {
    const now = this.now();
    if (this.buckets.size > SWEEP_ABOVE) this.sweep(now);
    const bucket = this.buckets.get(key) ?? { tokens: this.limit.burst, updatedAt: now };
    this.refill(bucket, now);
    if (bucket.tokens < cost) {
      this.buckets.set(key, bucket);
      return false;
    }
    bucket.tokens -= cost;
    this.buckets.set(key, bucket);
    return true;
  }

  get size(): number {
    return this.buckets.size;
  }

  private refill(bucket: Bucket, now: number): void {
    const earned = (Math.max(0, now - bucket.updatedAt) / 1000) * this.limit.perSecond;
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + earned);
    bucket.updatedAt = now;
  }

  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) {
      this.refill(bucket, now);
      if (bucket.tokens >= this.limit.burst) this.buckets.delete(key);
    }
  }
}
