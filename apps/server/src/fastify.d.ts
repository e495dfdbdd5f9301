/** Decorators the server's plugins add, declared in one place (`broker` and `stompTcp` are declared by `@stomping-ground/broker`). */

import type { ClusterBus, ClusterNode } from '@stomping-ground/broker';
import type { ServerConfig } from './config';
import type { BrokerMetrics } from './plugins/metrics';
import type { BrokerStatsService } from './services/broker-stats/service';
import type { GameService } from './services/game/service';
import type { MarketService } from './services/market/service';

declare module 'fastify' {
  interface FastifyInstance {
    readonly config: ServerConfig;
    /** This process as a cluster node (`REDIS_URL` set), or `null` when it runs on its own. */
    readonly cluster: ClusterNode | null;
    /** How the broker's messages cross nodes, or `null` on a node on its own. */
    readonly clusterBus: ClusterBus | null;
    readonly brokerMetrics: BrokerMetrics;
    /** Publishes the broker's own stats on `/topic/broker/stats` once a second. */
    readonly brokerStats: BrokerStatsService;
    /** The market service, or `null` when `MARKET_ENABLED=false`. */
    readonly market: MarketService | null;
    /** The game service, or `null` when `GAME_ENABLED=false`. */
    readonly game: GameService | null;
  }
}
