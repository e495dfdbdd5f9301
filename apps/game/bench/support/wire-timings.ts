/**
 * Round trip and input→ack as the browser's WebSocket saw them, not as the page's script did:
 * the DevTools Protocol's `Network.webSocketFrameSent` / `webSocketFrameReceived` events carry the
 * time Chromium's WebSocket channel handed each message over or received it, whatever the page's
 * timers and handlers were doing (the channel runs on the renderer's main thread, so a main
 * thread that is busy delays these too). The STOMP
 * frames inside are decoded with the broker's own codec.
 *
 * - round trip: a SEND with a `receipt` header to the RECEIPT naming it;
 * - input→ack: an input (binary, its `seq`) to the first snapshot that names it as `lastInput`.
 */
import type { CDPSession } from '@playwright/test';
import { decodeInput, GameMessageTag, readSnapshotHeader } from '@stomping-ground/contracts';
import { type Frame, FrameDecoder, getHeader } from '@stomping-ground/protocol';

export class WireTimings {
  /** Round trips (ms) measured since the last `reset`. */
  readonly roundTrips: number[] = [];
  /** Input→ack times (ms) measured since the last `reset`. */
  readonly inputAcks: number[] = [];
  private readonly receiptsSent = new Map<string, number>();
  private readonly inputsSent = new Map<number, number>();
  private readonly decoders: { sent: FrameDecoder; received: FrameDecoder };
  private time = 0;

  constructor(cdp: CDPSession) {
    this.decoders = {
      sent: new FrameDecoder({ onFrame: (frame) => this.onSent(frame), onHeartbeat: () => {} }),
      received: new FrameDecoder({ onFrame: (frame) => this.onReceived(frame), onHeartbeat: () => {} }),
    };
    cdp.on('Network.webSocketFrameSent', (event) => this.feed('sent', event.timestamp, event.response));
    cdp.on('Network.webSocketFrameReceived', (event) =>
      this.feed('received', event.timestamp, event.response),
    );
  }

  reset(): void {
    this.roundTrips.length = 0;
    this.inputAcks.length = 0;
  }

  private feed(
    direction: 'sent' | 'received',
    timestampSeconds: number,
    response: { opcode: number; payloadData: string },
  ): void {
    this.time = timestampSeconds * 1000;
    const bytes =
      response.opcode === 2
        ? new Uint8Array(Buffer.from(response.payloadData, 'base64'))
        : new TextEncoder().encode(response.payloadData);
    try {
      this.decoders[direction].push(bytes);
    } catch {
      // Not STOMP (the benchmark reads only its own pages' sockets): start afresh.
      this.decoders[direction] = new FrameDecoder({
        onFrame: (frame) => (direction === 'sent' ? this.onSent(frame) : this.onReceived(frame)),
        onHeartbeat: () => {},
      });
    }
  }

  private onSent(frame: Frame): void {
    if (frame.command !== 'SEND') return;
    const receipt = getHeader(frame.headers, 'receipt');
    if (receipt !== undefined) this.receiptsSent.set(receipt, this.time);
    if (frame.body[0] === GameMessageTag.INPUT) {
      const input = decodeInput(frame.body);
      if (input !== undefined) this.inputsSent.set(input.seq, this.time);
    }
  }

  private onReceived(frame: Frame): void {
    if (frame.command === 'RECEIPT') {
      const id = getHeader(frame.headers, 'receipt-id') ?? '';
      const sentAt = this.receiptsSent.get(id);
      if (sentAt !== undefined) {
        this.roundTrips.push(this.time - sentAt);
        this.receiptsSent.delete(id);
      }
      return;
    }
    if (frame.command !== 'MESSAGE' || frame.body[0] !== GameMessageTag.SNAPSHOT) return;
    // As the page counts it: the input the snapshot names, from its sending to this snapshot.
    const { lastInput } = readSnapshotHeader(frame.body);
    const sentAt = this.inputsSent.get(lastInput);
    if (sentAt !== undefined) this.inputAcks.push(this.time - sentAt);
    for (const seq of this.inputsSent.keys()) if (seq <= lastInput) this.inputsSent.delete(seq);
  }
}
