/**
 * One session's outgoing bytes, coalesced: every frame queued in one turn of the event loop leaves in
 * one `Transport.send` (one syscall, one WebSocket message), flushed from a microtask.
 *
 * Text and binary stay apart: a WebSocket text message must be valid UTF-8 (RFC 6455, section 8.1),
 * so a frame whose body is not goes in a binary message of its own kind, and order is kept by
 * starting a new batch whenever the kind changes.
 */
import type { Transport } from './transport';

interface Batch {
  readonly binary: boolean;
  readonly parts: Uint8Array[];
  bytes: number;
}

export class Outbound {
  private readonly transport: Transport;
  private readonly now: () => number;
  private readonly onSendFailed: (error: unknown) => void;
  private batches: Batch[] = [];
  private pending = 0;
  private scheduled = false;
  private closed = false;
  /** When bytes last went to the transport (the clock's milliseconds): heart-beats are due from here. */
  lastWriteAt: number;

  constructor(transport: Transport, now: () => number, onSendFailed: (error: unknown) => void) {
    this.transport = transport;
    this.now = now;
    this.onSendFailed = onSendFailed;
    this.lastWriteAt = now();
  }

  /** Bytes queued here and not yet handed to the transport. */
  get pendingBytes(): number {
    return this.pending;
  }

  /** Everything written and not yet on the wire: the transport's buffer plus the queue here. */
  get backlogBytes(): number {
    return this.transport.bufferedAmount + this.pending;
  }

  get isIdle(): boolean {
    return this.pending === 0;
  }

  /** Queues one frame, given as one or more parts, to go out by the end of this turn. */
  write(parts: Uint8Array | readonly Uint8Array[], binary: boolean): void {
    if (this.closed) return;
    let batch = this.batches[this.batches.length - 1];
    if (batch === undefined || batch.binary !== binary) {
      batch = { binary, parts: [], bytes: 0 };
      this.batches.push(batch);
    }
    if (parts instanceof Uint8Array) {
      batch.parts.push(parts);
      batch.bytes += parts.length;
      this.pending += parts.length;
    } else {
      for (const part of parts) {
        batch.parts.push(part);
        batch.bytes += part.length;
        this.pending += part.length;
      }
    }
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(this.flushTask);
    }
  }

  private readonly flushTask = (): void => {
    this.scheduled = false;
    this.flush();
  };

  /** Hands everything queued to the transport now (an ERROR frame does this before the close). */
  flush(): void {
    if (this.closed || this.batches.length === 0) return;
    const batches = this.batches;
    this.batches = [];
    this.pending = 0;
    this.lastWriteAt = this.now();
    try {
      for (const batch of batches) this.transport.send(join(batch), batch.binary);
    } catch (error) {
      this.close();
      this.onSendFailed(error);
    }
  }

  /** Drops whatever is still queued and refuses further writes. */
  close(): void {
    this.closed = true;
    this.batches = [];
    this.pending = 0;
  }
}

function join(batch: Batch): Uint8Array {
  if (batch.parts.length === 1) return batch.parts[0]!;
  const out = new Uint8Array(batch.bytes);
  let offset = 0;
  for (const part of batch.parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
