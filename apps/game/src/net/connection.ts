/**
 * The STOMP connection: one `@stomp/stompjs` client over the page's own `/ws`, with heart-beats
 * and automatic reconnection.
 *
 * The socket is built by hand (`webSocketFactory`) so that three things can sit around it:
 *   1. the frame inspector, on the real socket: it sees every frame in and out, byte for byte;
 *   2. the traffic meters, also on the real socket;
 *   3. the latency simulator, between the real socket and stompjs (see `SimulatedSocket`).
 *
 * Reconnection: stompjs retries after `reconnectDelay`, doubling each time up to
 * `maxReconnectDelay` (exponential backoff), and starts again from the short delay once connected.
 * A small random wait before each retry (`beforeConnect`) keeps a crowd of pages that lost the
 * same server from knocking on its door in the same millisecond when it comes back.
 */
import { Client, type IFrame, ReconnectionTimeMode } from '@stomp/stompjs';
import { type InspectorSink, inspectWebSocket } from '@stomping-ground/inspector';
import {
  connectHeadersFor,
  forgetGuestIdentity,
  guestIdentityFrom,
  type IdentityStorage,
  loadGuestIdentity,
  STOMP_SUBPROTOCOLS,
  saveGuestIdentity,
} from '@stomping-ground/protocol';
import type { LatencySettings } from './latency-simulator';
import { SimulatedSocket, type TrafficMeters } from './simulated-socket';

export const ConnectionStatus = {
  CONNECTING: 'connecting',
  CONNECTED: 'connected',
  RECONNECTING: 'reconnecting',
  DISCONNECTED: 'disconnected',
} as const;
export type ConnectionStatus = (typeof ConnectionStatus)[keyof typeof ConnectionStatus];

export interface ConnectionOptions {
  readonly url: string;
  /**
   * Where the guest identity the broker minted is kept (localStorage): presented on every CONNECT,
   * so a reconnect or a reload is the same login, with the same `/user/queue/game`.
   */
  readonly identityStorage: IdentityStorage | undefined;
  readonly inspector?: InspectorSink | undefined;
  readonly latency: () => LatencySettings;
  readonly meters: TrafficMeters;
  readonly onStatus: (status: ConnectionStatus, detail?: string) => void;
  /**
   * Each time a STOMP session is up; `sessionId` is the CONNECTED frame's `session` header, which
   * the game service puts on its answers so two tabs under one login can tell whose answer it is.
   */
  readonly onConnected: (client: Client, sessionId: string | undefined) => void;
}

/** Heart-beats both ways every 10 s: the server's offer, and short enough to notice a dead link. */
const HEART_BEAT_MS = 10_000;
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 8_000;
const RETRY_JITTER_MS = 250;
/**
 * The broker refused the login: it did not know the identity presented (its secret changed), so
 * forget it and be a new guest; or it refused a login-less CONNECT, so it admits accounts only.
 */
const AUTH_FAILED = 'STOMP_ERR_AUTH_FAILED';

export class GameConnection {
  readonly client: Client;
  private socket: WebSocket | undefined;
  private sessions = 0;
  private attempts = 0;
  /** Why the broker will not let this page in, once it has said so. */
  private refusal: string | undefined;

  constructor(private readonly options: ConnectionOptions) {
    const client = new Client({
      connectHeaders: {},
      heartbeatIncoming: HEART_BEAT_MS,
      heartbeatOutgoing: HEART_BEAT_MS,
      reconnectDelay: FIRST_RETRY_MS,
      maxReconnectDelay: MAX_RETRY_MS,
      reconnectTimeMode: ReconnectionTimeMode.EXPONENTIAL,
      connectionTimeout: 8_000,
      webSocketFactory: () => this.createSocket(),
      beforeConnect: async () => {
        client.connectHeaders = connectHeadersFor(loadGuestIdentity(options.identityStorage));
        this.attempts++;
        if (this.attempts > 1 || this.sessions > 0) {
          options.onStatus(ConnectionStatus.RECONNECTING, `attempt ${this.attempts}`);
          await new Promise((resolve) => setTimeout(resolve, Math.random() * RETRY_JITTER_MS));
        } else {
          options.onStatus(ConnectionStatus.CONNECTING);
        }
      },
      onConnect: (frame: IFrame) => {
        const identity = guestIdentityFrom(frame.headers);
        if (identity !== undefined) saveGuestIdentity(options.identityStorage, identity);
        this.attempts = 0;
        this.sessions++;
        options.onStatus(ConnectionStatus.CONNECTED);
        options.onConnected(client, frame.headers.session);
      },
      onStompError: (frame: IFrame) => {
        const message = frame.headers.message ?? 'ERROR from the broker';
        if (frame.headers.code === AUTH_FAILED) {
          if (loadGuestIdentity(options.identityStorage) === undefined) {
            // Refused with no login at all: this broker mints no guests (STOMP_GUESTS=off), and
            // retrying cannot help.
            this.refusal = `${message}: this server admits its accounts only, and the arena has no log-in`;
            void client.deactivate();
            options.onStatus(ConnectionStatus.DISCONNECTED, this.refusal);
            return;
          }
          forgetGuestIdentity(options.identityStorage);
        }
        options.onStatus(ConnectionStatus.RECONNECTING, message);
      },
      onWebSocketClose: () => {
        this.socket = undefined;
        if (client.active) options.onStatus(ConnectionStatus.RECONNECTING);
        else options.onStatus(ConnectionStatus.DISCONNECTED, this.refusal);
      },
    });
    this.client = client;
  }

  start(): void {
    this.client.activate();
  }

  async stop(): Promise<void> {
    await this.client.deactivate();
  }

  /**
   * Closes the WebSocket under the STOMP client, as a network failure would: stompjs sees the
   * close and reconnects. The "drop connection" button and the end-to-end tests use it.
   */
  drop(): void {
    this.socket?.close(4000, 'dropped on purpose');
  }

  private createSocket(): SimulatedSocket {
    const socket = new WebSocket(this.options.url, [...STOMP_SUBPROTOCOLS]);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    // The inspector attaches first, so it records each frame before anything acts on it.
    if (this.options.inspector) inspectWebSocket(socket, this.options.inspector);
    return new SimulatedSocket(socket, this.options.latency, this.options.meters);
  }
}
