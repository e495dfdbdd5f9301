import { afterEach, describe, expect, it, vi } from 'vitest';
import { Broker } from '../../src/core/broker';
import { BrokerErrorCode } from '../../src/core/errors';
import { CloseCode } from '../../src/core/transport';
import { connectClient, settle, TestClient, text } from '../support/fake-transport';

afterEach(() => {
  vi.useRealTimers();
});

describe('shutdown', () => {
  it('tells every session "server shutting down", closes with 1001 and resolves once all are closed', async () => {
    const broker = new Broker();
    const connected = await connectClient(broker);
    const connecting = new TestClient(broker);
    expect(broker.sessionCount).toBe(2);
    await broker.shutdown('maintenance');
    for (const client of [connected, connecting]) {
      expect(client.error()).toMatchObject({
        code: BrokerErrorCode.SHUTTING_DOWN,
        message: 'server shutting down',
        close: CloseCode.GOING_AWAY,
      });
    }
    expect(text(connected.last('ERROR').body)).toBe('maintenance\n');
    expect(broker.sessionCount).toBe(0);
  });

  it('resolves after the timeout when a transport never reports closed', async () => {
    vi.useFakeTimers();
    const broker = new Broker({ shutdownTimeoutMs: 3000 });
    const client = await connectClient(broker);
    client.transport.reportsClose = false;
    let done = false;
    void broker.shutdown().then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(2900);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    expect(done).toBe(true);
  });

  it('refuses connections that arrive while it runs', async () => {
    const broker = new Broker();
    await connectClient(broker);
    const pending = broker.shutdown();
    const late = new TestClient(broker);
    await pending;
    expect(late.error()).toMatchObject({ code: BrokerErrorCode.SHUTTING_DOWN, close: CloseCode.GOING_AWAY });
    expect(broker.stats().shuttingDown).toBe(true);
  });

  it('returns the same promise when called twice', async () => {
    const broker = new Broker();
    await connectClient(broker);
    const first = broker.shutdown();
    expect(broker.shutdown()).toBe(first);
    await first;
  });

  it('resolves at once with no sessions and stops the shared timer', async () => {
    vi.useFakeTimers();
    const broker = new Broker();
    const client = await connectClient(broker, { heartBeat: '10000,10000' });
    expect(vi.getTimerCount()).toBe(1);
    client.connection.closed();
    await broker.shutdown();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ends a session whose DISCONNECT waits on a handler', async () => {
    const broker = new Broker();
    broker.registerAppHandler('/app/forever', () => new Promise(() => {}));
    const client = await connectClient(broker);
    client.send('SEND', { destination: '/app/forever' });
    client.send('DISCONNECT', { receipt: 'bye' });
    await settle();
    await broker.shutdown();
    expect(client.closedWith?.code).toBe(CloseCode.GOING_AWAY);
  });
});
