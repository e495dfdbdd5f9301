/**
 * Attacks on the real server, over WebSocket and TCP, each with a bystander who must not notice:
 * connections that never close their side, connections that never log in, oversized and
 * over-fragmented WebSocket messages before login, a publisher flooding a topic, and legal frames
 * larger than a reader's high-water mark.
 */
import { type Socket, connect as tcpConnect } from 'node:net';
import { getHeader } from '@stomping-ground/protocol';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  connect,
  expectSessionError,
  nextMessage,
  sendWithReceipt,
  subscribe,
  TRANSPORTS,
  text,
  until,
  useServerAndProbes,
  within,
} from '../support/raw';

const GRACE_MS = 300;
const PER_ADDRESS = 4;

const { server, pool, unique } = useServerAndProbes({
  closeGraceMs: GRACE_MS,
  connectTimeoutMs: 500,
  connectionLimits: {
    maxPreLoginConnections: 1024,
    maxPreLoginConnectionsPerAddress: PER_ADDRESS,
    // Small, so a flood puts a reader behind at once.
    maxOutboundBytes: 64 * 1024,
    slowConsumerGraceMs: 5000,
  },
});

/** A TCP peer that never closes its side, whatever the server does (half-open allowed). */
function stubbornTcp(port: number): Promise<Socket> {
  const socket = tcpConnect({ port, host: '127.0.0.1', allowHalfOpen: true });
  socket.on('error', () => {});
  socket.resume();
  return new Promise((resolve) => socket.once('connect', () => resolve(socket)));
}

function tcpConnectionsOnServer(): Promise<number> {
  const listener = server().app.stompTcp?.server;
  if (listener === undefined) throw new Error('no TCP listener');
  return new Promise((resolve, reject) =>
    listener.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
}

function wsClientsOnServer(): number {
  return server().app.websocketServer.clients.size;
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${server().httpUrl}/metrics`)).text();
  const line = text.split('\n').find((entry) => entry.startsWith(name));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('a connection the server ends is released whatever the peer does', () => {
  it('destroys a TCP socket whose peer never closes its side after an ERROR', async () => {
    const before = await tcpConnectionsOnServer();
    const socket = await stubbornTcp(server().tcpPort);
    expect(await tcpConnectionsOnServer()).toBe(before + 1);
    socket.write('NOT-A-COMMAND\n\n\0');
    await until(
      async () => (await tcpConnectionsOnServer()) === before,
      5_000,
      'the server to drop the socket',
    );
    socket.destroy();
  });

  it('destroys a silent TCP socket after the connect timeout and the grace', async () => {
    const before = await tcpConnectionsOnServer();
    const sockets = await Promise.all([1, 2, 3].map(() => stubbornTcp(server().tcpPort)));
    await until(async () => (await tcpConnectionsOnServer()) === before, 5_000, 'the silent sockets to go');
    for (const socket of sockets) socket.destroy();
  });

  it('terminates a WebSocket whose peer never answers the closing handshake', async () => {
    const before = wsClientsOnServer();
    const socket = new WebSocket(server().wsUrl, ['v12.stomp']);
    await new Promise((resolve) => socket.once('open', resolve));
    // Stop reading: the server's close frame is never seen, so never answered.
    (socket as unknown as { _socket: Socket })._socket.pause();
    socket.send('NOT-A-COMMAND\n\n\0');
    await until(() => wsClientsOnServer() === before, 5_000, 'the server to terminate the WebSocket');
    socket.terminate();
  });
});

describe('connections waiting to log in', () => {
  it.each(TRANSPORTS)('are capped per address, with a clear ERROR, over %s', async (kind) => {
    const bystander = await pool.client(kind);
    const topic = unique('/topic/hostile.prelogin.');
    await subscribe(bystander, 'b', topic);
    const waiting = await Promise.all(Array.from({ length: PER_ADDRESS }, () => pool.probe(kind)));
    await until(
      () => server().app.broker.stats().connecting >= PER_ADDRESS,
      5_000,
      'the waiting connections',
    );
    const refused = await pool.probe(kind);
    await expectSessionError(refused, kind, { code: 'STOMP_ERR_LIMIT', close: 1008 });
    expect(await metric('stomp_connections_refused_total{reason="pre-login-limit"}')).toBeGreaterThan(0);

    // One of them logs in: there is room for one more.
    await connect(waiting[0]!, 'guest', 'guest');
    const next = await pool.probe(kind);
    await connect(next, 'guest', 'guest');

    const publisher = await pool.client(kind);
    await sendWithReceipt(publisher, 'SEND', [['destination', topic]], 'still here');
    expect(text(await nextMessage(bystander))).toBe('still here');
  });

  it('cannot make the server buffer a WebSocket message larger than the pre-login limit', async () => {
    const socket = new WebSocket(server().wsUrl, ['v12.stomp']);
    await new Promise((resolve) => socket.once('open', resolve));
    const received: unknown[] = [];
    socket.on('message', (data) => received.push(data));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    // Announced as 8 MiB in the frame header, sent a little at a time: refused when the header arrives,
    // by `ws` itself. Had the server buffered it, the decoder would have answered with a STOMP ERROR.
    socket.send(Buffer.alloc(8 * 1024 * 1024, 0x61));
    expect(await within(closed, 5_000, 'the close')).toBe(1009);
    expect(received).toEqual([]);
  });

  it('cannot send a WebSocket message in thousands of fragments', async () => {
    const socket = new WebSocket(server().wsUrl, ['v12.stomp']);
    await new Promise((resolve) => socket.once('open', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.on('error', () => {});
    for (let i = 0; i < 3000; i++) socket.send('a', { fin: false, binary: false });
    expect(await within(closed, 5_000, 'the close')).toBe(1009);
  });
});

describe('a publisher flooding a topic', () => {
  it.each(TRANSPORTS)('is slowed over %s while a reader gets every message in order', async (kind) => {
    const topic = unique('/topic/hostile.flood.');
    const bystander = await pool.client('ws');
    await subscribe(bystander, 'b', topic);
    const publisher = await pool.client(kind);
    const pausesBefore = await metric('stomp_publisher_pauses_total');

    const count = 3000;
    const padding = 'x'.repeat(1024);
    // Written all at once: the server reads it as fast as the reader lets it.
    let frames = '';
    for (let i = 0; i < count; i++) frames += `SEND\ndestination:${topic}\n\n${i} ${padding}\0`;
    publisher.sendRaw(frames);
    await sendWithReceipt(publisher, 'SEND', [['destination', topic]], 'end');

    for (let i = 0; i < count; i++) {
      const body = text(await nextMessage(bystander, 10_000));
      expect(body.slice(0, body.indexOf(' '))).toBe(String(i));
    }
    expect(text(await nextMessage(bystander))).toBe('end');
    expect(bystander.frames.some((frame) => frame.command === 'ERROR')).toBe(false);
    expect(await metric('stomp_publisher_pauses_total')).toBeGreaterThan(pausesBefore);
  });

  it('keeps a reader that receives two legal frames larger than its high-water mark', async () => {
    const topic = unique('/topic/hostile.large.');
    const reader = await pool.client('tcp');
    await subscribe(reader, 'r', topic);
    const publisher = await pool.client('ws');
    const body = 'y'.repeat(6 * 1024 * 1024);
    publisher.send({ command: 'SEND', headers: [['destination', topic]], body });
    await sendWithReceipt(publisher, 'SEND', [['destination', topic]], body);
    for (let i = 0; i < 2; i++) {
      const message = await nextMessage(reader, 20_000);
      expect(getHeader(message.headers, 'destination')).toBe(topic);
      expect(message.body.length).toBe(body.length);
    }
  });
});
