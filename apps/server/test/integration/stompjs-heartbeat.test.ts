/**
 * Heart-beats with the real `@stomp/stompjs` client against the server's default offer
 * (`STOMP_HEARTBEAT`'s default), the cases stompjs's own heart-beat specs check: a client asking
 * for beats every second gets them, a client that promised beats every second and goes silent is
 * dropped, and a client at stompjs's defaults (10 s both ways) gets no more than it asked for.
 */
import { Client, type IFrame, type StompConfig } from '@stomp/stompjs';
import { negotiateHeartBeat } from '@stomping-ground/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { loadConfig } from '../../src/config';
import { type RunningServer, startServer } from '../support/app';

const DEFAULT_OFFER = loadConfig({}).heartBeat;

let server: RunningServer;
const clients: Client[] = [];

beforeAll(async () => {
  server = await startServer({ heartBeat: DEFAULT_OFFER });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.deactivate()));
});

afterAll(async () => {
  await server.close();
});

interface Options {
  readonly heartbeatIncoming: number;
  readonly heartbeatOutgoing: number;
  readonly heartbeatToleranceMultiplier?: number;
  /** Drop the client's own heart-beats (one-byte writes) before they reach the socket. */
  readonly eatOutgoingBeats?: boolean;
}

function client(options: Options, on: StompConfig = {}): { client: Client; debug: string[] } {
  const debug: string[] = [];
  const stomp = new Client({
    webSocketFactory: () => {
      const socket = new WebSocket(server.wsUrl, ['v12.stomp']);
      if (options.eatOutgoingBeats) {
        const send = socket.send.bind(socket);
        socket.send = ((data: string | Uint8Array) => {
          if (data.length === 1) return;
          send(data);
        }) as typeof socket.send;
      }
      return socket;
    },
    connectHeaders: { login: 'guest', passcode: 'guest' },
    reconnectDelay: 0,
    heartbeatIncoming: options.heartbeatIncoming,
    heartbeatOutgoing: options.heartbeatOutgoing,
    debug: (line) => debug.push(line),
    ...on,
  });
  if (options.heartbeatToleranceMultiplier !== undefined) {
    stomp.heartbeatToleranceMultiplier = options.heartbeatToleranceMultiplier;
  }
  clients.push(stomp);
  return { client: stomp, debug };
}

describe('heart-beats at the default configuration, with @stomp/stompjs', () => {
  it('offers one second both ways', async () => {
    const connected = await new Promise<IFrame>((resolve) => {
      client({ heartbeatIncoming: 0, heartbeatOutgoing: 0 }, { onConnect: resolve }).client.activate();
    });
    expect(connected.headers['heart-beat']).toBe('1000,1000');
  });

  it('sends a client asking for beats every second one a second, in time for its check', async () => {
    let lost = 0;
    const received = await new Promise<number>((resolve) => {
      let beats = 0;
      const { client: stomp } = client(
        // stompjs's own spec: 1 s beats, lost after 1.5 s of silence.
        { heartbeatIncoming: 1000, heartbeatOutgoing: 0, heartbeatToleranceMultiplier: 1.5 },
        {
          onHeartbeatReceived: () => {
            beats++;
            if (beats === 3) resolve(beats);
          },
          onHeartbeatLost: () => {
            lost++;
          },
        },
      );
      stomp.activate();
    });
    expect(received).toBe(3);
    // stompjs checks every second for 1.5 s of silence; three beats span at least two checks.
    expect(lost).toBe(0);
  });

  it('drops a client that promised beats every second and went silent', async () => {
    const outcome = await new Promise<{ code: string | undefined; closed: number }>((resolve) => {
      let code: string | undefined;
      const { client: stomp } = client(
        { heartbeatIncoming: 0, heartbeatOutgoing: 1000, eatOutgoingBeats: true },
        {
          onStompError: (frame) => {
            code = frame.headers.code;
          },
          onWebSocketClose: (event: { code: number }) => resolve({ code, closed: event.code }),
        },
      );
      stomp.activate();
    });
    expect(outcome).toEqual({ code: 'STOMP_ERR_HEARTBEAT_TIMEOUT', closed: 1002 });
  });

  it('gives a client at stompjs defaults (10 s both ways) beats every 10 s, and no faster tick', async () => {
    const { client: stomp, debug } = client({ heartbeatIncoming: 10_000, heartbeatOutgoing: 10_000 });
    await new Promise<void>((resolve) => {
      stomp.onConnect = () => resolve();
      stomp.activate();
    });
    // What stompjs computed from the server's CONNECTED, and the server from the client's CONNECT.
    expect(debug).toContain('send PING every 10000ms');
    expect(debug).toContain('check PONG every 10000ms');
    expect(negotiateHeartBeat(DEFAULT_OFFER, { canSend: 10_000, wantsToReceive: 10_000 })).toEqual({
      sendEvery: 10_000,
      expectEvery: 10_000,
    });
  });
});
