/**
 * The core's side of the link port in a cluster, against a recording link: what the broker tells
 * a cluster and when, and what it does with what the cluster hands it. The Redis link itself is
 * tested with real processes in the server's `test/cluster/`; the local link by every other core
 * test, as every broker on its own has one.
 */
import { describe, expect, it } from 'vitest';
import { Broker } from '../../src/core/broker';
import type { BrokerLink, LinkHost, QueueBatch } from '../../src/core/broker-link';
import { BrokerError, BrokerErrorCode } from '../../src/core/errors';
import { OutboundMessage } from '../../src/core/message';
import type { Queue } from '../../src/core/queue';
import { connectClient, header, settle, text } from '../support/fake-transport';

class RecordingLink implements BrokerLink {
  delivery!: LinkHost;
  readonly calls: string[] = [];
  readonly enqueued: OutboundMessage[] = [];
  readonly consumed: string[] = [];
  readonly released: string[] = [];
  /** Settles the next `watch…` and `enqueue` calls: set to control when the cluster answers. */
  watchGate: Promise<void> = Promise.resolve();
  enqueueResult: () => Promise<void> = () => Promise.resolve();

  attach(delivery: LinkHost): void {
    this.delivery = delivery;
  }
  publishTopic(message: OutboundMessage): void {
    this.calls.push(`publishTopic ${message.destination} ${text(message.body)}`);
  }
  publishUser(login: string, message: OutboundMessage, deliveredHere: boolean): boolean {
    this.calls.push(`publishUser ${login} ${message.destination} ${deliveredHere}`);
    return true;
  }
  watchTopic(destination: string): Promise<void> {
    this.calls.push(`watchTopic ${destination}`);
    return this.watchGate;
  }
  remoteReaders = new Set<string>();
  hasRemoteSubscribers(destination: string): boolean {
    return this.remoteReaders.has(destination);
  }
  unwatchTopic(destination: string): void {
    this.calls.push(`unwatchTopic ${destination}`);
  }
  watchUser(login: string): Promise<void> {
    this.calls.push(`watchUser ${login}`);
    return this.watchGate;
  }
  unwatchUser(login: string): void {
    this.calls.push(`unwatchUser ${login}`);
  }
  enqueue(message: OutboundMessage): Promise<void> {
    return this.enqueueAll([message]);
  }
  openBatch(): QueueBatch {
    const messages: OutboundMessage[] = [];
    return {
      add: (message) => messages.push(message),
      stored: () => (messages.length === 0 ? undefined : this.enqueueAll(messages)),
    };
  }
  private enqueueAll(messages: readonly OutboundMessage[]): Promise<void> {
    this.calls.push(`enqueue ${messages.map((message) => text(message.body)).join(' ')}`);
    this.enqueued.push(...messages);
    return this.enqueueResult();
  }
  flushed(): undefined {
    return undefined;
  }
  queueAdded(): void {}
  queueDelivered(): void {}
  queueDemand(queue: Queue): void {
    this.calls.push(`demand ${queue.name} room ${queue.room()}`);
  }
  queueConsumed(_queue: Queue, messages: readonly OutboundMessage[]): void {
    this.consumed.push(...messages.map((message) => text(message.body)));
  }
  queueReleased(_queue: Queue, messages: readonly OutboundMessage[]): true {
    this.released.push(...messages.map((message) => text(message.body)));
    return true;
  }
  queueOrphaned(queue: Queue): void {
    this.queueReleased(queue, queue.takeWaiting());
  }
}

function clusteredBroker(): { broker: Broker; link: RecordingLink } {
  const link = new RecordingLink();
  const broker = new Broker({ link, limits: { maxUnackedPerSubscription: 3 } });
  return { broker, link };
}

/** A message as the cluster hands it over: from another node, or read from the cluster's queue. */
function fromCluster(destination: string, body: string): OutboundMessage {
  return new OutboundMessage(destination, `remote-${body}`, [], new TextEncoder().encode(body));
}

describe('a broker in a cluster', () => {
  it('watches a topic from its first local subscriber to its last, and publishes SENDs to the cluster', async () => {
    const { broker, link } = clusteredBroker();
    const [first, second] = [await connectClient(broker), await connectClient(broker)];
    first.send('SUBSCRIBE', { id: '1', destination: '/topic/a' });
    second.send('SUBSCRIBE', { id: '1', destination: '/topic/a' });
    first.send('SEND', { destination: '/topic/a' }, 'hello');
    first.send('UNSUBSCRIBE', { id: '1' });
    second.send('UNSUBSCRIBE', { id: '1' });
    await settle();
    expect(link.calls).toEqual([
      'watchTopic /topic/a',
      'publishTopic /topic/a hello',
      'unwatchTopic /topic/a',
    ]);
    expect([first.bodies(), second.bodies()]).toEqual([['hello'], ['hello']]);
  });

  it("holds a SUBSCRIBE's RECEIPT until the cluster routes the topic here", async () => {
    const { broker, link } = clusteredBroker();
    let confirm!: () => void;
    link.watchGate = new Promise((resolve) => (confirm = resolve));
    const client = await connectClient(broker);
    client.send('SUBSCRIBE', { id: '1', destination: '/topic/a', receipt: 'r1' });
    await settle();
    expect(client.received('RECEIPT')).toEqual([]);
    confirm();
    await settle();
    expect(header(client.last('RECEIPT'), 'receipt-id')).toBe('r1');
  });

  it('has subscribers for a topic read here or, as the cluster says, on another node', async () => {
    const { broker, link } = clusteredBroker();
    expect(broker.hasSubscribers('/topic/a')).toBe(false);
    link.remoteReaders.add('/topic/a');
    expect(broker.hasSubscribers('/topic/a')).toBe(true);
    const client = await connectClient(broker);
    client.send('SUBSCRIBE', { id: '1', destination: '/topic/b' });
    await settle();
    expect(broker.hasSubscribers('/topic/b')).toBe(true);
    expect(broker.hasLocalSubscribers('/topic/a')).toBe(false);
  });

  it('delivers what other nodes publish to local subscribers without sending it back', async () => {
    const { broker, link } = clusteredBroker();
    const client = await connectClient(broker);
    client.send('SUBSCRIBE', { id: '1', destination: '/topic/a' });
    await settle();
    link.delivery.deliverTopic(fromCluster('/topic/a', 'from afar'));
    await settle();
    expect(client.bodies()).toEqual(['from afar']);
    expect(link.calls).toEqual(['watchTopic /topic/a']);
  });

  it('watches a login while it has user subscriptions, and counts on the cluster for drops', async () => {
    const { broker, link } = clusteredBroker();
    const alice = await connectClient(broker, { login: 'alice', passcode: 'alice' });
    alice.send('SUBSCRIBE', { id: '1', destination: '/user/queue/fills' });
    alice.send('SUBSCRIBE', { id: '2', destination: '/user/queue/orders' });
    await settle();
    broker.sendToUser('alice', '/queue/fills', 'fill');
    broker.sendToUser('bob', '/queue/fills', 'not here');
    alice.send('UNSUBSCRIBE', { id: '1' });
    alice.send('UNSUBSCRIBE', { id: '2' });
    await settle();
    expect(link.calls).toEqual([
      'watchUser alice',
      'publishUser alice /user/queue/fills true',
      'publishUser bob /user/queue/fills false',
      'unwatchUser alice',
    ]);
    expect(alice.bodies()).toEqual(['fill']);
  });

  it('stores queue SENDs in the cluster, and sends the RECEIPT once they are stored', async () => {
    const { broker, link } = clusteredBroker();
    let store!: () => void;
    link.enqueueResult = () => new Promise((resolve) => (store = resolve));
    const producer = await connectClient(broker);
    producer.send('SEND', { destination: '/queue/jobs', receipt: 'r1' }, 'job');
    await settle();
    expect(link.enqueued.map((message) => text(message.body))).toEqual(['job']);
    expect(producer.received('RECEIPT')).toEqual([]);
    expect(broker.stats().queueDepths).toEqual({});
    store();
    await settle();
    expect(header(producer.last('RECEIPT'), 'receipt-id')).toBe('r1');
  });

  it('answers a queue SEND the cluster could not store with an ERROR naming its receipt', async () => {
    const { broker, link } = clusteredBroker();
    link.enqueueResult = () =>
      Promise.reject(new BrokerError(BrokerErrorCode.UNAVAILABLE, 'queue /queue/jobs is unavailable'));
    const producer = await connectClient(broker);
    producer.send('SEND', { destination: '/queue/jobs', receipt: 'r1' }, 'job');
    await settle();
    expect(producer.error()).toMatchObject({ code: 'STOMP_ERR_UNAVAILABLE', receiptId: 'r1', close: 1013 });
    expect(producer.received('RECEIPT')).toEqual([]);
  });

  it("stores a COMMIT's queue SENDs in one step, and sends the COMMIT's RECEIPT once they are stored", async () => {
    const { broker, link } = clusteredBroker();
    let store!: () => void;
    link.enqueueResult = () => new Promise((resolve) => (store = resolve));
    const producer = await connectClient(broker);
    producer.send('BEGIN', { transaction: 't' });
    producer.send('SEND', { destination: '/queue/a', transaction: 't' }, 'one');
    producer.send('SEND', { destination: '/topic/news', transaction: 't' }, 'news');
    producer.send('SEND', { destination: '/queue/b', transaction: 't' }, 'two');
    producer.send('COMMIT', { transaction: 't', receipt: 'c' });
    await settle();
    expect(link.calls.filter((call) => call.startsWith('enqueue'))).toEqual(['enqueue one two']);
    expect(producer.received('RECEIPT')).toEqual([]);
    store();
    await settle();
    expect(header(producer.last('RECEIPT'), 'receipt-id')).toBe('c');
  });

  it("asks the cluster for what its consumers' windows can take, and reports what they consumed", async () => {
    const { broker, link } = clusteredBroker();
    const consumer = await connectClient(broker);
    consumer.send('SUBSCRIBE', { id: '1', destination: '/queue/jobs', ack: 'client-individual' });
    await settle();
    expect(link.calls).toEqual(['demand /queue/jobs room 3']);
    const queue = link.delivery.localQueue('/queue/jobs')!;
    for (const body of ['a', 'b', 'c']) queue.accept(fromCluster('/queue/jobs', body), false);
    await settle();
    expect(consumer.bodies()).toEqual(['a', 'b', 'c']);
    expect(queue.room()).toBe(0);
    consumer.send('ACK', { id: header(consumer.messages()[1]!, 'ack')! });
    await settle();
    expect(link.consumed).toEqual(['b']);
    expect(queue.room()).toBe(1);
  });

  it('reports messages consumed as they are sent to an auto subscriber', async () => {
    const { broker, link } = clusteredBroker();
    const consumer = await connectClient(broker);
    consumer.send('SUBSCRIBE', { id: '1', destination: '/queue/jobs' });
    await settle();
    link.delivery.localQueue('/queue/jobs')!.accept(fromCluster('/queue/jobs', 'a'), false);
    await settle();
    expect(consumer.bodies()).toEqual(['a']);
    expect(link.consumed).toEqual(['a']);
  });

  it('redelivers a NACKed message to another local consumer, or hands it to the cluster when there is none', async () => {
    const { broker, link } = clusteredBroker();
    const [first, second] = [await connectClient(broker), await connectClient(broker)];
    first.send('SUBSCRIBE', { id: '1', destination: '/queue/jobs', ack: 'client-individual' });
    await settle();
    const queue = link.delivery.localQueue('/queue/jobs')!;
    queue.accept(fromCluster('/queue/jobs', 'alone'), false);
    await settle();
    first.send('NACK', { id: header(first.messages()[0]!, 'ack')! });
    await settle();
    expect(link.released).toEqual(['alone']);

    second.send('SUBSCRIBE', { id: '1', destination: '/queue/jobs', ack: 'client-individual' });
    await settle();
    queue.accept(fromCluster('/queue/jobs', 'shared'), false);
    await settle();
    const [holder, other] = first.bodies().includes('shared') ? [first, second] : [second, first];
    holder.send('NACK', { id: header(holder.messages().at(-1)!, 'ack')! });
    await settle();
    expect(other.bodies()).toEqual(['shared']);
    expect(header(other.messages()[0]!, 'redelivered')).toBe('true');
    expect(link.released).toEqual(['alone']);
  });

  it('hands back to the cluster what its last consumer leaves unacknowledged', async () => {
    const { broker, link } = clusteredBroker();
    const consumer = await connectClient(broker);
    consumer.send('SUBSCRIBE', { id: '1', destination: '/queue/jobs', ack: 'client' });
    await settle();
    const queue = link.delivery.localQueue('/queue/jobs')!;
    for (const body of ['a', 'b']) queue.accept(fromCluster('/queue/jobs', body), false);
    consumer.send('UNSUBSCRIBE', { id: '1' });
    await settle();
    expect(link.released).toEqual(['a', 'b']);
    expect(link.consumed).toEqual([]);
    expect(link.delivery.localQueue('/queue/jobs')).toBeUndefined();
  });
});
