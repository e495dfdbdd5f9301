/**
 * Keeps RECEIPT frames in the order their frames came, when some frames finish later than others.
 *
 * A RECEIPT acknowledges its frame and, STOMP being a stream, every frame before it (STOMP 1.2,
 * "RECEIPT"). Most frames are done when their handler returns, so their receipt goes out at once.
 * A SEND to an `/app/` handler that returns a promise is done when the promise settles: its receipt,
 * and every receipt after it, wait for that.
 */

const ignore = (): void => {};

export class ReceiptGate {
  private tail: Promise<void> | undefined;
  private readonly onError: (error: unknown) => void;

  /** `onError` receives what a deferred action throws. */
  constructor(onError: (error: unknown) => void) {
    this.onError = onError;
  }

  /** True while some earlier work is unsettled. */
  get isHolding(): boolean {
    return this.tail !== undefined;
  }

  /**
   * Later actions wait until `work` settles, whatever its outcome: whoever started the work handles
   * its failure.
   */
  hold(work: Promise<unknown>): void {
    const settled = work.then(ignore, ignore);
    this.chain(this.tail === undefined ? settled : this.tail.then(() => settled));
  }

  /** Runs `action` now when nothing is held, otherwise once everything held so far has settled. */
  run(action: () => void): void {
    if (this.tail === undefined) {
      action();
      return;
    }
    this.chain(
      this.tail.then(() => {
        try {
          action();
        } catch (error) {
          this.onError(error);
        }
      }),
    );
  }

  private chain(next: Promise<void>): void {
    this.tail = next;
    const clear = (): void => {
      if (this.tail === next) this.tail = undefined;
    };
    next.then(clear, clear);
  }
}
