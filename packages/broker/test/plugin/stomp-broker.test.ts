/**
 * The broker as a library: `stompBroker` registered on a bare Fastify app (no market, no game, no
 * pages), as the README's example does, with the real `@stomp/stompjs` over WebSocket and a raw
 * client over TCP.
 */
import { type Socket, connect as tcpConnect } from 'node:net';
import { Client, type IMessage } from '@stomp/stompjs';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { stompBroker } from '../../src/index';
import { receiverLimits } from '../../src/transports/ws-receiver';

let app: FastifyInstance | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(
  options: Parameters<typeof stompBroker>[1],
): Promise<{ app: FastifyInstance; port: number }> {
  app = Fastify();
  await app.register(stompBroker, options);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { app, port: address.port };
}

function stompjs(url: string): Client {
  return new Client({
    brokerURL: url,
    webSocketFactory: () => new WebSocket(url, ['v12.stomp', 'v11.stomp', 'v10.stomp']),
    connectHeaders: { login: 'guest', passcode: 'guest' },
    reconnectDelay: 0,
  });
}

function connected(client: Client): Promise<void> {
  return new Promise((resolve, reject) => {
    client.onConnect = () => resolve();
    client.onStompError = (frame) => reject(new Error(frame.headers.message));
    client.activate();
  });
}

describe('stompBroker on a bare Fastify app', () => {
  it('serves STOMP over WebSocket at /ws: a message published reaches a subscriber', async () => {
    const { port } = await start({});
    const url = `ws://127.0.0.1:${port}/ws`;
    const reader = stompjs(url);
    const writer = stompjs(url);
    await Promise.all([connected(reader), connected(writer)]);
    const received = new Promise<IMessage>((resolve) =>
      reader.subscribe('/topic/hello', resolve, { receipt: 'sub' }),
    );
    await new Promise<void>((resolve) => reader.watchForReceipt('sub', () => resolve()));
    writer.publish({ destination: '/topic/hello', body: 'hi' });
    expect((await received).body).toBe('hi');
    await Promise.all([reader.deactivate(), writer.deactivate()]);
  });

  it('refuses a browser page from an Origin not allowed, and admits one that is', async () => {
    const { port } = await start({ websocket: { allowedOrigins: ['https://example.com'] } });
    const url = `ws://127.0.0.1:${port}/ws`;
    const refused = new WebSocket(url, ['v12.stomp'], { origin: 'https://evil.example' });
    const status = await new Promise<number | undefined>((resolve) =>
      refused.once('unexpected-response', (_request, response) => resolve(response.statusCode)),
    );
    expect(status).toBe(403);
    const admitted = new WebSocket(url, ['v12.stomp'], { origin: 'https://example.com' });
    await new Promise((resolve, reject) => {
      admitted.once('open', resolve);
      admitted.once('error', reject);
    });
    expect(admitted.protocol).toBe('v12.stomp');
    admitted.close();
  });

  it('serves STOMP over TCP when asked, on the port given', async () => {
    const { app } = await start({ tcp: { port: 0 } });
    const listener = app.stompTcp;
    expect(listener).not.toBeNull();
    const socket: Socket = tcpConnect(listener?.address().port ?? 0, '127.0.0.1');
    const reply = new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
        if (text.includes('\0')) resolve(text);
      });
    });
    socket.write('CONNECT\naccept-version:1.2\nhost:localhost\nlogin:guest\npasscode:guest\n\n\0');
    expect((await reply).split('\n')[0]).toBe('CONNECTED');
    socket.destroy();
  });

  it('has no TCP listener unless asked', async () => {
    const { app } = await start({});
    expect(app.stompTcp).toBeNull();
  });

  it('tells connected sessions the server is shutting down when the app closes', async () => {
    const { app, port } = await start({});
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, ['v12.stomp']);
    await new Promise((resolve) => socket.once('open', resolve));
    const frames: string[] = [];
    socket.on('message', (data) => frames.push(data.toString()));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    const connectedFrame = new Promise<void>((resolve) => socket.once('message', () => resolve()));
    socket.send('CONNECT\naccept-version:1.2\nhost:localhost\nlogin:guest\npasscode:guest\n\n\0');
    await connectedFrame;
    await app.close();
    expect(await closed).toBe(1001);
    expect(frames.at(-1)).toMatch(/^ERROR\n[\s\S]*message:server shutting down/);
  });

  it('finds the private fields of the installed ws that per-connection limits rely on', async () => {
    const { port } = await start({});
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, ['v12.stomp']);
    await new Promise((resolve) => socket.once('open', resolve));
    const limits = receiverLimits(socket);
    expect(limits).toBeDefined();
    expect(limits?.fragments).toBe(0);
    socket.close();
  });

  it.each([
    [{ tcp: { port: 70_000 } }, /tcp\.port/],
    [{ closeGraceMs: -1 }, /closeGraceMs/],
    [{ websocket: { path: 'ws' } }, /websocket\.path/],
    [{ websocket: { allowedOrigins: ['https://example.com/app'] } }, /allowedOrigins/],
    [{ broker: { connectTimeoutMs: 0 } }, /connectTimeoutMs/],
  ] as const)('refuses bad options at registration, naming the option: %o', async (options, message) => {
    app = Fastify();
    await expect(app.register(stompBroker, options as Parameters<typeof stompBroker>[1])).rejects.toThrow(
      message,
    );
  });
});
