/**
 * The claims of docs/websocket-frames.md that other tests do not already check: text and binary
 * messages keep their order, `ws` answers pings, a fragmented WebSocket message reaches the broker
 * whole, and a polite DISCONNECT ends with close code 1000.
 */
import { decodeAll, type Frame, getHeader } from '@stomping-ground/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type RunningServer, startServer } from '../support/app';
import { StompProbe } from '../support/probe';

let server: RunningServer;
const open: Array<{ close(): void }> = [];

beforeAll(async () => {
  server = await startServer();
});

afterEach(() => {
  for (const socket of open.splice(0)) socket.close();
});

afterAll(async () => {
  await server.close();
});

async function probe(): Promise<StompProbe> {
  const client = await StompProbe.ws(server.wsUrl);
  open.push(client);
  await client.connect([
    ['login', 'guest'],
    ['passcode', 'guest'],
  ]);
  return client;
}

/** A bare `ws` client, for what StompProbe does not expose: pings and fragments. */
async function rawSocket(): Promise<{ socket: WebSocket; frames: Frame[]; next(): Promise<Frame> }> {
  const socket = new WebSocket(server.wsUrl, ['v12.stomp']);
  open.push(socket);
  const frames: Frame[] = [];
  let taken = 0;
  let wake: (() => void) | undefined;
  socket.on('message', (data: Buffer) => {
    for (const item of decodeAll(new Uint8Array(data)).items)
      if (item.type === 'frame') frames.push(item.frame);
    wake?.();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const next = async (): Promise<Frame> => {
    while (taken >= frames.length) await new Promise<void>((resolve) => (wake = resolve));
    return frames[taken++]!;
  };
  return { socket, frames, next };
}

describe('websocket-frames.md', () => {
  it('keeps text and binary MESSAGEs in the order they were published, each in its own kind of message', async () => {
    const client = await probe();
    client.send({
      command: 'SUBSCRIBE',
      headers: [
        ['id', '1'],
        ['destination', '/topic/lesson.kinds'],
        ['receipt', 'r'],
      ],
    });
    expect((await client.nextFrame()).command).toBe('RECEIPT');
    const seen = client.messages.length;

    client.send({ command: 'SEND', headers: [['destination', '/topic/lesson.kinds']], body: 'price 42' });
    client.send({
      command: 'SEND',
      headers: [['destination', '/topic/lesson.kinds']],
      body: Uint8Array.of(0xfe, 0x00, 0x2a),
    });
    client.send({ command: 'SEND', headers: [['destination', '/topic/lesson.kinds']], body: 'price 43' });

    const bodies = [await client.nextFrame(), await client.nextFrame(), await client.nextFrame()].map(
      (frame) => Array.from(frame.body),
    );
    expect(bodies).toEqual([
      Array.from(new TextEncoder().encode('price 42')),
      [0xfe, 0x00, 0x2a],
      Array.from(new TextEncoder().encode('price 43')),
    ]);
    // The broker writes content-length on every MESSAGE: the octet count the body really has.
    const lengths = client.frames
      .filter((frame) => frame.command === 'MESSAGE')
      .map((frame) => getHeader(frame.headers, 'content-length'));
    expect(lengths).toEqual(['8', '3', '8']);
    await client.waitFor(() => client.messages.length >= seen + 3);
    expect(client.messages.slice(seen).map((message) => message.binary)).toEqual([false, true, false]);
  });

  it('answers a WebSocket ping with a pong carrying the same payload', async () => {
    const { socket } = await rawSocket();
    const pong = new Promise<string>((resolve) => socket.once('pong', (data) => resolve(data.toString())));
    socket.ping('are you there');
    expect(await pong).toBe('are you there');
  });

  it('hands a STOMP frame sent as a fragmented WebSocket message to the broker whole', async () => {
    const { socket, next } = await rawSocket();
    socket.send('CONNECT\naccept-version:1.2\nhost:localhost\nlogin:guest\npasscode:guest\n\n\0');
    expect((await next()).command).toBe('CONNECTED');
    socket.send('SUBSCRIBE\nid:1\ndestination:/topic/lesson.fragments\nreceipt:r\n\n\0');
    expect((await next()).command).toBe('RECEIPT');

    const frame = 'SEND\ndestination:/topic/lesson.fragments\n\nin fragments\0';
    socket.send(frame.slice(0, 10), { fin: false });
    socket.send(frame.slice(10, 30), { fin: false });
    socket.send(frame.slice(30), { fin: true });
    const message = await next();
    expect(message.command).toBe('MESSAGE');
    expect(new TextDecoder().decode(message.body)).toBe('in fragments');
  });

  it('closes with 1000 after the RECEIPT of a DISCONNECT', async () => {
    const client = await probe();
    client.send({ command: 'DISCONNECT', headers: [['receipt', 'bye']] });
    const receipt = await client.nextFrame();
    expect(receipt.command).toBe('RECEIPT');
    expect(getHeader(receipt.headers, 'receipt-id')).toBe('bye');
    expect((await client.closed).code).toBe(1000);
  });
});
