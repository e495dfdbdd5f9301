import { afterEach, describe, expect, it, vi } from 'vitest';
import { Broker } from '../../src/core/broker';
import { BrokerErrorCode } from '../../src/core/errors';
import { type BrokerObserver, silentObserver } from '../../src/core/observer';
import { CloseCode } from '../../src/core/transport';
import { connectClient, header, settle } from '../support/fake-transport';

afterEach(() => {
  vi.useRealTimers();
});

const MAX = 4096;

function recordingObserver() {
  const events: string[] = [];
  const observer: BrokerObserver = {
    ...silentObserver,
    slowConsumer: (action, destination) => void events.push(`${action} ${destination}`),
    messageDropped: (reason) => void events.push(`dropped ${reason}`),
  };
  return { events, observer };
}

describe('a slow reader on a conflating destination', () => {
  it('gets only the newest message per subscription once its socket drains', async () => {
    const { events, observer } = recordingObserver();
    const broker = new Broker({ limits: { maxOutboundBytes: MAX }, observer });
    const slow = await connectClient(broker);
    slow.send('SUBSCRIBE', { id: 'a', destination: '/topic/market/AAPL' });
    slow.send('SUBSCRIBE', { id: 'm', destination: '/topic/market/MSFT' });
    await settle();
    slow.transport.bufferedAmount = MAX + 1;
    for (let i = 1; i <= 5; i++) {
      broker.publish('/topic/market/AAPL', `aapl ${i}`);
      broker.publish('/topic/market/MSFT', `msft ${i}`);
    }
    await settle();
    expect(slow.messages()).toEqual([]);
    expect(events.filter((event) => event.startsWith('conflated'))).toEqual([
      'conflated /topic/market/AAPL',
      'conflated /topic/market/MSFT',
    ]);
    expect(events.filter((event) => event === 'dropped conflated')).toHaveLength(8);

    slow.transport.bufferedAmount = 0;
    slow.connection.drained?.();
    await settle();
    expect(slow.bodies()).toEqual(['aapl 5', 'msft 5']);
    expect(slow.closedWith).toBeUndefined();
  });

  it('gets the newest message on the next timer tick even if no drain is reported', async () => {
    vi.useFakeTimers();
    const broker = new Broker({
      limits: { maxOutboundBytes: MAX },
      timerResolutionMs: 50,
      heartBeat: { canSend: 0, wantsToReceive: 0 },
    });
    const slow = await connectClient(broker);
    slow.send('SUBSCRIBE', { id: 'g', destination: '/topic/game/state' });
    await settle();
    slow.transport.bufferedAmount = MAX * 2;
    broker.publish('/topic/game/state', 'tick 1');
    broker.publish('/topic/game/state', 'tick 2');
    await vi.advanceTimersByTimeAsync(200);
    expect(slow.messages()).toEqual([]);
    slow.transport.bufferedAmount = 0;
    await vi.advanceTimersByTimeAsync(60);
    expect(slow.bodies()).toEqual(['tick 2']);
  });

  it('never sees an older value after a newer one', async () => {
    const broker = new Broker({ limits: { maxOutboundBytes: MAX } });
    const slow = await connectClient(broker);
    slow.send('SUBSCRIBE', { id: 'a', destination: '/topic/market/AAPL' });
    await settle();
    slow.transport.bufferedAmount = MAX + 1;
    broker.publish('/topic/market/AAPL', 'old');
    slow.transport.bufferedAmount = 0;
    broker.publish('/topic/market/AAPL', 'new');
    await settle();
    expect(slow.bodies()).toEqual(['old', 'new']);
  });

  it('does not hold back a fast reader of the same topic', async () => {
    const broker = new Broker({ limits: { maxOutboundBytes: MAX } });
    const slow = await connectClient(broker);
    const fast = await connectClient(broker);
    for (const client of [slow, fast])
      client.send('SUBSCRIBE', { id: 'a', destination: '/topic/market/AAPL' });
    await settle();
    slow.transport.bufferedAmount = MAX + 1;
    for (let i = 0; i < 10; i++) broker.publish('/topic/market/AAPL', `${i}`);
    await settle();
    expect(fast.messages()).toHaveLength(10);
    expect(slow.messages()).toHaveLength(0);
  });

  it('counts its own unflushed bytes toward the bound', async () => {
    const broker = new Broker({ limits: { maxOutboundBytes: MAX } });
    const client = await connectClient(broker);
    client.send('SUBSCRIBE', { id: 'a', destination: '/topic/market/AAPL' });
    await settle();
    const big = 'x'.repeat(3000);
    broker.publish('/topic/market/AAPL', `1 ${big}`);
    broker.publish('/topic/market/AAPL', `2 ${big}`);
    broker.publish('/topic/market/AAPL', `3 ${big}`);
    await settle();
    expect(client.bodies().map((body) => body.slice(0, 1))).toEqual(['1', '2']);
  });
});

describe('a reader behind on an error destination', () => {
  it('still gets every message while it is behind for less than the grace', async () => {
    const { events, observer } = recordingObserver();
    const broker = new Broker({ limits: { maxOutboundBytes: MAX }, observer });
    const slow = await connectClient(broker);
    slow.send('SUBSCRIBE', { id: 'c', destination: '/topic/chat' });
    await settle();
    slow.transport.bufferedAmount = MAX + 1;
    for (let i = 0; i < 3; i++) broker.publish('/topic/chat', `${i}`);
    await settle();
    expect(slow.bodies()).toEqual(['0', '1', '2']);
    expect(slow.closedWith).toBeUndefined();
    expect(events).toEqual([]);
  });

  it('is sent ERROR STOMP_ERR_SLOW_CONSUMER once it has stayed behind for the grace', async () => {
    vi.useFakeTimers();
    const { events, observer } = recordingObserver();
    const broker = new Broker({
      limits: { maxOutboundBytes: MAX },
      slowConsumerGraceMs: 2000,
      timerResolutionMs: 100,
      observer,
    });
    const slow = await connectClient(broker);
    const fast = await connectClient(broker);
    for (const client of [slow, fast]) client.send('SUBSCRIBE', { id: 'c', destination: '/topic/chat' });
    await settle();
    slow.transport.bufferedAmount = MAX + 1;
    broker.publish('/topic/chat', 'hello');
    await vi.advanceTimersByTimeAsync(1900);
    expect(slow.closedWith).toBeUndefined();
    await vi.advanceTimersByTimeAsync(200);
    expect(slow.error()).toMatchObject({
      code: BrokerErrorCode.SLOW_CONSUMER,
      close: CloseCode.POLICY_VIOLATION,
    });
    expect(events).toEqual(['closed /topic/chat']);
    expect(fast.bodies()).toEqual(['hello']);
    expect(fast.closedWith).toBeUndefined();
  });

  it('is not behind any more once it has drained half-way, and gets the whole grace again next time', async () => {
    vi.useFakeTimers();
    const broker = new Broker({
      limits: { maxOutboundBytes: MAX },
      slowConsumerGraceMs: 2000,
      timerResolutionMs: 100,
    });
    const reader = await connectClient(broker);
    reader.send('SUBSCRIBE', { id: 'c', destination: '/topic/chat' });
    await settle();
    reader.transport.bufferedAmount = MAX + 1;
    broker.publish('/topic/chat', 'one');
    await vi.advanceTimersByTimeAsync(1500);
    reader.transport.bufferedAmount = MAX / 2;
    reader.connection.drained?.();
    await vi.advanceTimersByTimeAsync(100);
    reader.transport.bufferedAmount = MAX + 1;
    broker.publish('/topic/chat', 'two');
    await vi.advanceTimersByTimeAsync(1500);
    expect(reader.closedWith).toBeUndefined();
    expect(reader.bodies()).toEqual(['one', 'two']);
  });

  it('is sent the ERROR at once when one more message would outgrow the high-water mark plus one largest frame', async () => {
    const broker = new Broker({
      limits: { maxOutboundBytes: MAX, postLogin: { maxFrameBytes: 2 * MAX, maxBodyBytes: 2 * MAX } },
    });
    const slow = await connectClient(broker);
    slow.send('SUBSCRIBE', { id: 'c', destination: '/topic/chat' });
    await settle();
    slow.transport.bufferedAmount = 3 * MAX - 10;
    broker.publish('/topic/chat', 'x'.repeat(100));
    await settle();
    expect(slow.bodies()).toEqual([]);
    expect(slow.error().code).toBe(BrokerErrorCode.SLOW_CONSUMER);
  });

  it('takes one legal message larger than its high-water mark without being called slow', async () => {
    const broker = new Broker({ limits: { maxOutboundBytes: MAX } });
    const reader = await connectClient(broker);
    reader.send('SUBSCRIBE', { id: 'c', destination: '/topic/chat' });
    await settle();
    const big = 'x'.repeat(3 * MAX);
    broker.publish('/topic/chat', big);
    reader.transport.bufferedAmount = 3 * MAX;
    broker.publish('/topic/chat', big);
    await settle();
    expect(reader.bodies()).toEqual([big, big]);
    expect(reader.closedWith).toBeUndefined();
  });

  it('is closed when it leaves a full window of topic messages unacknowledged', async () => {
    const broker = new Broker({ limits: { maxUnackedPerSubscription: 3 } });
    const client = await connectClient(broker);
    client.send('SUBSCRIBE', { id: 'c', destination: '/topic/chat', ack: 'client' });
    for (let i = 0; i < 4; i++) broker.publish('/topic/chat', `${i}`);
    await settle();
    expect(client.bodies()).toEqual(['0', '1', '2']);
    expect(client.error().code).toBe(BrokerErrorCode.SLOW_CONSUMER);
  });
});

describe('a client publishing to readers that are behind', () => {
  async function publisherAndReaders(options: { graceMs?: number } = {}) {
    const broker = new Broker({
      limits: { maxOutboundBytes: MAX },
      slowConsumerGraceMs: options.graceMs ?? 5000,
      timerResolutionMs: 100,
    });
    const publisher = await connectClient(broker, { heartBeat: '1000,0' });
    const slow = await connectClient(broker);
    const fast = await connectClient(broker);
    for (const client of [slow, fast]) client.send('SUBSCRIBE', { id: 'c', destination: '/topic/chat' });
    await settle();
    return { broker, publisher, slow, fast };
  }

  it('stops being read until the reader drains, then is read again, and nothing is lost', async () => {
    const { broker, publisher, slow, fast } = await publisherAndReaders();
    slow.transport.bufferedAmount = MAX + 1;
    publisher.send('SEND', { destination: '/topic/chat' }, 'first');
    await settle();
    expect(publisher.transport.paused).toBe(true);
    expect(broker.pausedPublishers).toBe(1);
    slow.transport.bufferedAmount = 0;
    slow.connection.drained?.();
    expect(publisher.transport.paused).toBe(false);
    publisher.send('SEND', { destination: '/topic/chat' }, 'second');
    await settle();
    for (const reader of [slow, fast]) expect(reader.bodies()).toEqual(['first', 'second']);
    expect(publisher.closedWith).toBeUndefined();
  });

  it('is read again when the reader it waits for goes away', async () => {
    const { publisher, slow } = await publisherAndReaders();
    slow.transport.bufferedAmount = MAX + 1;
    publisher.send('SEND', { destination: '/topic/chat' }, 'hello');
    await settle();
    expect(publisher.transport.paused).toBe(true);
    slow.connection.closed();
    expect(publisher.transport.paused).toBe(false);
  });

  it('is read again when the reader that stays behind past the grace is dropped', async () => {
    vi.useFakeTimers();
    const { publisher, slow, fast } = await publisherAndReaders({ graceMs: 1000 });
    slow.transport.bufferedAmount = MAX + 1;
    publisher.send('SEND', { destination: '/topic/chat' }, 'hello');
    await settle();
    expect(publisher.transport.paused).toBe(true);
    await vi.advanceTimersByTimeAsync(1200);
    expect(slow.error().code).toBe(BrokerErrorCode.SLOW_CONSUMER);
    expect(publisher.transport.paused).toBe(false);
    expect(fast.closedWith).toBeUndefined();
  });

  it('is not dropped for the silence of its heart-beats while it is not being read', async () => {
    vi.useFakeTimers();
    const { publisher, slow } = await publisherAndReaders({ graceMs: 60_000 });
    slow.transport.bufferedAmount = MAX + 1;
    publisher.send('SEND', { destination: '/topic/chat' }, 'hello');
    await settle();
    // Heart-beats were agreed every 1000 ms: silence past 2 × 1000 + grace would close it if it were read.
    await vi.advanceTimersByTimeAsync(5000);
    expect(publisher.closedWith).toBeUndefined();
    slow.transport.bufferedAmount = 0;
    slow.connection.drained?.();
    await vi.advanceTimersByTimeAsync(2000);
    expect(publisher.closedWith).toBeUndefined();
  });

  it('never waits for itself', async () => {
    const { publisher } = await publisherAndReaders();
    publisher.send('SUBSCRIBE', { id: 'own', destination: '/topic/chat' });
    await settle();
    publisher.transport.bufferedAmount = MAX + 1;
    publisher.send('SEND', { destination: '/topic/chat' }, 'echo');
    await settle();
    expect(publisher.transport.paused).toBe(false);
    expect(publisher.bodies()).toEqual(['echo']);
  });
});

describe('a slow reader of a queue', () => {
  it('is passed over: its messages go to other consumers or wait, and none is lost', async () => {
    const broker = new Broker({ limits: { maxOutboundBytes: MAX } });
    const slow = await connectClient(broker);
    const fast = await connectClient(broker);
    slow.send('SUBSCRIBE', { id: 'q', destination: '/queue/jobs' });
    fast.send('SUBSCRIBE', { id: 'q', destination: '/queue/jobs' });
    await settle();
    slow.transport.bufferedAmount = MAX + 1;
    for (let i = 0; i < 4; i++) broker.publish('/queue/jobs', `${i}`);
    await settle();
    expect(fast.bodies()).toEqual(['0', '1', '2', '3']);
    expect(slow.closedWith).toBeUndefined();

    fast.connection.closed();
    broker.publish('/queue/jobs', 'waiting');
    await settle();
    expect(broker.stats().queueDepths['/queue/jobs']).toBe(1);
    slow.transport.bufferedAmount = 0;
    slow.connection.drained?.();
    await settle();
    expect(slow.bodies()).toEqual(['waiting']);
    expect(header(slow.last('MESSAGE'), 'redelivered')).toBeUndefined();
  });
});
