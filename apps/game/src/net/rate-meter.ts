/**
 * Counts events and bytes over a sliding window, for the net-stats overlay: messages and bytes per
 * second each way, snapshots per second.
 */
export class RateMeter {
  private readonly events: Array<{ readonly at: number; readonly bytes: number }> = [];
  private totalMessages = 0;
  private totalBytes = 0;

  constructor(private readonly windowMs = 1000) {}

  record(at: number, bytes = 0): void {
    this.events.push({ at, bytes });
    this.totalMessages++;
    this.totalBytes += bytes;
  }

  /** Messages and bytes per second over the last window ending at `now`. */
  rate(now: number): { readonly messages: number; readonly bytes: number } {
    while (this.events.length > 0 && this.events[0]!.at <= now - this.windowMs) this.events.shift();
    let bytes = 0;
    for (const event of this.events) bytes += event.bytes;
    const perSecond = 1000 / this.windowMs;
    return { messages: this.events.length * perSecond, bytes: bytes * perSecond };
  }

  get totals(): { readonly messages: number; readonly bytes: number } {
    return { messages: this.totalMessages, bytes: this.totalBytes };
  }
}

/** Octets a WebSocket message carries: UTF-8 for text, the byte length for binary. */
export function messageBytes(data: unknown): number {
  if (typeof data === 'string') return new TextEncoder().encode(data).length;
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  if (typeof Blob !== 'undefined' && data instanceof Blob) return data.size;
  return 0;
}
