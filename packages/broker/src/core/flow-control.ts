/**
 * Flow control for publishers, in the spirit of RabbitMQ's credit flow: when a message a client
 * publishes lands on a reader whose outbound backlog is over its high-water mark, the broker stops
 * reading that publisher's socket until the reader has drained. The publisher's own TCP window
 * then fills and its writes block or buffer on its side: it is slowed, not dropped, and the
 * readers are not dropped either for being behind at one moment.
 *
 * A reader that stays behind for longer than the slow-consumer grace is dealt with by its
 * destination's policy (see `offer` in `commands/delivery.ts`), which also frees the publishers waiting on it.
 *
 * Everything runs on the event loop: `begin` and `end` bracket the handling of one client frame,
 * and any reader found behind in between is one the publisher waits for.
 */

/** A session as flow control sees it: it can be told to stop and start reading its socket. */
export interface FlowParty {
  pauseReading(): void;
  resumeReading(): void;
}

export class FlowControl {
  /** The session whose frame is being handled now, if a client's. */
  private publisher: FlowParty | undefined;
  /** Readers found behind while handling that frame. */
  private readonly found = new Set<FlowParty>();
  /** Reader → the publishers waiting for it to drain. */
  private readonly waiters = new Map<FlowParty, Set<FlowParty>>();
  /** Publisher → the readers it waits for. */
  private readonly blockers = new Map<FlowParty, Set<FlowParty>>();

  /** Publishers not being read now. */
  get pausedCount(): number {
    return this.blockers.size;
  }

  /** Whether the publisher waits for a reader. */
  isPaused(publisher: FlowParty): boolean {
    return this.blockers.has(publisher);
  }

  /** A client frame from `publisher` is about to be handled. */
  begin(publisher: FlowParty): void {
    this.publisher = publisher;
  }

  /**
   * A reader took a message and is now over its high-water mark. If a client's frame caused it,
   * that client will wait for this reader (a session never waits for itself: it may be reading
   * its own messages only after it has finished writing).
   */
  readerBehind(reader: FlowParty): void {
    if (this.publisher !== undefined && this.publisher !== reader) this.found.add(reader);
  }

  /** The frame is handled: if it reached readers that are behind, its publisher stops being read. */
  end(publisher: FlowParty): void {
    this.publisher = undefined;
    if (this.found.size === 0) return;
    let waitsFor = this.blockers.get(publisher);
    const wasReading = waitsFor === undefined;
    if (waitsFor === undefined) {
      waitsFor = new Set();
      this.blockers.set(publisher, waitsFor);
    }
    for (const reader of this.found) {
      waitsFor.add(reader);
      let waiting = this.waiters.get(reader);
      if (waiting === undefined) {
        waiting = new Set();
        this.waiters.set(reader, waiting);
      }
      waiting.add(publisher);
    }
    this.found.clear();
    if (wasReading) publisher.pauseReading();
  }

  /** The reader drained (or is gone): publishers that waited for it alone are read again. */
  readerClear(reader: FlowParty): void {
    const waiting = this.waiters.get(reader);
    if (waiting === undefined) return;
    this.waiters.delete(reader);
    for (const publisher of waiting) {
      const waitsFor = this.blockers.get(publisher);
      if (waitsFor === undefined) continue;
      waitsFor.delete(reader);
      if (waitsFor.size === 0) {
        this.blockers.delete(publisher);
        publisher.resumeReading();
      }
    }
  }

  /** Whether any publisher waits for this reader. */
  holdsUp(reader: FlowParty): boolean {
    return this.waiters.has(reader);
  }

  /** The session is gone: as a reader it holds nobody up, as a publisher it waits for nothing. */
  forget(party: FlowParty): void {
    this.found.delete(party);
    this.readerClear(party);
    const waitsFor = this.blockers.get(party);
    if (waitsFor === undefined) return;
    this.blockers.delete(party);
    for (const reader of waitsFor) {
      const waiting = this.waiters.get(reader);
      if (waiting === undefined) continue;
      waiting.delete(party);
      if (waiting.size === 0) this.waiters.delete(reader);
    }
  }
}
