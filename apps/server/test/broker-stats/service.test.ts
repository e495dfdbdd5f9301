import { Broker } from '@stomping-ground/broker';
import { connectClient, header, settle, text } from '@stomping-ground/broker/testing';
import type { BrokerStatsPayload } from '@stomping-ground/protocol';
import { describe, expect, it } from 'vitest';
import { BrokerStatsService, perSecond } from '../../src/services/broker-stats/service';
import { LocalStatsTotals, type StatsTotals } from '../../src/services/broker-stats/totals';

const STATS = '/topic/broker/stats';

function payloads(client: Awaited<ReturnType<typeof connectClient>>): BrokerStatsPayload[] {
  return client.messages().map((frame) => JSON.parse(text(frame.body)) as BrokerStatsPayload);
}

describe('the broker stats topic', () => {
  it('gives a subscriber a snapshot, then updates whose counts and rates follow the broker', async () => {
    const broker = new Broker();
    let now = 1_000;
    const service = new BrokerStatsService(broker, { now: () => now });
    const watcher = await connectClient(broker);
    watcher.send('SUBSCRIBE', { id: 's', destination: STATS });
    await settle();

    // The snapshot counts the subscriber itself.
    const [snapshot] = payloads(watcher);
    expect(snapshot).toMatchObject({ sessions: 1, connections: 1 });
    expect(header(watcher.messages()[0]!, 'snapshot')).toBe('true');
    expect(header(watcher.messages()[0]!, 'content-type')).toBe('application/json');

    // A second session arrives and sends two messages to a topic it reads.
    const other = await connectClient(broker);
    other.send('SUBSCRIBE', { id: 't', destination: '/topic/chat' });
    other.send('SEND', { destination: '/topic/chat' }, 'hello');
    other.send('SEND', { destination: '/topic/chat' }, 'again');
    await settle();
    now += 2_000;
    service.tick();
    await settle();

    const update = payloads(watcher)[1]!;
    expect(update.sessions).toBe(2);
    expect(update.connections).toBe(2);
    // Two SENDs in (2 s: 1 a second); two MESSAGEs to the chat reader and one snapshot out.
    expect(update.messagesInPerSecond).toBe(1);
    expect(update.messagesOutPerSecond).toBe(perSecond(3, 2_000));
    expect(update.at).toBe(3_000);

    // The session leaves: the next update says so.
    other.send('DISCONNECT', {});
    await settle();
    now += 1_000;
    service.tick();
    await settle();
    expect(payloads(watcher)[2]).toMatchObject({ sessions: 1, connections: 1 });
    service.close();
  });

  it('refuses client SENDs to the server-owned topic', async () => {
    const broker = new Broker();
    const client = await connectClient(broker);
    client.send('SEND', { destination: STATS }, '{}');
    await settle();
    expect(client.error()).toMatchObject({ code: 'STOMP_ERR_FORBIDDEN' });
  });

  it('publishes only while someone listens, and measures all the same', async () => {
    const broker = new Broker();
    let now = 0;
    const service = new BrokerStatsService(broker, { now: () => now });
    now = 1_000;
    expect(service.tick()).toMatchObject({ sessions: 0, messagesInPerSecond: 0 });
    expect(broker.stats().totals.messagesIn).toBe(0);
    service.close();
  });
});

describe('the totals', () => {
  it("alone, are this process's own figures, at once, and nothing to withdraw", async () => {
    const totals = new LocalStatsTotals();
    const own: BrokerStatsPayload = {
      sessions: 2,
      connections: 2,
      messagesInPerSecond: 5,
      messagesOutPerSecond: 7,
      at: 1_000,
    };
    expect(totals.combine(own)).toBe(own);
    await expect(totals.withdraw()).resolves.toBeUndefined();
  });

  it('given others, publishes theirs once read, its own while they cannot be, and withdraws on close', async () => {
    const broker = new Broker();
    let now = 1_000;
    let readable = true;
    let withdrawn = false;
    const totals: StatsTotals = {
      combine: async (own) => (readable ? { ...own, sessions: own.sessions + 10, nodes: 3 } : undefined),
      withdraw: async () => {
        withdrawn = true;
      },
    };
    const service = new BrokerStatsService(broker, { now: () => now, totals });
    const watcher = await connectClient(broker);
    watcher.send('SUBSCRIBE', { id: 's', destination: STATS });
    await settle();
    now += 1_000;
    service.tick();
    await settle();
    expect(payloads(watcher)[1]).toMatchObject({ sessions: 11, nodes: 3 });
    readable = false;
    now += 1_000;
    service.tick();
    await settle();
    expect(payloads(watcher)[2]).toMatchObject({ sessions: 1 });
    expect(payloads(watcher)[2]!.nodes).toBeUndefined();
    await service.close();
    expect(withdrawn).toBe(true);
  });
});

describe('perSecond', () => {
  it('scales a count to a second and rounds it', () => {
    expect(perSecond(5, 500)).toBe(10);
    expect(perSecond(1, 3_000)).toBe(0);
    expect(perSecond(7, 0)).toBe(0);
  });
});
