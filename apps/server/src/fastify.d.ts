/** Decorators the plugins add, declared in one place. */

import type { ClusterBus } from './cluster/bus';
import type { ClusterNode } from './cluster/node';
import type { ServerConfig } from './config';
import type { Broker } from './core/broker';
import type { BrokerMetrics } from './plugins/metrics';
import type { BrokerStatsService } from './services/broker-stats/service';
import type { GameService } from './services/game/service';
import type { MarketService } from './services/market/service';
import type { StompTcpListener } from './transports/tcp';

declare module 'fastify' {
  interface FastifyInstance {
    readonly config: ServerConfig;
    /** This process as a cluster node (`REDIS_URL` set), or `null` when it runs on its own. */
    readonly cluster: ClusterNode | null;
    readonly broker: Broker;
    /** How the broker's messages cross nodes, or `null` on a node on its own. */
    readonly clusterBus: ClusterBus | null;
    readonly brokerMetrics: BrokerMetrics;
    /** Publishes the broker's own stats on `/topic/broker/stats` once a second. */
    readonly brokerStats: BrokerStatsService;
    /** The market service, or `null` when `MARKET_ENABLED=false`. */
    readonly market: MarketService | null;
    /** The game service, or `null` when `GAME_ENABLED=false`. */
    readonly game: GameService | null;
    /** The STOMP-over-TCP listener, or `null` when turned off. */
    readonly stompTcp: StompTcpListener | null;
  }
}
