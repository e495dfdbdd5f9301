/**
 * A lease: at most one node holds a named role at a time (runs the market, owns a game room).
 *
 * The holder's node id sits in `<prefix>:lease:<name>` with an expiry; the holder renews it at a
 * third of the expiry and everybody else tries `SET NX` at the same pace, so when a holder dies the
 * role moves within about one expiry. Every acquisition increments `<prefix>:lease:<name>:token`:
 * the fencing token. Writes made on behalf of the role carry it (`fencedSet`), so a holder that
 * paused past its expiry and lost the role cannot overwrite what the next holder wrote.
 *
 * A holder that cannot reach Redis gives the role up locally once its last renewal's expiry has
 * passed: better nobody for a moment than two at once.
 */
import type { ClusterNode } from '@stomping-ground/broker';

/** KEYS: lease. ARGV: node id, ttl. Renews when held by the caller; 1 if renewed. */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
/** KEYS: lease. ARGV: node id. Deletes when held by the caller. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
/** KEYS: lease, token. ARGV: node id, ttl. Takes a free lease; returns the new token, or 0. */
const ACQUIRE = `if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return redis.call('INCR', KEYS[2]) end return 0`;
/** KEYS: token, target. ARGV: token, value. Writes only while the token is current; 1 if written. */
const FENCED_SET = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[2], ARGV[2]) return 1 end return 0`;

/** Where a lease lives: the holder's id, and the fencing-token counter beside it. */
export function leaseKeys(
  node: ClusterNode,
  name: string,
): { readonly lease: string; readonly token: string } {
  const lease = node.key('lease', name);
  return { lease, token: `${lease}:token` };
}

export interface LeaseOptions {
  /** Default 5000 ms. */
  readonly ttlMs?: number;
  /** Called when this node takes the role, with its fencing token. May be async; renewal goes on meanwhile. If it throws, the role is handed back. */
  readonly onAcquired?: (token: number) => void | Promise<void>;
  /** Called when this node loses or gives up the role. */
  readonly onLost?: () => void;
}

export class Lease {
  readonly name: string;
  private readonly node: ClusterNode;
  private readonly ttlMs: number;
  private readonly leaseKey: string;
  private readonly tokenKey: string;
  private readonly onAcquired: LeaseOptions['onAcquired'];
  private readonly onLost: LeaseOptions['onLost'];
  private timer: ReturnType<typeof setInterval> | undefined;
  private currentToken = 0;
  /** Local time until which the last successful acquisition or renewal keeps the lease ours. */
  private validUntil = 0;
  private busy = false;

  constructor(node: ClusterNode, name: string, options: LeaseOptions = {}) {
    this.node = node;
    this.name = name;
    this.ttlMs = options.ttlMs ?? 5000;
    const keys = leaseKeys(node, name);
    this.leaseKey = keys.lease;
    this.tokenKey = keys.token;
    this.onAcquired = options.onAcquired;
    this.onLost = options.onLost;
  }

  /** Whether this node holds the role now. */
  get held(): boolean {
    return this.currentToken !== 0;
  }

  /** The fencing token of the current holding, 0 when not held. */
  get token(): number {
    return this.currentToken;
  }

  /** Tries to take the role now, then keeps trying (or renewing) at a third of the expiry. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.step(), Math.max(50, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
    void this.step();
  }

  /** Stops, and hands the role back at once if held, so another node takes it without waiting. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    if (!this.held) return;
    this.lose();
    await this.node.redis.eval(RELEASE, 1, this.leaseKey, this.node.id).catch(() => {});
  }

  /** The node holding the role, if any. */
  async holder(): Promise<string | null> {
    return this.node.redis.get(this.leaseKey);
  }

  /** Sets `key` to `value` if this holding's token is still the current one; false when it is not (the role moved). */
  async fencedSet(key: string, value: string | Buffer): Promise<boolean> {
    if (!this.held) return false;
    const written = await this.node.redis.eval(FENCED_SET, 2, this.tokenKey, key, this.currentToken, value);
    if (written === 1) return true;
    this.lose();
    return false;
  }

  /** One round: renew if held, otherwise try to acquire. */
  async step(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    const startedAt = Date.now();
    try {
      if (this.held) {
        const renewed = await this.node.redis.eval(RENEW, 1, this.leaseKey, this.node.id, this.ttlMs);
        if (renewed === 1) this.validUntil = startedAt + this.ttlMs;
        else this.lose();
      } else {
        const token = Number(
          await this.node.redis.eval(ACQUIRE, 2, this.leaseKey, this.tokenKey, this.node.id, this.ttlMs),
        );
        if (token > 0) {
          this.currentToken = token;
          this.node.roles.add(this.name);
          this.validUntil = startedAt + this.ttlMs;
          // Not awaited: renewals go on while the new holder loads its state.
          void this.acquired(token);
        }
      }
    } catch {
      // Redis is away: keep the role only while the last renewal still covers it.
      if (this.held && Date.now() >= this.validUntil) this.lose();
    } finally {
      this.busy = false;
    }
  }

  private async acquired(token: number): Promise<void> {
    try {
      await this.onAcquired?.(token);
    } catch {
      // A holder that cannot take up the role hands it on.
      if (this.currentToken === token) await this.stop().then(() => this.start());
    }
  }

  private lose(): void {
    if (!this.held) return;
    this.currentToken = 0;
    this.validUntil = 0;
    this.node.roles.delete(this.name);
    this.onLost?.();
  }
}
