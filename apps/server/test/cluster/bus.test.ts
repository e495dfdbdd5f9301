/**
 * Three real server processes on the real Redis act as one broker: topics and user destinations
 * reach every node, queues compete across nodes, and a node killed with SIGKILL loses nothing that
 * was receipted.
 */
import { getHeader } from '@stomping-ground/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../support/cluster';
import { ClusterClients, messagesOf } from '../support/cluster-clients';
import { StompProbe } from '../support/probe';
import { sendWithReceipt, subscribe, text, until } from '../support/raw';

let cluster: TestCluster;
const clients = new ClusterClients();

beforeAll(async () => {
  cluster = await startCluster(3);
}, 60_000);
afterEach(() => clients.closeAll());
afterAll(() => cluster?.close());

describe('topics across nodes', () => {
  it('delivers a SEND on one node to subscribers on every node, in publish order', async () => {
    const subscribers = await Promise.all([0, 1, 2].map((index) => clients.client(cluster.wsUrl(index))));
    await Promise.all(subscribers.map((probe) => subscribe(probe, 'prices', '/topic/cluster.order')));
    const publisher = await clients.client(cluster.wsUrl(0));

    const count = 200;
    for (let i = 0; i < count; i++) {
      publisher.send({ command: 'SEND', headers: [['destination', '/topic/cluster.order']], body: `${i}` });
    }
    for (const probe of subscribers) {
      await until(() => messagesOf(probe).length >= count, 10_000, 'every message on every node');
      expect(messagesOf(probe).map(text)).toEqual(Array.from({ length: count }, (_, i) => `${i}`));
    }
  });

  it('keeps binary bodies and headers intact across nodes', async () => {
    const subscriber = await clients.client(cluster.wsUrl(2));
    await subscribe(subscriber, 'bin', '/topic/cluster.binary');
    const publisher = await clients.client(cluster.wsUrl(1));
    const body = new Uint8Array([0, 255, 1, 254, 0, 128]);
    await sendWithReceipt(
      publisher,
      'SEND',
      [
        ['destination', '/topic/cluster.binary'],
        ['content-type', 'application/octet-stream'],
        ['x-trace', 'a:b\\c'],
      ],
      body,
    );
    await until(() => messagesOf(subscriber).length === 1, 5_000, 'the binary message');
    const [message] = messagesOf(subscriber);
    expect([...message!.body]).toEqual([...body]);
    expect(getHeader(message!.headers, 'x-trace')).toBe('a:b\\c');
    expect(getHeader(message!.headers, 'content-type')).toBe('application/octet-stream');
  });

  it('stops sending a topic to a node once its last subscriber there leaves', async () => {
    const subscriber = await clients.client(cluster.wsUrl(1));
    await subscribe(subscriber, 'gone', '/topic/cluster.unwatch');
    await sendWithReceipt(subscriber, 'UNSUBSCRIBE', [['id', 'gone']]);
    await until(
      async () =>
        (await cluster.redis.pubsub('NUMSUB', `${cluster.prefix}:t:/topic/cluster.unwatch`))[1] === 0,
      5_000,
      'the channel to have no subscriber',
    );
  });
});

describe('broker stats across nodes', () => {
  it("adds up every node's figures on /topic/broker/stats, and says how many nodes that is", async () => {
    await clients.client(cluster.wsUrl(1));
    await clients.client(cluster.wsUrl(2));
    const watcher = await clients.client(cluster.wsUrl(0));
    await subscribe(watcher, 'stats', '/topic/broker/stats');
    await until(
      () =>
        messagesOf(watcher).some((frame) => {
          const stats = JSON.parse(text(frame)) as { sessions: number; nodes?: number };
          return stats.nodes === 3 && stats.sessions >= 3;
        }),
      5_000,
      'figures of all three nodes, three sessions among them',
    );
  });
});

describe('user destinations across nodes', () => {
  it("reaches the login's sessions on every node, and nobody else", async () => {
    const aliceHere = await clients.client(cluster.wsUrl(0), 'alice');
    const aliceThere = await clients.client(cluster.wsUrl(2), 'alice');
    const bobThere = await clients.client(cluster.wsUrl(2), 'bob');
    for (const probe of [aliceHere, aliceThere, bobThere]) {
      await subscribe(probe, 'orders', '/user/queue/orders');
    }
    // The market's snapshot of open orders comes first on each subscription; a refresh then sends
    // the login's open orders from wherever the market runs to every session of the login.
    const before = [aliceHere, aliceThere, bobThere].map((probe) => messagesOf(probe).length);
    await sendWithReceipt(aliceHere, 'SEND', [['destination', '/app/market/refresh']], '');
    await until(
      () => messagesOf(aliceThere).length > before[1]! && messagesOf(aliceHere).length > before[0]!,
      5_000,
      "alice's refresh on both of her nodes",
    );
    expect(JSON.parse(text(messagesOf(aliceThere).at(-1)!))).toMatchObject({ type: 'open-orders' });
    // Bob's own request, sent once alice's answer is in, is answered the same way (by the market's
    // owner, over Redis, to bob's node): had alice's answer reached bob, it would come before his.
    await sendWithReceipt(
      bobThere,
      'SEND',
      [['destination', '/app/market/orders']],
      '{"clientOrderId":"bob"}',
    );
    await until(() => messagesOf(bobThere).length > before[2]!, 5_000, "the answer to bob's own request");
    expect(
      messagesOf(bobThere)
        .slice(before[2])
        .map((frame) => JSON.parse(text(frame))),
    ).toEqual([expect.objectContaining({ type: 'rejected', clientOrderId: 'bob' })]);
  });
});

describe('identities across nodes', () => {
  async function refused(node: number, login: string, passcode?: string): Promise<string | undefined> {
    const probe = await StompProbe.ws(cluster.wsUrl(node));
    const headers: Array<[string, string]> = [['login', login]];
    if (passcode !== undefined) headers.push(['passcode', passcode]);
    const answer = await probe.connect(headers);
    probe.close();
    return answer.command === 'ERROR' ? getHeader(answer.headers, 'code') : answer.command;
  }

  it('lets a guest minted on one node log in on every other with its passcode, and nobody without', async () => {
    const first = await StompProbe.ws(cluster.wsUrl(0));
    const minted = await first.connect();
    first.close();
    const login = getHeader(minted.headers, 'user-name') ?? '';
    const passcode = getHeader(minted.headers, 'guest-passcode') ?? '';
    for (const node of [1, 2]) {
      const probe = await clients.client(cluster.wsUrl(node), login, passcode);
      expect(probe.frames[0] && getHeader(probe.frames[0].headers, 'user-name')).toBe(login);
      expect(await refused(node, login)).toBe('STOMP_ERR_AUTH_FAILED');
    }
    // The secret every node signs with was made up once and kept in Redis.
    expect(await cluster.redis.exists(`${cluster.prefix}:identity:secret`)).toBe(1);
  });

  it('keeps a name claimed on one node claimed on all, as a scrypt hash in Redis', async () => {
    await clients.client(cluster.wsUrl(0), 'erin', 'erin’s passcode');
    expect(await refused(1, 'erin', 'a guess')).toBe('STOMP_ERR_AUTH_FAILED');
    expect(await refused(2, 'erin')).toBe('STOMP_ERR_AUTH_FAILED');
    await clients.client(cluster.wsUrl(2), 'erin', 'erin’s passcode');
    const record = await cluster.redis.hget(`${cluster.prefix}:identity:claims`, 'erin');
    expect(record).toMatch(/^scrypt\$/);
    expect(record).not.toContain('erin’s passcode');
  });
});

describe('queues across nodes', () => {
  it('gives each message to exactly one consumer, whichever node it is on', async () => {
    const consumers = await Promise.all([1, 2].map((index) => clients.client(cluster.wsUrl(index))));
    await Promise.all(consumers.map((probe) => subscribe(probe, 'work', '/queue/cluster.compete')));
    const producer = await clients.client(cluster.wsUrl(0));
    const count = 100;
    for (let i = 0; i < count; i++) {
      producer.send({ command: 'SEND', headers: [['destination', '/queue/cluster.compete']], body: `${i}` });
    }
    await sendWithReceipt(producer, 'SEND', [['destination', '/queue/cluster.compete']], 'last');
    const all = () => consumers.flatMap((probe) => messagesOf(probe).map(text));
    await until(() => all().length >= count + 1, 10_000, 'every queued message');
    const bodies = all();
    expect(new Set(bodies).size).toBe(bodies.length);
    expect(bodies.length).toBe(count + 1);
    // Round robin within a node, and both nodes read: each consumer got a share.
    for (const probe of consumers) expect(messagesOf(probe).length).toBeGreaterThan(0);
    // Sent in auto mode is consumed: every entry is acknowledged and deleted, its bytes uncounted.
    const stream = `${cluster.prefix}:q:/queue/cluster.compete`;
    await until(async () => (await cluster.redis.xlen(stream)) === 0, 5_000, 'the stream to empty');
    expect(await cluster.redis.hget(`${cluster.prefix}:q-bytes`, stream)).toBe('0');
  });

  it('keeps messages sent before anyone subscribes, and hands them to a consumer on another node', async () => {
    const producer = await clients.client(cluster.wsUrl(0));
    for (let i = 0; i < 5; i++) {
      await sendWithReceipt(producer, 'SEND', [['destination', '/queue/cluster.kept']], `kept ${i}`);
    }
    const consumer = await clients.client(cluster.wsUrl(2));
    await subscribe(consumer, 'late', '/queue/cluster.kept');
    await until(() => messagesOf(consumer).length === 5, 5_000, 'the kept messages');
    expect(messagesOf(consumer).map(text)).toEqual([0, 1, 2, 3, 4].map((i) => `kept ${i}`));
  });

  it('redelivers what a consumer leaves unacknowledged to a consumer on another node', async () => {
    const holder = await clients.client(cluster.wsUrl(1));
    await subscribe(holder, 'hold', '/queue/cluster.handback', 'client-individual');
    const producer = await clients.client(cluster.wsUrl(0));
    for (let i = 0; i < 3; i++) {
      await sendWithReceipt(producer, 'SEND', [['destination', '/queue/cluster.handback']], `job ${i}`);
    }
    await until(() => messagesOf(holder).length === 3, 5_000, 'the holder to get all three');
    const taker = await clients.client(cluster.wsUrl(2));
    await subscribe(taker, 'take', '/queue/cluster.handback', 'client-individual');
    // The holder leaves without acknowledging: its node hands the three back to the cluster.
    await sendWithReceipt(holder, 'UNSUBSCRIBE', [['id', 'hold']]);
    await until(() => messagesOf(taker).length === 3, 5_000, 'the three to move to the other node');
    expect(messagesOf(taker).map(text).sort()).toEqual(['job 0', 'job 1', 'job 2']);
    for (const message of messagesOf(taker)) expect(getHeader(message.headers, 'redelivered')).toBe('true');
  });

  it('redelivers a NACKed message to a consumer on another node', async () => {
    const consumers = await Promise.all([1, 2].map((index) => clients.client(cluster.wsUrl(index))));
    await Promise.all(
      consumers.map((probe) => subscribe(probe, 'nack', '/queue/cluster.nack', 'client-individual')),
    );
    const producer = await clients.client(cluster.wsUrl(0));
    await sendWithReceipt(producer, 'SEND', [['destination', '/queue/cluster.nack']], 'refused once');
    await until(() => consumers.some((probe) => messagesOf(probe).length === 1), 5_000, 'the first delivery');
    const [refuser, taker] =
      messagesOf(consumers[0]!).length === 1 ? consumers : [consumers[1]!, consumers[0]!];
    refuser!.send({
      command: 'NACK',
      headers: [['id', getHeader(messagesOf(refuser!)[0]!.headers, 'ack')!]],
    });
    await until(() => messagesOf(taker!).length === 1, 5_000, 'the redelivery on the other node');
    expect(text(messagesOf(taker!)[0]!)).toBe('refused once');
    expect(getHeader(messagesOf(taker!)[0]!.headers, 'redelivered')).toBe('true');
    expect(messagesOf(refuser!)).toHaveLength(1);
  });

  it('loses nothing receipted when a node holding deliveries is killed with SIGKILL mid-stream', async () => {
    const victim = await cluster.addNode();
    const doomed = await clients.client(cluster.wsUrl(victim));
    await subscribe(doomed, 'doomed', '/queue/cluster.sigkill', 'client-individual');
    const survivor = await clients.client(cluster.wsUrl(2));
    await subscribe(survivor, 'survivor', '/queue/cluster.sigkill', 'client-individual');
    // The survivor acknowledges everything it gets; the doomed consumer never does.
    const acked = new Set<string>();
    const ackAll = () => {
      for (const message of messagesOf(survivor)) {
        const id = getHeader(message.headers, 'ack')!;
        if (acked.has(id)) continue;
        acked.add(id);
        survivor.send({ command: 'ACK', headers: [['id', id]] });
      }
    };
    const producer = await clients.client(cluster.wsUrl(0));
    const receipted: string[] = [];
    const total = 300;
    for (let i = 0; i < total; i++) {
      if (i === total / 2) {
        await until(() => messagesOf(doomed).length > 0, 5_000, 'the doomed node to hold deliveries');
        await cluster.nodes[victim]!.kill();
      }
      await sendWithReceipt(producer, 'SEND', [['destination', '/queue/cluster.sigkill']], `m${i}`);
      receipted.push(`m${i}`);
      ackAll();
    }
    const held = messagesOf(doomed).map(text);
    expect(held.length).toBeGreaterThan(0);
    // Within the presence expiry (3 s) and a sweep, the survivor's node claims what the dead one held.
    const received = () => new Set(messagesOf(survivor).map(text));
    await until(
      () => {
        ackAll();
        return receipted.every((body) => received().has(body));
      },
      15_000,
      'every receipted message at the survivor',
    );
    const redelivered = messagesOf(survivor).filter((m) => getHeader(m.headers, 'redelivered') === 'true');
    expect(redelivered.map(text).sort()).toEqual(expect.arrayContaining(held.sort()));
  }, 60_000);
});
