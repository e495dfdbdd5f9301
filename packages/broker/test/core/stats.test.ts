import { describe, expect, it } from 'vitest';
import { Broker } from '../../src/core/broker';
import { type BrokerObserver, silentObserver } from '../../src/core/observer';
import { connectClient, settle, TestClient } from '../support/fake-transport';

describe('stats', () => {
  it('count sessions by version, connections by transport, subscriptions and destinations', async () => {
    const broker = new Broker();
    broker.registerAppHandler('/app/x', () => {});
    const a = await connectClient(broker, { acceptVersion: '1.2' });
    await connectClient(broker, { acceptVersion: '1.1', info: { kind: 'tcp' } });
    new TestClient(broker);
    a.send('SUBSCRIBE', { id: '1', destination: '/topic/a' });
    a.send('SUBSCRIBE', { id: '2', destination: '/queue/b' });
    a.send('SUBSCRIBE', { id: '3', destination: '/user/queue/c' });
    const stats = broker.stats();
    expect(stats).toMatchObject({
      shuttingDown: false,
      sessions: 2,
      sessionsByVersion: { '1.0': 0, '1.1': 1, '1.2': 1 },
      connecting: 1,
      connections: 3,
      connectionsByTransport: { ws: 2, tcp: 1 },
      subscriptions: 3,
      destinations: { topics: 1, queues: 1, userDestinations: 1 },
      appHandlers: 1,
    });
    expect(broker.sessionCount).toBe(3);
  });

  it('count the bytes decoders hold for frames still arriving, within the pre-login limit, and none once they end', async () => {
    const broker = new Broker({ limits: { preLogin: { maxFrameBytes: 1024, maxBodyBytes: 1024 } } });
    const early = new TestClient(broker);
    early.raw('SEND\ndestination:/queue/a\n\n');
    for (let i = 0; i < 900; i++) early.raw('x');
    const held = broker.stats().inputBufferedBytes;
    expect(held).toBeGreaterThanOrEqual(900);
    expect(held).toBeLessThanOrEqual(1024);
    early.raw('\0');
    expect(broker.stats().inputBufferedBytes).toBe(0);
  });

  it('keep running totals of frames, bytes and messages', async () => {
    const broker = new Broker();
    const client = await connectClient(broker);
    client.send('SUBSCRIBE', { id: '1', destination: '/topic/a' });
    client.send('SEND', { destination: '/topic/a' }, 'x');
    await settle();
    const { totals } = broker.stats();
    expect(totals).toMatchObject({
      connectionsAccepted: 1,
      sessionsOpened: 1,
      framesIn: 3,
      framesOut: 2,
      messagesIn: 1,
      messagesOut: 1,
      errors: 0,
    });
    expect(totals.bytesIn).toBeGreaterThan(0);
    expect(totals.bytesOut).toBe(client.transport.sent.reduce((sum, chunk) => sum + chunk.bytes.length, 0));
  });
});

describe('the observer', () => {
  it('hears of frames both ways, sessions opening and closing, with version and reason', async () => {
    const events: string[] = [];
    const observer: BrokerObserver = {
      ...silentObserver,
      frameIn: (command) => void events.push(`in ${command}`),
      frameOut: (command) => void events.push(`out ${command}`),
      sessionOpened: (version) => void events.push(`opened ${version}`),
      sessionClosed: (version, reason) => void events.push(`closed ${version} ${reason}`),
    };
    const broker = new Broker({ observer });
    const a = await connectClient(broker, { acceptVersion: '1.1' });
    a.raw('\n');
    a.send('DISCONNECT', { receipt: 'r' });
    const b = await connectClient(broker);
    b.connection.closed();
    const c = await connectClient(broker);
    c.send('ACK', { id: 'nope' });
    await settle();
    expect(events).toEqual([
      'in CONNECT',
      'out CONNECTED',
      'opened 1.1',
      'in HEARTBEAT',
      'in DISCONNECT',
      'out RECEIPT',
      'closed 1.1 disconnect',
      'in CONNECT',
      'out CONNECTED',
      'opened 1.2',
      'closed 1.2 transport-closed',
      'in CONNECT',
      'out CONNECTED',
      'opened 1.2',
      'in ACK',
      'out ERROR',
      'closed 1.2 STOMP_ERR_UNKNOWN_ACK',
    ]);
  });
});
