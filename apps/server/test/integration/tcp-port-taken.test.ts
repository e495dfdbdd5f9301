/**
 * The TCP listener is optional: when its port is taken (another broker on 61613 is common), the
 * server says so in one line naming the port and the variable, and keeps serving WebSocket.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StompProbe } from '../support/probe';
import { connect } from '../support/raw';
import { freePort, ServerProcess } from '../support/server-process';

let occupant: Server;
let takenPort: number;
let server: ServerProcess;

beforeAll(async () => {
  // A real listener on a free port stands in for the other broker.
  occupant = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => occupant.listen(0, '127.0.0.1', resolve));
  takenPort = (occupant.address() as { port: number }).port;
  server = new ServerProcess(await freePort(), {
    STOMP_TCP_PORT: String(takenPort),
    STOMP_TCP_HOST: '127.0.0.1',
    MARKET_ENABLED: 'false',
    GAME_ENABLED: 'false',
  });
  // `start` waits for /healthz, and fails if the process exits.
  await server.start();
});

afterAll(async () => {
  await server?.stop();
  await new Promise<void>((resolve) => occupant.close(() => resolve()));
});

describe('a STOMP_TCP_PORT another program holds', () => {
  it('leaves the server up, serving STOMP over WebSocket', async () => {
    expect(server.running).toBe(true);
    const probe = await StompProbe.ws(`ws://127.0.0.1:${server.port}/ws`);
    const connected = await connect(probe, 'guest', 'guest');
    expect(connected.command).toBe('CONNECTED');
    probe.close();
  });

  it('is reported in one line naming the port, the variable and how to turn the listener off', () => {
    const lines = server.log.split('\n').filter((line) => line.includes('STOMP over TCP is off'));
    expect(lines).toHaveLength(1);
    const { msg } = JSON.parse(lines[0] ?? '{}') as { msg: string };
    expect(msg).toContain(`port ${takenPort}`);
    expect(msg).toContain('EADDRINUSE');
    expect(msg).toContain('STOMP_TCP_PORT=0');
  });
});
