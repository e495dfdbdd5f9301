/**
 * `buildApp()`: the whole server as a Fastify instance, every concern a plugin. It never listens:
 * `main.ts` does, and tests call `listen({ port: 0 })`.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { AccessLogController } from './access-log';
import type { ServerConfig } from './config';
import brokerPlugin from './plugins/broker';
import brokerStatsPlugin from './plugins/broker-stats';
import clusterPlugin from './plugins/cluster';
import gamePlugin from './plugins/game';
import handshakeLabPlugin from './plugins/handshake-lab';
import healthPlugin from './plugins/health';
import lessonsPlugin from './plugins/lessons';
import marketPlugin from './plugins/market';
import metricsPlugin from './plugins/metrics';
import pagesPlugin from './plugins/pages';

export interface BuildAppOptions {
  /** Fastify's logger option; defaults to JSON logs at the configured level. */
  readonly logger?: FastifyServerOptions['logger'];
}

export async function buildApp(
  config: ServerConfig,
  options: BuildAppOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    // Requests that went well at debug; refusals, failures and errors still logged.
    logController: new AccessLogController(),
    // Behind a reverse proxy the client's address comes from X-Forwarded-For, believed only from
    // the proxies configured (by default one on this machine): anyone else could forge it.
    trustProxy: config.trustProxy,
    // A client that trickles an HTTP request (headers or body) holds a socket; it gets 30 s in all.
    // (An upgraded WebSocket is no longer an HTTP request and is not subject to it.)
    requestTimeout: 30_000,
  });
  app.decorate('config', config);
  await app.register(metricsPlugin);
  await app.register(clusterPlugin);
  await app.register(brokerPlugin);
  await app.register(brokerStatsPlugin);
  await app.register(marketPlugin);
  await app.register(gamePlugin);
  await app.register(healthPlugin);
  await app.register(handshakeLabPlugin);
  await app.register(pagesPlugin);
  await app.register(lessonsPlugin);
  return app;
}
