/**
 * Input sequencing: every input the page sends gets the next sequence number, starting at 1.
 *
 * The numbers are what make reconciliation possible: a snapshot says "for you, I have processed
 * everything up to input 412", so the page knows which of its inputs are reflected in the
 * server's state and which are still in flight. They also time the round trip: the moment input
 * 412 went out is remembered, and the first snapshot acknowledging it closes the loop.
 *
 * The numbers restart with each new seat (`reset`): a seat's sequence lives in the server's room,
 * and a resumed seat continues from what the server last acknowledged.
 */

export class InputSequencer {
  private last = 0;
  private readonly sentAt = new Map<number, number>();

  /** The sequence number the next input gets. */
  get next(): number {
    return this.last + 1;
  }

  /** Takes the next sequence number for an input sent at `now`. */
  take(now: number): number {
    this.last++;
    this.sentAt.set(this.last, now);
    return this.last;
  }

  /**
   * A snapshot acknowledged everything up to `seq`. Returns how long ago `seq` itself was sent
   * (the input-to-ack time), or undefined when it was already acknowledged or never sent by this
   * page.
   */
  acknowledge(seq: number, now: number): number | undefined {
    const sent = this.sentAt.get(seq);
    for (const key of this.sentAt.keys()) {
      if (key > seq) break;
      this.sentAt.delete(key);
    }
    return sent === undefined ? undefined : now - sent;
  }

  /** Inputs sent and not acknowledged yet. */
  get inFlight(): number {
    return this.sentAt.size;
  }

  /**
   * Starts numbering after `acknowledged`: 0 for a fresh seat; after a resume, the last sequence
   * the server processed for the seat, so new inputs are not mistaken for old ones.
   */
  reset(acknowledged = 0): void {
    this.last = acknowledged;
    this.sentAt.clear();
  }
}
