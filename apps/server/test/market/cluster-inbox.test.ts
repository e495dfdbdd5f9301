/**
 * The market's inbox and ownership in one process, on the real Redis: the moments a test with
 * whole processes cannot pick, such as an owner that died after saving a batch but before trimming
 * it from the stream, set up by hand.
 */
import { randomBytes } from 'node:crypto';
import { Broker, BrokerError, BrokerErrorCode, ClusterNode } from '@stomping-ground/broker';
import { connectClient, settle, text } from '@stomping-ground/broker/testing';
import { MarketDestination, type OrderEvent } from '@stomping-ground/protocol';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { leaseKeys } from '../../src/cluster/lease';
import {
  compareStreamIds,
  decodeRequest,
  encodeRequest,
  nextStreamId,
  RedisMarketInbox,
} from '../../src/cluster/market/inbox';
import {
  createRedisMarket,
  decodeStoredState,
  encodeStoredState,
  MARKET_LEASE,
  marketKeys,
  type RedisMarketOwnership,
} from '../../src/cluster/market/ownership';
import type { MarketRequest } from '../../src/services/market/requests';
import { MarketService } from '../../src/services/market/service';
import { splitCandles } from '../../src/services/market/state';
import { deleteKeys, TEST_REDIS_URL } from '../support/cluster';
import { until } from '../support/raw';
import { freePort } from '../support/server-process';

const encoder = new TextEncoder();

function orderRequest(login: string, order: Record<string, unknown>): MarketRequest {
  return {
    login,
    sessionId: `session-${login}`,
    destination: MarketDestination.placeOrder,
    bodies: [
      encoder.encode(JSON.stringify({ symbol: 'ACME', side: 'buy', type: 'limit', quantity: 1, ...order })),
    ],
    basket: false,
  };
}

describe('inbox entries', () => {
  it('carry a request field by field, bodies byte for byte, a basket in order', () => {
    const request: MarketRequest = {
      login: 'alice',
      sessionId: 's-1',
      destination: MarketDestination.placeOrder,
      // Not UTF-8: what the client sent is what the owner parses, refusals included.
      bodies: [encoder.encode('{"clientOrderId":"a"}'), new Uint8Array([0xff, 0xfe, 0x00, 0x7b])],
      basket: true,
    };
    const fields = encodeRequest(request).map((field) => Buffer.from(field));
    expect(decodeRequest(fields)).toEqual(request);
    expect(decodeRequest(fields.slice(0, 6))).toBeUndefined();
  });

  it('are ordered by id, milliseconds then sequence', () => {
    expect(compareStreamIds('5-0', '10-0')).toBeLessThan(0);
    expect(compareStreamIds('10-2', '10-10')).toBeLessThan(0);
    expect(compareStreamIds('10-3', '10-3')).toBe(0);
    expect(compareStreamIds('11-0', '10-99')).toBeGreaterThan(0);
    expect(nextStreamId('10-3')).toBe('10-4');
    expect(() => compareStreamIds('10', '10-0')).toThrow(RangeError);
  });
});

describe('the inbox when Redis is away', () => {
  it('refuses a request with STOMP_ERR_UNAVAILABLE, and counts it, rather than drop it', async () => {
    const node = new ClusterNode({ url: `redis://127.0.0.1:${await freePort()}`, prefix: 'unreachable' });
    await node.start(100);
    try {
      const inbox = new RedisMarketInbox(node);
      const refused = await inbox
        .append(orderRequest('alice', { clientOrderId: 'x' }))
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(BrokerError);
      expect((refused as BrokerError).code).toBe(BrokerErrorCode.UNAVAILABLE);
      expect(node.stats().drops).toEqual({ 'market-request': 1 });
    } finally {
      await node.close();
    }
  });
});

describe('an owner taking over', () => {
  let prefix: string;
  let redis: Redis;
  let node: ClusterNode;
  let cluster: RedisMarketOwnership | undefined;

  beforeEach(async () => {
    prefix = `test-${randomBytes(4).toString('hex')}`;
    redis = new Redis(TEST_REDIS_URL);
    node = new ClusterNode({ url: TEST_REDIS_URL, prefix, nodeId: 'taker' });
    await node.start();
  });

  afterEach(async () => {
    await cluster?.close();
    await node.close();
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  it('applies only the entries after the one saved with the state, each once, and trims them', async () => {
    // A previous owner applied and saved `first`, then died before trimming it from the stream.
    const previous = new MarketService(new Broker(), { updatesPerSecond: 0 });
    const first = orderRequest('alice', { clientOrderId: 'first', price: 4000 });
    const second = orderRequest('alice', { clientOrderId: 'second', price: 4001 });
    const inbox = new RedisMarketInbox(node);
    await inbox.append(first);
    await inbox.append(second);
    const [firstId, secondId] = (await redis.xrange(inbox.key, '-', '+')).map(([id]) => id);
    previous.apply(first);
    const saved = splitCandles(previous.toState()).state;
    await redis.set(
      marketKeys(node).state,
      encodeStoredState({ inbox: firstId!, savedAt: Date.now(), state: saved }),
    );

    const taker = participant(node);
    const { market } = taker;
    cluster = taker.ownership;
    const alice = await connectClient(taker.broker, { login: 'alice', passcode: 'alice' });
    alice.send('SUBSCRIBE', { id: 'orders', destination: MarketDestination.orderEvents });
    await settle();
    await cluster.start();

    await until(async () => (await redis.xlen(inbox.key)) === 0, 5_000, 'the inbox to be trimmed');
    expect(cluster.owner).toBe(true);
    const open = market.toState().exchange.open.map(({ order }) => [order.orderId, order.clientOrderId]);
    expect(open).toEqual([
      ['o1', 'first'],
      ['o2', 'second'],
    ]);
    const stored = decodeStoredState((await redis.get(marketKeys(node).state))!);
    expect(stored.inbox).toBe(secondId);
    expect(stored.state.exchange.open).toHaveLength(2);
    // Its messages went out once the save was done: `second`'s acceptance, and no word of `first`.
    await until(() => alice.messages().length === 2, 5_000, 'the acceptance of the second order');
    const events = alice.messages().map((frame) => JSON.parse(text(frame.body)) as OrderEvent);
    expect(events.map((event) => event.type)).toEqual(['open-orders', 'accepted']);
    expect(events[1]).toMatchObject({ order: { clientOrderId: 'second', orderId: 'o2' } });
  });

  it('hands the market over on close, saved, so that another node takes it up at once', async () => {
    const other = new ClusterNode({ url: TEST_REDIS_URL, prefix, nodeId: 'other' });
    await other.start();
    const first = participant(node);
    const second = participant(other);
    try {
      await first.ownership.start();
      await until(() => first.ownership.owner, 5_000, 'the first node to own the market');
      await second.ownership.start();
      await first.inbox.append(orderRequest('alice', { clientOrderId: 'kept', price: 4000 }));
      await until(() => first.market.toState().exchange.open.length === 1, 5_000, 'the order applied');

      await first.ownership.close();
      // Released, not left to expire: the lease is free (or already taken) the moment close returns.
      expect([null, 'other']).toContain(await redis.get(leaseKeys(node, MARKET_LEASE).lease));
      await until(() => second.ownership.owner, 5_000, 'the second node to take the market');
      const open = second.market.toState().exchange.open.map(({ order }) => order.clientOrderId);
      expect(open).toEqual(['kept']);
    } finally {
      await first.ownership.close();
      await second.ownership.close();
      await other.close();
    }
  });
});

/** A node's market, wired as the plugin wires it in cluster mode. */
function participant(on: ClusterNode) {
  const broker = new Broker();
  return { broker, ...createRedisMarket(on, broker, { updatesPerSecond: 0 }) };
}
