/**
 * Snapshot on subscribe: the current state of a destination, handed to a new subscription as its
 * first MESSAGE, so that a late joiner sees a quote, a book or a score at once instead of waiting
 * for the next update.
 *
 * A service registers a provider for a destination (`/topic/market/instruments`) or for a prefix
 * ending in `/` or `.` (`/topic/market/quotes.`); an exact match wins, then the longest prefix.
 * When a SUBSCRIBE to a matching topic or user destination is accepted, the session calls the
 * provider and sends what it returns to that subscription only, before anything published later
 * can reach it. STOMP itself has no such notion: to the client it is an ordinary MESSAGE
 * (STOMP 1.2, "MESSAGE"), so any client library receives it.
 */
import type { Headers } from '@stomping-ground/protocol';
import { DestinationKind, parseDestination } from './destinations';

export interface SnapshotContext {
  /** Who subscribed, as the authenticator named them. */
  readonly login: string;
  /** The subscribing session (the CONNECTED frame's `session`). */
  readonly sessionId: string;
  /** The destination as the client wrote it in its SUBSCRIBE. */
  readonly destination: string;
}

export interface Snapshot {
  readonly body: Uint8Array | string;
  readonly headers?: Headers;
}

/** Returns the current state for one new subscription, or undefined when there is none to send. */
export type SnapshotProvider = (context: SnapshotContext) => Snapshot | undefined;

/** Whether a key stands for every destination under it. */
function isPrefix(key: string): boolean {
  return key.endsWith('/') || key.endsWith('.');
}

export class SnapshotProviders {
  private readonly exact = new Map<string, SnapshotProvider>();
  /** Longest prefix first. */
  private prefixes: Array<readonly [string, SnapshotProvider]> = [];

  get size(): number {
    return this.exact.size + this.prefixes.length;
  }

  /**
   * Registers `provider` for a `/topic/…` or `/user/queue/…` destination, or a prefix of them ending
   * in `/` or `.`. Queues have no snapshot: what a queue holds is delivered to consumers anyway.
   * Returns the function that unregisters it.
   */
  register(destinationOrPrefix: string, provider: SnapshotProvider): () => void {
    const kind = parseDestination(destinationOrPrefix)?.kind;
    if (kind !== DestinationKind.TOPIC && kind !== DestinationKind.USER) {
      throw new RangeError(
        `a snapshot's destination must be under /topic/ or /user/queue/, got "${destinationOrPrefix}"`,
      );
    }
    if (typeof provider !== 'function') throw new TypeError('a snapshot provider must be a function');
    const prefix = isPrefix(destinationOrPrefix);
    const taken = prefix
      ? this.prefixes.some(([key]) => key === destinationOrPrefix)
      : this.exact.has(destinationOrPrefix);
    if (taken) throw new RangeError(`a snapshot is already registered for ${destinationOrPrefix}`);

    if (prefix) {
      this.prefixes = [...this.prefixes, [destinationOrPrefix, provider] as const].sort(
        (a, b) => b[0].length - a[0].length,
      );
    } else {
      this.exact.set(destinationOrPrefix, provider);
    }
    let registered = true;
    return () => {
      if (!registered) return;
      registered = false;
      if (prefix) this.prefixes = this.prefixes.filter(([key]) => key !== destinationOrPrefix);
      else this.exact.delete(destinationOrPrefix);
    };
  }

  resolve(destination: string): SnapshotProvider | undefined {
    const exact = this.exact.get(destination);
    if (exact !== undefined) return exact;
    for (const [prefix, provider] of this.prefixes) {
      if (destination.startsWith(prefix) && destination.length > prefix.length) return provider;
    }
    return undefined;
  }

  /** The snapshot for a new subscription, or undefined when no provider matches or it has none. */
  take(context: SnapshotContext): Snapshot | undefined {
    return this.resolve(context.destination)?.(context);
  }
}
