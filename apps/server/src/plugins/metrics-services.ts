/**
 * The game's and the market's figures on `/metrics`, read from `app.game.stats()` and
 * `app.market.stats()` when Prometheus scrapes, so the tick loop and the matching engine only bump
 * plain counters. A service turned off (`GAME_ENABLED=false`, `MARKET_ENABLED=false`) adds nothing.
 */
import { Gauge, type Registry } from 'prom-client';
import type { GameService } from '../services/game/service';
import type { MarketService } from '../services/market/service';
import { readGauge, totalCounter, totalsCounter } from './metrics-totals';

export interface ServiceSources {
  readonly game: Pick<GameService, 'stats'> | null;
  readonly market: Pick<MarketService, 'stats'> | null;
}

export function registerServiceMetrics(registry: Registry, { game, market }: ServiceSources): void {
  if (game !== null) registerGameMetrics(registry, game);
  if (market !== null) registerMarketMetrics(registry, market);
}

function registerGameMetrics(registry: Registry, game: Pick<GameService, 'stats'>): void {
  new Gauge({
    name: 'game_rooms',
    help: 'Game rooms running on this node',
    registers: [registry],
    collect() {
      this.set(game.stats().rooms.length);
    },
  });
  readGauge(registry, 'game_players', 'People and bots in this node’s rooms, by kind', 'kind', () => {
    const rooms = game.stats().rooms;
    const sum = (pick: (room: (typeof rooms)[number]) => number) =>
      rooms.reduce((total, room) => total + pick(room), 0);
    return {
      person: sum((room) => room.players),
      bot: sum((room) => room.bots),
      spectator: sum((room) => room.spectators),
    };
  });
  readGauge(
    registry,
    'game_tick_seconds',
    'Time the tick loop took (every room together), over its last 1024 ticks: mean, p99 and max',
    'stat',
    () => {
      const { meanMs, p99Ms, maxMs } = game.stats().ticks;
      return { mean: meanMs / 1000, p99: p99Ms / 1000, max: maxMs / 1000 };
    },
  );
  totalCounter(registry, 'game_ticks_total', 'Ticks of the game loop', () => game.stats().ticks.count);
  totalsCounter(
    registry,
    'game_snapshot_bytes_total',
    'Snapshot payload bytes produced: a player’s own, and the room topics’ (binary, JSON) once per publish',
    'kind',
    () => game.stats().snapshotBytes,
  );
  totalsCounter(
    registry,
    'game_inputs_total',
    'Player inputs, accepted or rejected by reason',
    'result',
    () => {
      const { accepted, rejected } = game.stats().inputs;
      return { accepted, ...rejected };
    },
  );
}

function registerMarketMetrics(registry: Registry, market: Pick<MarketService, 'stats'>): void {
  totalsCounter(
    registry,
    'market_orders_total',
    'Orders that reached the exchange, by who placed them (user, simulated)',
    'source',
    () => market.stats().orders,
  );
  totalCounter(
    registry,
    'market_fills_total',
    'Trades: each match between two orders once',
    () => market.stats().fills,
  );
  totalsCounter(
    registry,
    'market_rejects_total',
    'Users’ requests refused, by reason',
    'reason',
    () => market.stats().rejects,
  );
}
