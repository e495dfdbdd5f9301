import { describe, expect, it } from 'vitest';
import { Broker, type ClosedSession } from '../../src/core/broker';
import { silentLogger } from '../../src/core/logger';
import { connectClient, settle, TestClient } from '../support/fake-transport';

function listen(broker: Broker): ClosedSession[] {
  const closed: ClosedSession[] = [];
  broker.onSessionClosed((session) => closed.push(session));
  return closed;
}

describe('onSessionClosed', () => {
  it('names the login and session of a client that sent DISCONNECT', async () => {
    const broker = new Broker();
    const closed = listen(broker);
    const client = await connectClient(broker, { login: 'alice', passcode: 'alice' });
    client.send('DISCONNECT', { receipt: 'bye' });
    await settle();
    expect(closed).toEqual([{ login: 'alice', sessionId: client.connection.id }]);
  });

  it('reports a connection that vanished, and one ended by an ERROR, once each', async () => {
    const broker = new Broker();
    const closed = listen(broker);
    const vanished = await connectClient(broker, { login: 'bob', passcode: 'bob' });
    const faulty = await connectClient(broker);
    vanished.connection.closed();
    vanished.connection.closed();
    faulty.send('ACK', { id: 'nothing-to-ack' });
    await settle();
    expect(closed).toEqual([
      { login: 'bob', sessionId: vanished.connection.id },
      { login: 'guest', sessionId: faulty.connection.id },
    ]);
  });

  it('says nothing of a connection that never logged in', async () => {
    const broker = new Broker();
    const closed = listen(broker);
    const client = new TestClient(broker);
    client.connection.closed();
    const refused = await connectClient(broker, { login: 'alice', passcode: 'wrong' }).catch(() => undefined);
    await settle();
    expect(refused).toBeUndefined();
    expect(closed).toEqual([]);
  });

  it('stops calling a listener once unregistered, and survives a listener that throws', async () => {
    const errors: unknown[] = [];
    const broker = new Broker({
      logger: { ...silentLogger, error: (bindings) => void errors.push(bindings) },
    });
    const calls: string[] = [];
    const stop = broker.onSessionClosed(() => calls.push('first'));
    broker.onSessionClosed(() => {
      throw new Error('listener bug');
    });
    broker.onSessionClosed(() => calls.push('third'));
    (await connectClient(broker)).connection.closed();
    stop();
    (await connectClient(broker)).connection.closed();
    await settle();
    expect(calls).toEqual(['first', 'third', 'third']);
    expect(errors).toHaveLength(2);
  });
});
