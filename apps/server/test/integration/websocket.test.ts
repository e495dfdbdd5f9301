/** The WebSocket endpoint at the byte level: handshake, subprotocols, Origin, message framing. */
import { getHeader } from '@stomping-ground/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type RunningServer, startServer } from '../support/app';
import { StompProbe } from '../support/probe';

let server: RunningServer;
const probes: StompProbe[] = [];

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  for (const probe of probes) probe.close();
  await server.close();
});

async function probe(options: { protocols?: string[]; origin?: string } = {}): Promise<StompProbe> {
  const opened = await StompProbe.ws(server.wsUrl, options);
  probes.push(opened);
  return opened;
}

function handshakeStatus(origin: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(server.wsUrl, ['v12.stomp'], { origin });
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.on('error', () => {});
  });
}

describe('subprotocol negotiation', () => {
  it('picks the highest STOMP version offered, whatever the order', async () => {
    expect((await probe({ protocols: ['v10.stomp', 'v11.stomp', 'v12.stomp'] })).protocol).toBe('v12.stomp');
    expect((await probe({ protocols: ['v11.stomp', 'v10.stomp'] })).protocol).toBe('v11.stomp');
  });

  it('serves a client that offers no subprotocol, taking the version from accept-version', async () => {
    const client = await probe({ protocols: [] });
    expect(client.protocol).toBe('');
    const connected = await client.connect([], '1.0,1.1');
    expect(connected.command).toBe('CONNECTED');
    expect(getHeader(connected.headers, 'version')).toBe('1.1');
  });
});

describe('the Origin check', () => {
  it('refuses a foreign Origin at the handshake with 403', async () => {
    expect(await handshakeStatus('https://evil.example')).toBe(403);
  });

  it('accepts the origins it was configured with', async () => {
    expect(await handshakeStatus('http://localhost:5173')).toBe(101);
  });

  it('refuses its own address as an Origin unless configured: Host is never trusted for it', async () => {
    expect(await handshakeStatus(server.httpUrl)).toBe(403);
  });

  it('counts refused handshakes in /metrics', async () => {
    await handshakeStatus('https://evil.example');
    const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/^stomp_connections_refused_total\{reason="origin"\} [1-9]/m);
  });

  it('accepts a client that sends no Origin (not a browser)', async () => {
    const client = await probe();
    expect((await client.connect()).command).toBe('CONNECTED');
  });
});

describe('WebSocket messages', () => {
  it('sends a UTF-8 body as a text message and any other body as a binary message', async () => {
    const client = await probe();
    await client.connect([
      ['login', 'guest'],
      ['passcode', 'guest'],
    ]);
    client.send({
      command: 'SUBSCRIBE',
      headers: [
        ['id', '1'],
        ['destination', '/topic/ws.kinds'],
        ['receipt', 'r'],
      ],
    });
    expect((await client.nextFrame()).command).toBe('RECEIPT');

    client.send({ command: 'SEND', headers: [['destination', '/topic/ws.kinds']], body: 'héllo' });
    client.send({
      command: 'SEND',
      headers: [['destination', '/topic/ws.kinds']],
      body: Uint8Array.of(0xc3, 0x28),
    });
    const text = await client.nextFrame();
    const binary = await client.nextFrame();
    expect(new TextDecoder().decode(text.body)).toBe('héllo');
    expect(Array.from(binary.body)).toEqual([0xc3, 0x28]);
    const kinds = client.messages.slice(-2).map((message) => message.binary);
    expect(kinds).toEqual([false, true]);
  });

  it('reads a frame split across WebSocket messages and several frames in one message', async () => {
    const client = await probe();
    await client.connect();
    const frames =
      'SUBSCRIBE\nid:1\ndestination:/topic/ws.split\nreceipt:r\n\n\0SEND\ndestination:/topic/ws.split\n\nwhole\0';
    client.sendRaw(frames); // two frames, one message
    expect((await client.nextFrame()).command).toBe('RECEIPT');
    expect(new TextDecoder().decode((await client.nextFrame()).body)).toBe('whole');

    const split = 'SEND\ndestination:/topic/ws.split\n\nin three parts\0';
    client.sendRaw(split.slice(0, 7));
    client.sendRaw(split.slice(7, 30));
    client.sendRaw(split.slice(30));
    expect(new TextDecoder().decode((await client.nextFrame()).body)).toBe('in three parts');
  });

  it('carries a 4 MiB frame', async () => {
    const client = await probe();
    await client.connect([
      ['login', 'guest'],
      ['passcode', 'guest'],
    ]);
    client.send({
      command: 'SUBSCRIBE',
      headers: [
        ['id', '1'],
        ['destination', '/queue/ws.large'],
      ],
    });
    const body = new Uint8Array(4 * 1024 * 1024).map((_, index) => index % 251);
    client.send({ command: 'SEND', headers: [['destination', '/queue/ws.large']], body });
    const message = await client.nextFrame(10_000);
    expect(message.body.length).toBe(body.length);
    expect(message.body[12345]).toBe(12345 % 251);
  });

  it('refuses a message far over 64 KiB before login as its header arrives, with close 1009', async () => {
    const client = await probe();
    client.sendRaw(`CONNECT\naccept-version:1.2\nx:${'a'.repeat(1024 * 1024)}\n\n\0`);
    expect(await client.closed).toMatchObject({ code: 1009 });
  });

  it('refuses a frame just over 64 KiB before login with an ERROR and a close', async () => {
    const client = await probe();
    client.sendRaw(`CONNECT\naccept-version:1.2\nx:${'a'.repeat(64 * 1024)}\n\n\0`);
    const error = await client.nextFrame();
    expect(error.command).toBe('ERROR');
    expect(getHeader(error.headers, 'message')).toBeTruthy();
    const closed = await client.closed;
    expect(closed.code).not.toBe(1000);
  });
});

describe('operations endpoints', () => {
  it('answers /healthz and exposes STOMP metrics on /metrics', async () => {
    const client = await probe();
    await client.connect();
    const health = await fetch(`${server.httpUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });

    const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/^stomp_frames_in_total\{command="CONNECT"\} [1-9]/m);
    expect(metrics).toMatch(/^stomp_sessions\{version="1.2"\} [1-9]/m);
    expect(metrics).toMatch(/^stomp_connections\{transport="ws"\} [1-9]/m);
  });
});
