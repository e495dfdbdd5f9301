/**
 * Interop with the real `@stomp/stompjs` client in Node (over `ws`), through its modern `Client`
 * API and through the legacy API older docs show.
 */
import { Client, type IMessage, Stomp } from '@stomp/stompjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type RunningServer, startServer } from '../support/app';

let server: RunningServer;
const clients: Array<{ deactivate(): unknown }> = [];

beforeAll(async () => {
  server = await startServer({ heartBeat: { canSend: 100, wantsToReceive: 100 } });
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.deactivate()));
  await server.close();
});

function modernClient(login = 'guest', passcode = 'guest'): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client({
      webSocketFactory: () => new WebSocket(server.wsUrl, ['v10.stomp', 'v11.stomp', 'v12.stomp']),
      connectHeaders: { login, passcode },
      reconnectDelay: 0,
      heartbeatIncoming: 0,
      heartbeatOutgoing: 0,
      onConnect: () => resolve(client),
      onStompError: (frame) => reject(new Error(frame.headers.message)),
      onWebSocketError: () => reject(new Error('WebSocket error')),
    });
    clients.push(client);
    client.activate();
  });
}

let subscriptions = 0;

/**
 * Subscribes for one MESSAGE. The SUBSCRIBE asks for a receipt, so `subscribed` resolves once the
 * broker has the subscription: a SEND after that reaches it (STOMP 1.2, "RECEIPT").
 */
function nextMessage(
  client: Client,
  destination: string,
  ack?: 'client' | 'client-individual',
): { subscribed: Promise<void>; message: Promise<IMessage> } {
  const receipt = `subscribed-${++subscriptions}`;
  const subscribed = new Promise<void>((resolve) => client.watchForReceipt(receipt, () => resolve()));
  const message = new Promise<IMessage>((resolve) => {
    const subscription = client.subscribe(
      destination,
      (message) => {
        subscription.unsubscribe();
        resolve(message);
      },
      ack ? { ack, receipt } : { receipt },
    );
  });
  return { subscribed, message };
}

describe('the stompjs Client', () => {
  it('connects over STOMP 1.2 when its socket offers the subprotocols oldest first', async () => {
    const client = await modernClient();
    expect(client.connectedVersion).toBe('1.2');
    expect((client.webSocket as unknown as WebSocket | undefined)?.protocol).toBe('v12.stomp');
  });

  it('publishes to a topic and receives its own message with the headers it set', async () => {
    const client = await modernClient();
    const received = nextMessage(client, '/topic/stompjs.echo');
    await received.subscribed;
    client.publish({
      destination: '/topic/stompjs.echo',
      body: '{"hello":"world"}',
      headers: { 'content-type': 'application/json', 'x-trace': 'a:b' },
    });
    const message = await received.message;
    expect(message.body).toBe('{"hello":"world"}');
    expect(message.headers['content-type']).toBe('application/json');
    expect(message.headers['x-trace']).toBe('a:b');
    expect(message.headers.destination).toBe('/topic/stompjs.echo');
    expect(message.headers['message-id']).toBeTruthy();
  });

  it('gets a receipt for a SEND it asked one for', async () => {
    const client = await modernClient();
    const receipt = new Promise<string>((resolve) =>
      client.watchForReceipt('r-1', (frame) => resolve(frame.headers['receipt-id']!)),
    );
    client.publish({ destination: '/queue/stompjs.receipts', body: 'x', headers: { receipt: 'r-1' } });
    expect(await receipt).toBe('r-1');
  });

  it('sends and receives a binary body byte for byte', async () => {
    const client = await modernClient();
    const received = nextMessage(client, '/topic/stompjs.binary');
    await received.subscribed;
    const body = Uint8Array.from([0, 1, 2, 0xff, 0xfe, 0, 0x80]);
    client.publish({ destination: '/topic/stompjs.binary', binaryBody: body });
    const message = await received.message;
    expect(Array.from(message.binaryBody)).toEqual(Array.from(body));
  });

  it('acknowledges in client-individual mode and a NACKed message comes back redelivered', async () => {
    const client = await modernClient();
    const first = nextMessage(client, '/queue/stompjs.nack', 'client-individual');
    client.publish({ destination: '/queue/stompjs.nack', body: 'retry me' });
    const message = await first.message;
    const second = nextMessage(client, '/queue/stompjs.nack', 'client-individual');
    message.nack();
    const again = await second.message;
    expect(again.body).toBe('retry me');
    expect(again.headers.redelivered).toBe('true');
    again.ack();
  });

  it('commits a transaction: nothing arrives before COMMIT, everything after', async () => {
    const client = await modernClient();
    const bodies: string[] = [];
    client.subscribe('/queue/stompjs.tx', (message) => bodies.push(message.body));
    const tx = client.begin();
    client.publish({ destination: '/queue/stompjs.tx', body: 'one', headers: { transaction: tx.id } });
    client.publish({ destination: '/queue/stompjs.tx', body: 'two', headers: { transaction: tx.id } });
    // Frames of one connection are handled in order: had the broker not held the transaction's
    // SENDs, they would reach the queue, and this reader, before a plain SEND sent after them.
    client.publish({ destination: '/queue/stompjs.tx', body: 'marker' });
    await expect.poll(() => bodies.includes('marker')).toBe(true);
    expect(bodies).toEqual(['marker']);
    tx.commit();
    await expect.poll(() => bodies).toEqual(['marker', 'one', 'two']);
  });

  it('is refused with an ERROR for a wrong passcode', async () => {
    await expect(modernClient('guest', 'wrong')).rejects.toThrow();
  });
});

describe('the legacy stompjs API', () => {
  it('works the way older docs show it', async () => {
    Stomp.WebSocketClass = WebSocket;
    const client = Stomp.client(server.wsUrl);
    clients.push(client);
    client.debug = () => {};
    client.heartbeat.incoming = 100;
    client.heartbeat.outgoing = 100;
    client.reconnect_delay = 0;

    await new Promise<void>((resolve, reject) => {
      client.connect(
        'guest',
        'guest',
        () => resolve(),
        (error: unknown) => reject(new Error(String(error))),
        () => {},
        'localhost',
      );
    });
    expect(client.version).toBe('1.2');

    // subscribe returns an object with the subscription id; client acknowledgement.
    const received: IMessage[] = [];
    const subscription = client.subscribe('/queue/legacy', (message) => received.push(message), {
      ack: 'client',
    });
    expect(subscription.id).toBeTruthy();

    client.send('/queue/legacy', { 'content-type': 'text/plain' }, 'first');
    await expect.poll(() => received.length).toBe(1);
    received[0]!.ack();

    // begin() with abort(): nothing is sent; with commit(): the SEND takes effect.
    const aborted = client.begin();
    client.send('/queue/legacy', { transaction: aborted.id }, 'never');
    aborted.abort();
    const committed = client.begin();
    client.send('/queue/legacy', { transaction: committed.id }, 'second');
    committed.commit();
    await expect.poll(() => received.map((message) => message.body)).toEqual(['first', 'second']);
    received[1]!.ack();

    // Heart-beats flow both ways at the negotiated 100 ms without the server closing us.
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(client.connected).toBe(true);

    await new Promise<void>((resolve) => client.disconnect(() => resolve()));
    expect(client.connected).toBe(false);
  });
});
