/**
 * The link of a broker on its own (see `BrokerLink`), the default. Nothing crosses to other
 * processes: topics and user destinations stop at the local subscribers, and a queue's messages
 * live in this process's `Queue`s.
 *
 * The link owns the node's `QueueStore`: "where queue messages go beyond this process" is one
 * seam, the link, and on a node of its own beyond the process means the store (memory only, or
 * SQLite on disk). The queues tell the link what they accepted, handed out and saw consumed; the
 * link records it in the store, and hands back what the store kept from an earlier run when the
 * broker attaches it. Each call is one plain call into the store: nothing is allocated per message.
 */
import type { BrokerLink, LinkHost, QueueBatch, QueueSends } from './broker-link';
import type { OutboundMessage } from './message';
import type { Queue } from './queue';
import { memoryQueueStore, type QueueStore } from './queue-store';

export class LocalLink implements BrokerLink {
  private readonly store: QueueStore;
  private host: LinkHost | undefined;
  /**
   * A COMMIT's queue SENDs take effect one by one, in the transaction's order: `openBatch` has
   * made sure every queue has room, and the store writes all that one event-loop turn recorded in
   * one transaction, so they are kept all or none. One object serves every COMMIT.
   */
  private readonly batch: QueueBatch = {
    add: (message) => this.attached().enqueueHere(message),
    stored: () => this.store.flushed(),
  };

  /** `store`: where queue messages are kept. Default `memoryQueueStore`: nothing outlives the process. */
  constructor(store: QueueStore = memoryQueueStore) {
    this.store = store;
  }

  /** Restores what the store kept from an earlier run into the host's queues. */
  attach(host: LinkHost): void {
    if (this.host !== undefined) throw new Error('a LocalLink serves one broker');
    this.host = host;
    this.store.restore((queue, message, redelivered) => host.restoreHere(queue, message, redelivered));
  }

  // ── Topics and user destinations: nobody else to tell ────────────────────────────────────────

  publishTopic(): void {}

  publishUser(_login: string, _message: OutboundMessage, deliveredHere: boolean): boolean {
    return deliveredHere;
  }

  watchTopic(): undefined {
    return undefined;
  }

  hasRemoteSubscribers(): boolean {
    return false;
  }

  unwatchTopic(): void {}

  watchUser(): undefined {
    return undefined;
  }

  unwatchUser(): void {}

  // ── Queues: this node's, mirrored to the store ────────────────────────────────────────────────

  enqueue(message: OutboundMessage): Promise<void> | undefined {
    this.attached().enqueueHere(message);
    return this.store.flushed();
  }

  openBatch(sends: QueueSends): QueueBatch {
    this.attached().assertRoomHere(sends);
    return this.batch;
  }

  flushed(): Promise<void> | undefined {
    return this.store.flushed();
  }

  queueAdded(queue: Queue, message: OutboundMessage): void {
    this.store.add(queue.name, message);
  }

  queueDelivered(_queue: Queue, message: OutboundMessage): void {
    this.store.delivered(message);
  }

  queueConsumed(_queue: Queue, messages: readonly OutboundMessage[]): void {
    this.store.consumed(messages);
  }

  /** The local queue holds every message there is: nothing more to fetch. */
  queueDemand(): void {}

  /** Nobody else could take them: the queue redelivers them. */
  queueReleased(): boolean {
    return false;
  }

  /** Nobody else could take them: they wait here for the next consumer. */
  queueOrphaned(): void {}

  private attached(): LinkHost {
    if (this.host === undefined) throw new Error('the LocalLink is not attached to a broker');
    return this.host;
  }
}
