/** Decorators the plugins add, declared in one place. */

import type { ServerConfig } from './config';
import type { Broker } from './core/broker';
import type { BrokerMetrics } from './plugins/metrics';
import type { StompTcpListener } from './transports/tcp';

declare module 'fastify' {
  interface FastifyInstance {
    readonly config: ServerConfig;
    readonly broker: Broker;
    readonly brokerMetrics: BrokerMetrics;
    /** The STOMP-over-TCP listener, or `null` when turned off. */
    readonly stompTcp: StompTcpListener | null;
  }
}
