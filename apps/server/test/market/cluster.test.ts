/**
 * The market in a cluster of real server processes on the real Redis: one node owns it (the
 * `market` lease), every node takes orders and forwards them to the owner through the inbox stream,
 * and when the owner is killed outright (SIGKILL) another takes over from the state saved in Redis
 * with nothing receipted lost.
 *
 * The tests run in order on one cluster, each building on what the one before left: the orders
 * placed in one are the resting orders and positions the next checks after a failover. The
 * simulation is off, so the books hold only the tests' own orders and every fill is predictable.
 */

import { BrokerErrorCode } from '@stomping-ground/broker';
import {
  type Frame,
  MarketDestination,
  type OrderEvent,
  type OrderState,
  type Portfolio,
} from '@stomping-ground/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARKET_LEASE } from '../../src/cluster/market/ownership';
import { nodeRoles, startCluster, type TestCluster } from '../support/cluster';
import { ClusterClients } from '../support/cluster-clients';
import type { StompProbe } from '../support/probe';
import { header, nextFrame, sendWithReceipt, subscribe, text, until } from '../support/raw';
import { TestRedisServer } from '../support/redis-server';

/** A failover must finish within this: the lease expires within 3 s, and is taken within a second. */
const FAILOVER_BOUND_MS = 10_000;

let cluster: TestCluster;
const clients = new ClusterClients();

beforeAll(async () => {
  cluster = await startCluster(3, { GAME_ENABLED: 'false' });
}, 60_000);

afterAll(async () => {
  await clients.closeAll();
  await cluster?.close();
});

/** The indexes of the running nodes whose `/healthz` lists the `market` role. */
async function owners(): Promise<number[]> {
  const found: number[] = [];
  for (const [index, node] of cluster.nodes.entries()) {
    if (node.running && (await nodeRoles(node)).includes(MARKET_LEASE)) found.push(index);
  }
  return found;
}

/** Waits until exactly one running node owns the market; returns its index. */
async function owner(timeoutMs = FAILOVER_BOUND_MS): Promise<number> {
  let found: number[] = [];
  await until(
    async () => {
      found = await owners();
      return found.length === 1;
    },
    timeoutMs,
    'exactly one node to own the market',
  );
  return found[0]!;
}

/** A running node other than `owner`, the one after it first. */
function follower(ownerIndex: number, skip = 0): number {
  const running = cluster.nodes.map((node, index) => (node.running ? index : -1)).filter((i) => i >= 0);
  const others = running.filter((index) => index !== ownerIndex);
  const index = others[skip % others.length];
  if (index === undefined) throw new Error('no node besides the owner is running');
  return index;
}

const ORDERS = 'orders';
const PORTFOLIO = 'portfolio';

/** A logged-in user on one node, listening to their order events and portfolio. */
class Trader {
  private readonly read = new Map<string, number>();

  private constructor(readonly probe: StompProbe) {}

  /**
   * `login` is a demo user (alice, bob) with the passcode of its name, or a name claimed (in Redis,
   * for the whole cluster) with its name as passcode.
   */
  static async on(node: number, login: string): Promise<Trader> {
    const trader = new Trader(await clients.client(cluster.wsUrl(node), login, login));
    await subscribe(trader.probe, ORDERS, MarketDestination.orderEvents);
    await subscribe(trader.probe, PORTFOLIO, MarketDestination.portfolio);
    return trader;
  }

  frames(subscription: string): Frame[] {
    return this.probe.frames.filter(
      (frame) => frame.command === 'MESSAGE' && header(frame, 'subscription') === subscription,
    );
  }

  /** The next message on `subscription` not read yet, as JSON. */
  async next<T>(subscription: string, timeoutMs = 5_000): Promise<T> {
    const index = this.read.get(subscription) ?? 0;
    await this.probe.waitFor(
      () => this.frames(subscription).length > index,
      timeoutMs,
      `a MESSAGE on ${subscription}`,
    );
    this.read.set(subscription, index + 1);
    return JSON.parse(text(this.frames(subscription)[index]!)) as T;
  }

  /** Reads order events until one matches; the ones before it are passed over. */
  async event(match: (event: OrderEvent) => boolean, timeoutMs = 5_000): Promise<OrderEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const event = await this.next<OrderEvent>(ORDERS, Math.max(1, deadline - Date.now()));
      if (match(event)) return event;
    }
  }

  /** Reads portfolios until one matches. */
  async portfolio(match: (portfolio: Portfolio) => boolean, timeoutMs = 5_000): Promise<Portfolio> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const portfolio = await this.next<Portfolio>(PORTFOLIO, Math.max(1, deadline - Date.now()));
      if (match(portfolio)) return portfolio;
    }
  }

  /** SENDs an order and waits for its RECEIPT: from then on the order is stored in Redis. */
  order(order: Record<string, unknown>): Promise<void> {
    return sendWithReceipt(
      this.probe,
      'SEND',
      [
        ['destination', MarketDestination.placeOrder],
        ['content-type', 'application/json'],
      ],
      JSON.stringify(order),
    );
  }

  /** Asks for the portfolio and open orders again; returns both as the owner reports them. */
  async refresh(): Promise<{ portfolio: Portfolio; orders: readonly OrderState[] }> {
    const portfolios = this.frames(PORTFOLIO).length;
    const events = this.frames(ORDERS).length;
    await sendWithReceipt(this.probe, 'SEND', [['destination', MarketDestination.refresh]], '');
    // Everything before the refresh's answers is history now.
    this.read.set(PORTFOLIO, portfolios);
    this.read.set(ORDERS, events);
    const portfolio = await this.portfolio(() => true);
    const event = await this.event((e) => e.type === 'open-orders');
    return { portfolio, orders: event.type === 'open-orders' ? event.orders : [] };
  }
}

const acme = (portfolio: Portfolio) => portfolio.positions.find((p) => p.symbol === 'ACME')?.quantity ?? 0;
const ids = (orders: readonly OrderState[]) => orders.map((order) => order.clientOrderId).sort();

describe('the market in a cluster', () => {
  it('is owned by exactly one node, the holder of the market lease', async () => {
    const first = await owner();
    const lease = await cluster.redis.get(`${cluster.prefix}:lease:market`);
    expect(lease).toBe(`node-${first}`);
    // And it stays that way: no second owner appears while the first lives.
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await owners()).toEqual([first]);
    }
  });

  it('executes an order sent to a follower on the owner, and the sender hears of it and sees its portfolio', async () => {
    const owned = await owner();
    const alice = await Trader.on(follower(owned, 0), 'alice');
    const bob = await Trader.on(follower(owned, 1), 'bob');
    expect(await alice.next<OrderEvent>(ORDERS)).toEqual({ type: 'open-orders', orders: [] });
    expect(await alice.next<Portfolio>(PORTFOLIO)).toMatchObject({ login: 'alice', cash: 10_000_000 });

    await alice.order({
      clientOrderId: 'b-buy',
      symbol: 'ACME',
      side: 'buy',
      type: 'limit',
      quantity: 10,
      price: 4200,
    });
    const accepted = await alice.event((e) => e.type === 'accepted');
    expect(accepted).toMatchObject({ order: { clientOrderId: 'b-buy', status: 'open', quantity: 10 } });

    await bob.order({
      clientOrderId: 'b-sell',
      symbol: 'ACME',
      side: 'sell',
      type: 'limit',
      quantity: 10,
      price: 4200,
    });
    const fill = await alice.event((e) => e.type === 'fill');
    expect(fill).toMatchObject({
      order: { clientOrderId: 'b-buy', status: 'filled' },
      price: 4200,
      quantity: 10,
    });
    const portfolio = await alice.portfolio((p) => acme(p) === 10);
    expect(portfolio.cash).toBe(10_000_000 - 10 * 4200);
    await clients.closeAll();
  });

  it('fails over within seconds when the owner is killed, with resting orders and positions intact, and trades on', async () => {
    const killed = await owner();
    const alice = await Trader.on(follower(killed, 0), 'alice');
    const bob = await Trader.on(follower(killed, 1), 'bob');
    await alice.order({
      clientOrderId: 'c-rest',
      symbol: 'ACME',
      side: 'buy',
      type: 'limit',
      quantity: 5,
      price: 4100,
    });
    await alice.event((e) => e.type === 'accepted' && e.order.clientOrderId === 'c-rest');
    const before = await alice.refresh();
    expect(acme(before.portfolio)).toBe(10);
    expect(ids(before.orders)).toEqual(['c-rest']);

    const killedAt = Date.now();
    await cluster.nodes[killed]!.kill();
    const next = await owner();
    const failoverMs = Date.now() - killedAt;
    console.info(`market failover after SIGKILL: ${failoverMs} ms (node-${killed} to node-${next})`);
    expect(next).not.toBe(killed);
    expect(failoverMs).toBeLessThan(FAILOVER_BOUND_MS);

    // The new owner answers from the state the old one saved.
    const after = await alice.refresh();
    expect(after.portfolio).toEqual({ ...before.portfolio, time: after.portfolio.time });
    expect(after.orders).toEqual(before.orders);
    // So does a new subscriber's snapshot, on whichever node it asks.
    for (const index of [next, follower(next)]) {
      const fresh = await Trader.on(index, 'alice');
      expect(await fresh.next<OrderEvent>(ORDERS)).toEqual({ type: 'open-orders', orders: before.orders });
      expect(acme(await fresh.next<Portfolio>(PORTFOLIO))).toBe(10);
    }

    // And the market trades on: bob sells into the order that survived the failover.
    await bob.order({ clientOrderId: 'c-sell', symbol: 'ACME', side: 'sell', type: 'market', quantity: 5 });
    const fill = await alice.event((e) => e.type === 'fill' && e.order.clientOrderId === 'c-rest');
    expect(fill).toMatchObject({
      order: { status: 'filled', orderId: before.orders[0]!.orderId },
      price: 4100,
    });
    expect(acme(await alice.portfolio((p) => acme(p) === 15))).toBe(15);
    await clients.closeAll();
  }, 30_000);

  it('applies once each order receipted just before the owner is killed, or while no node owns the market', async () => {
    await cluster.addNode();
    const killed = await owner();
    const carol = await Trader.on(follower(killed), 'carol');
    await carol.next<OrderEvent>(ORDERS);

    // Receipted, then the owner dies at once: it may or may not have applied and saved it.
    await carol.order({
      clientOrderId: 'd-before',
      symbol: 'GLBX',
      side: 'buy',
      type: 'limit',
      quantity: 1,
      price: 11_000,
    });
    await cluster.nodes[killed]!.kill();
    // Receipted while the dead owner's lease has not expired yet: nobody can apply it now.
    await carol.order({
      clientOrderId: 'd-during',
      symbol: 'GLBX',
      side: 'buy',
      type: 'limit',
      quantity: 2,
      price: 11_005,
    });
    expect(await owners()).toEqual([]);

    const next = await owner();
    expect(next).not.toBe(killed);
    await carol.event(
      (e) => e.type === 'accepted' && e.order.clientOrderId === 'd-during',
      FAILOVER_BOUND_MS,
    );
    const { orders } = await carol.refresh();
    expect(ids(orders)).toEqual(['d-before', 'd-during']);
    // Each was given an order id once: none was applied twice.
    expect(new Set(orders.map((order) => order.orderId)).size).toBe(2);
    // The owner trims what it applied: the inbox is empty again.
    await until(
      async () => (await cluster.redis.xlen(`${cluster.prefix}:market:inbox`)) === 0,
      5_000,
      'the inbox to be trimmed',
    );
  }, 30_000);

  it('keeps the market in Redis: a node started after every node was killed takes up its orders and positions', async () => {
    await Promise.all(cluster.nodes.map((node) => node.kill()));
    const fresh = await cluster.addNode();
    expect(await owner()).toBe(fresh);
    const carol = await Trader.on(fresh, 'carol');
    const carolOrders = await carol.next<OrderEvent>(ORDERS);
    expect(carolOrders.type === 'open-orders' && ids(carolOrders.orders)).toEqual(['d-before', 'd-during']);
    const alice = await Trader.on(fresh, 'alice');
    expect(acme(await alice.next<Portfolio>(PORTFOLIO))).toBe(15);
  }, 30_000);
});

describe('the market in a cluster whose Redis is away', () => {
  let redis: TestRedisServer;
  let alone: TestCluster;

  beforeAll(async () => {
    redis = await TestRedisServer.start();
    alone = await startCluster(1, { GAME_ENABLED: 'false' }, redis.url);
  }, 30_000);

  afterAll(async () => {
    await alone?.close();
    await redis?.kill();
  });

  it('answers an order it cannot store with an ERROR, never a RECEIPT', async () => {
    const probe = await clients.client(alone.wsUrl(0), 'alice', 'alice');
    await redis.kill();
    probe.send({
      command: 'SEND',
      headers: [
        ['destination', MarketDestination.placeOrder],
        ['receipt', 'lost-order'],
      ],
      body: JSON.stringify({
        clientOrderId: 'e-1',
        symbol: 'ACME',
        side: 'buy',
        type: 'limit',
        quantity: 1,
        price: 4200,
      }),
    });
    const error = await nextFrame(probe);
    expect(error.command).toBe('ERROR');
    expect(header(error, 'code')).toBe(BrokerErrorCode.UNAVAILABLE);
    expect(header(error, 'receipt-id')).toBe('lost-order');
    expect(text(error)).toContain('not stored');
    await clients.closeAll();
  });
});
