/**
 * The owner's output in a cluster: it holds back what the market publishes while a batch of
 * requests is applied and its state saved, and lets it go once the save is confirmed. So nobody
 * hears of an order (an `accepted`, a fill, a quote it moved) that a crash could still undo: if the
 * owner dies before the save, the next owner applies the same requests again and says it once.
 *
 * Whatever is published meanwhile (a simulation step) queues behind, so the order of messages is
 * kept. When the owner loses the market, what is held is dropped: the next owner speaks for it.
 */
import type { Headers } from '@stomping-ground/protocol';
import type { MarketOutput } from '../../services/market/service';

export class HeldOutput implements MarketOutput {
  private readonly target: MarketOutput;
  private holding = false;
  private queue: Array<() => void> = [];

  constructor(target: MarketOutput) {
    this.target = target;
  }

  /** From now on, queue instead of sending. */
  hold(): void {
    this.holding = true;
  }

  /** Sends what was queued, in order, and sends at once again. */
  release(): void {
    this.holding = false;
    const queue = this.queue;
    this.queue = [];
    for (const send of queue) send();
  }

  /** Drops what was queued, and sends at once again. */
  discard(): void {
    this.holding = false;
    this.queue = [];
  }

  publish(destination: string, body: string, headers: Headers): void {
    if (this.holding) this.queue.push(() => this.target.publish(destination, body, headers));
    else this.target.publish(destination, body, headers);
  }

  sendToUser(login: string, destination: string, body: string, headers: Headers): void {
    if (this.holding) this.queue.push(() => this.target.sendToUser(login, destination, body, headers));
    else this.target.sendToUser(login, destination, body, headers);
  }
}
