import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Broker } from '../../src/core/broker';
import { BrokerErrorCode } from '../../src/core/errors';
import { CloseCode } from '../../src/core/transport';
import { connectClient } from '../support/fake-transport';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

function broker(): Broker {
  return new Broker({
    heartBeat: { canSend: 1000, wantsToReceive: 1000 },
    heartBeatGraceMs: 500,
    timerResolutionMs: 100,
  });
}

describe('heart-beats', () => {
  it('sends an EOL when it has written nothing for the negotiated interval', async () => {
    const client = await connectClient(broker(), { heartBeat: '0,2000' });
    await vi.advanceTimersByTimeAsync(1800);
    expect(client.transport.heartbeats).toBe(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(client.transport.heartbeats).toBe(1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(client.transport.heartbeats).toBe(2);
  });

  it('sends no heart-beat while frames keep the connection busy', async () => {
    const b = broker();
    const client = await connectClient(b, { heartBeat: '0,1000' });
    client.send('SUBSCRIBE', { id: '1', destination: '/topic/busy' });
    for (let i = 0; i < 10; i++) {
      b.publish('/topic/busy', `${i}`);
      await vi.advanceTimersByTimeAsync(500);
    }
    expect(client.messages()).toHaveLength(10);
    expect(client.transport.heartbeats).toBe(0);
  });

  it('runs each direction at the larger of the two intervals and leaves it off when either side says 0', async () => {
    const client = await connectClient(broker(), { heartBeat: '0,300' });
    await vi.advanceTimersByTimeAsync(950);
    expect(client.transport.heartbeats).toBe(1);
    const silent = await connectClient(broker(), { heartBeat: '5000,0' });
    await vi.advanceTimersByTimeAsync(5000);
    expect(silent.transport.heartbeats).toBe(0);
  });

  it('closes a client that promised heart-beats and went silent, after twice the interval plus the grace', async () => {
    const client = await connectClient(broker(), { heartBeat: '1000,0' });
    await vi.advanceTimersByTimeAsync(2400);
    expect(client.closedWith).toBeUndefined();
    await vi.advanceTimersByTimeAsync(200);
    expect(client.error()).toMatchObject({
      code: BrokerErrorCode.HEARTBEAT_TIMEOUT,
      close: CloseCode.PROTOCOL_ERROR,
    });
  });

  it('counts any bytes from the client, an EOL or a frame, as a sign of life', async () => {
    const client = await connectClient(broker(), { heartBeat: '1000,0' });
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(1500);
      client.raw(i % 2 === 0 ? '\n' : 'SEND\ndestination:/topic/x\n\n\0');
    }
    expect(client.closedWith).toBeUndefined();
  });

  it('does not watch a client that offered no heart-beats', async () => {
    const client = await connectClient(broker(), { heartBeat: '0,0' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(client.closedWith).toBeUndefined();
    expect(client.transport.heartbeats).toBe(0);
  });

  it('has no heart-beats at all with a STOMP 1.0 client', async () => {
    const client = await connectClient(broker(), { acceptVersion: undefined, heartBeat: '1000,1000' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(client.closedWith).toBeUndefined();
    expect(client.transport.heartbeats).toBe(0);
  });

  it('uses one shared timer however many sessions beat', async () => {
    const b = broker();
    for (let i = 0; i < 50; i++) await connectClient(b, { heartBeat: '1000,1000' });
    expect(vi.getTimerCount()).toBe(1);
  });

  it('leaves no timer running when no session needs one', async () => {
    const b = broker();
    await connectClient(b, { heartBeat: '0,0' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('closes a DISCONNECT that waits on a handler that never settles after the connect timeout', async () => {
    const b = new Broker({ connectTimeoutMs: 1000, timerResolutionMs: 100 });
    b.registerAppHandler('/app/stuck', () => new Promise(() => {}));
    const client = await connectClient(b);
    client.send('SEND', { destination: '/app/stuck' });
    client.send('DISCONNECT', { receipt: 'bye' });
    await vi.advanceTimersByTimeAsync(900);
    expect(client.closedWith).toBeUndefined();
    await vi.advanceTimersByTimeAsync(200);
    expect(client.closedWith?.code).toBe(CloseCode.NORMAL);
    expect(client.received('RECEIPT')).toEqual([]);
  });

  it('measures time on an injected clock', async () => {
    let now = 0;
    const b = new Broker({
      clock: { now: () => now },
      heartBeat: { canSend: 1000, wantsToReceive: 1000 },
      heartBeatGraceMs: 0,
      timerResolutionMs: 100,
    });
    const client = await connectClient(b, { heartBeat: '1000,0' });
    // The timer fires, but the injected clock has not moved: nothing is due.
    await vi.advanceTimersByTimeAsync(5000);
    expect(client.closedWith).toBeUndefined();
    now = 2001;
    await vi.advanceTimersByTimeAsync(100);
    expect(client.error().code).toBe(BrokerErrorCode.HEARTBEAT_TIMEOUT);
  });
});
