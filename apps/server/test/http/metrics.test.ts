/**
 * `/metrics` beyond the broker's own counters: the game's figures (rooms, players, tick time,
 * snapshot bytes) and the market's (orders, fills, rejects), and cluster figures only in cluster
 * mode (a node on its own has none, rather than a `stomp_cluster_up 0` that reads as an outage).
 */
import { MarketDestination } from '@stomping-ground/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GamePeer } from '../game/game-peer';
import { type RunningServer, startServer } from '../support/app';
import { ProbePool, sendWithReceipt, until } from '../support/raw';

let server: RunningServer;
const pool = new ProbePool(() => server);
const peers: GamePeer[] = [];

beforeAll(async () => {
  // Users' orders only, so that every order counted is one of the test's.
  server = await startServer({ market: { enabled: true, updatesPerSecond: 0 } });
});

afterAll(async () => {
  for (const peer of peers) peer.probe.close();
  await pool.closeAll();
  await server.close();
});

async function scrape(): Promise<string> {
  const response = await fetch(`${server.httpUrl}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

/** The value of one series (its name and labels exactly as exported), or undefined when absent. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics', () => {
  it('has no cluster figures on a node on its own', async () => {
    expect(await scrape()).not.toContain('stomp_cluster_');
  });

  it("exports the game's rooms, players, tick time and snapshot bytes", async () => {
    const peer = await GamePeer.open(server);
    peers.push(peer);
    await peer.play();
    // The peer's own snapshot stream is flowing once one arrives.
    await peer.probe.waitFor(() => peer.probe.messages.length > 0, 5_000, 'a snapshot');
    let text = '';
    await until(
      async () => {
        text = await scrape();
        return (value(text, 'game_snapshot_bytes_total{kind="player"}') ?? 0) > 0;
      },
      5_000,
      'snapshot bytes on /metrics',
    );
    expect(value(text, 'game_rooms')).toBe(1);
    expect(value(text, 'game_players{kind="person"}')).toBe(1);
    // Bots fill the room up to GAME_MIN_PLAYERS (4 in the tests' configuration).
    expect(value(text, 'game_players{kind="bot"}')).toBe(3);
    expect(value(text, 'game_ticks_total')).toBeGreaterThan(0);
    expect(value(text, 'game_tick_seconds{stat="mean"}')).toBeGreaterThan(0);
    expect(value(text, 'game_tick_seconds{stat="p99"}')).toBeGreaterThanOrEqual(
      value(text, 'game_tick_seconds{stat="mean"}') ?? Number.POSITIVE_INFINITY,
    );
    expect(text).toMatch(/^game_inputs_total\{result="accepted"\} \d+$/m);
  });

  it("exports the market's orders, fills and rejects", async () => {
    const order = (probe: Awaited<ReturnType<ProbePool['client']>>, fields: Record<string, unknown>) =>
      sendWithReceipt(
        probe,
        'SEND',
        [
          ['destination', MarketDestination.placeOrder],
          ['content-type', 'application/json'],
        ],
        JSON.stringify(fields),
      );
    const alice = await pool.client('ws', 'alice', 'alice');
    const bob = await pool.client('ws', 'bob', 'bob');
    const lot = { symbol: 'STRK', type: 'limit', quantity: 20, price: 61_200 };
    await order(alice, { clientOrderId: 'a-1', side: 'buy', ...lot });
    await order(bob, { clientOrderId: 'b-1', side: 'sell', ...lot });
    await order(bob, { clientOrderId: 'b-2', side: 'sell', ...lot, symbol: 'NOPE' });

    const text = await scrape();
    expect(value(text, 'market_orders_total{source="user"}')).toBe(2);
    expect(value(text, 'market_orders_total{source="simulated"}')).toBe(0);
    expect(value(text, 'market_fills_total')).toBe(1);
    expect(value(text, 'market_rejects_total{reason="unknown-symbol"}')).toBe(1);
  });
});
