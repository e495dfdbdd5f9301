/**
 * Where the queue messages of a broker on its own are kept: what a `/queue/…` accepted, which of
 * it was handed to a consumer, and what was consumed for good. The queues keep working from
 * memory; the store mirrors them so that they can be rebuilt after a restart or a crash
 * (`restore`). The store belongs to the broker's `LocalLink`, which hears all of this from the
 * queues: the core itself only knows its `BrokerLink`, and nothing of any database.
 *
 * Two implementations: `memoryQueueStore` here (nothing is kept beyond the process: the queues'
 * memory is all there is) and the SQLite store (`src/store/sqlite-queue-store.ts`). In a cluster
 * the link is the cluster's, and the queues live in its Redis Streams: there is no store.
 *
 * The calls are synchronous and cheap: a store records them and writes them in batches. `flushed`
 * is how a RECEIPT waits for the disk.
 */
import type { OutboundMessage } from './message';

/**
 * Takes one queue message kept from an earlier run: its `/queue/…` destination, the message, and
 * whether it was, or may have been, handed to a consumer before (it then goes out with
 * `redelivered:true`).
 */
export type RestoredQueueMessage = (queue: string, message: OutboundMessage, redelivered: boolean) => void;

export interface QueueStore {
  /**
   * Hands what earlier runs kept to `keep`, oldest first. The broker calls it once, before any
   * other call, and before it accepts connections. (A callback, not an iterator: a million
   * messages should not cost two million throwaway objects.)
   */
  restore(keep: RestoredQueueMessage): void;
  /**
   * A queue accepted the message: it is kept until `consumed`. Every message added within one
   * synchronous stretch of work (one event-loop turn: a COMMIT's SENDs, say) is written in one
   * transaction, so they are kept all or none.
   */
  add(queue: string, message: OutboundMessage): void;
  /** The message goes to a consumer now: if it comes back (NACK, restart), it is redelivered. */
  delivered(message: OutboundMessage): void;
  /** Consumed for good: acknowledged, or sent on an `auto` subscription. */
  consumed(messages: readonly OutboundMessage[]): void;
  /**
   * Resolves once everything recorded so far is on disk (synced), rejects with a `BrokerError`
   * when it could not be written. Undefined when nothing needs waiting for (nothing is pending,
   * or the store keeps nothing on disk).
   */
  flushed(): Promise<void> | undefined;
}

/** The store of a broker that keeps queue messages in memory only: a restart loses them. */
export const memoryQueueStore: QueueStore = Object.freeze({
  restore: () => {},
  add: () => {},
  delivered: () => {},
  consumed: () => {},
  flushed: () => undefined,
});
