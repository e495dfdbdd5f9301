/**
 * A WebSocket stand-in for the STOMP client that puts the latency simulator between the client and
 * the real socket, and counts the traffic.
 *
 *   stompjs ──send──▶ [outgoing delay queue] ──▶ real WebSocket ──▶ network
 *   stompjs ◀─onmessage── [incoming delay queue] ◀── real WebSocket ◀── network
 *
 * The frame inspector and the traffic meter watch the *real* socket, so they show what crossed the
 * wire and when; the STOMP client (and so the game) sees incoming frames only after the simulated
 * delay, and its outgoing frames reach the wire only after it. The close event travels through
 * the incoming queue too, so it is never seen before the messages that preceded it.
 */
import type { IStompSocket } from '@stomp/stompjs';
import {
  browserScheduler,
  type LatencySettings,
  OrderedDelayQueue,
  type Scheduler,
} from './latency-simulator';
import { messageBytes, type RateMeter } from './rate-meter';

export interface TrafficMeters {
  readonly in: RateMeter;
  readonly out: RateMeter;
}

type Outgoing = string | ArrayBufferLike | Blob | ArrayBufferView;

/** `WebSocket.OPEN`, spelled out so this module also loads where there is no `WebSocket` (tests). */
const OPEN = 1;

export class SimulatedSocket implements IStompSocket {
  onopen: ((event?: unknown) => unknown) | null = null;
  onmessage: ((event: unknown) => unknown) | null = null;
  onclose: ((event?: unknown) => unknown) | null = null;
  onerror: ((event: unknown) => unknown) | null = null;

  private readonly outgoing: OrderedDelayQueue<Outgoing>;
  private readonly incoming: OrderedDelayQueue<() => void>;

  constructor(
    private readonly socket: WebSocket,
    settings: () => LatencySettings,
    meters: TrafficMeters,
    scheduler: Scheduler = browserScheduler,
  ) {
    this.outgoing = new OrderedDelayQueue<Outgoing>({
      settings,
      scheduler,
      deliver: (data) => {
        // The connection may have closed while this frame waited: it never reaches the wire.
        if (socket.readyState !== OPEN) return;
        socket.send(data);
        meters.out.record(scheduler.now(), messageBytes(data));
      },
    });
    this.incoming = new OrderedDelayQueue<() => void>({
      settings,
      scheduler,
      deliver: (dispatch) => dispatch(),
    });

    socket.addEventListener('open', (event) => this.onopen?.(event));
    socket.addEventListener('message', (event) => {
      meters.in.record(scheduler.now(), messageBytes(event.data));
      this.incoming.push(() => this.onmessage?.(event));
    });
    socket.addEventListener('error', (event) => this.onerror?.(event));
    socket.addEventListener('close', (event) => {
      this.outgoing.clear();
      this.incoming.push(() => this.onclose?.(event));
    });
  }

  get url(): string {
    return this.socket.url;
  }

  get readyState(): number {
    return this.socket.readyState;
  }

  get binaryType(): string {
    return this.socket.binaryType;
  }

  set binaryType(type: string) {
    this.socket.binaryType = type as BinaryType;
  }

  /** The subprotocol the server chose, such as `v12.stomp`. */
  get protocol(): string {
    return this.socket.protocol;
  }

  send(data: Outgoing): void {
    this.outgoing.push(data);
  }

  close(): void {
    this.socket.close();
  }
}
