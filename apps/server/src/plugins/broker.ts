/**
 * The broker (`@stomping-ground/broker`'s `stompBroker`), configured from the validated config:
 * STOMP over WebSocket at `/ws` and over TCP on `STOMP_TCP_PORT`, shared as `app.broker`.
 * In cluster mode its messages also travel through the Redis link (`ClusterBus`); on a node of its
 * own its queues are kept in SQLite under `DATA_DIR` (`SqliteQueueStore`), restored when the
 * broker is created, before any listener starts, and closed after the transports.
 */

import {
  type Authenticator,
  ClusterBus,
  type ClusterNode,
  identityAuthenticator,
  MemoryClaimStore,
  RedisClaimStore,
  randomSecret,
  redisSharedSecret,
  type SecretSource,
  SqliteQueueStore,
  stompBroker,
} from '@stomping-ground/broker';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { ServerConfig } from '../config';

const brokerPlugin: FastifyPluginAsync = async (app) => {
  const { config } = app;
  const bus =
    app.cluster === null ? null : new ClusterBus(app.cluster, app.log.child({ component: 'cluster' }));
  const restoreStarted = performance.now();
  const restoreCpu = process.cpuUsage();
  // `DATA_DIR=:memory:` keeps queues in memory only, as a cluster node does (its queues are in Redis).
  const store =
    bus === null && config.dataDir !== ':memory:'
      ? new SqliteQueueStore({ dataDir: config.dataDir, logger: app.log.child({ component: 'queue-store' }) })
      : null;
  await app.register(stompBroker, {
    broker: {
      link: bus ?? undefined,
      queueStore: store ?? undefined,
      authenticator: authenticatorFor(config, app.cluster),
      connectTimeoutMs: config.connectTimeoutMs,
      slowConsumerGraceMs: config.connectionLimits.slowConsumerGraceMs,
      heartBeat: config.heartBeat,
      limits: {
        preLogin: { maxFrameBytes: config.preLoginMaxFrameBytes, maxBodyBytes: config.preLoginMaxFrameBytes },
        postLogin: { maxFrameBytes: config.maxFrameBytes, maxBodyBytes: config.maxFrameBytes },
        maxOutboundBytes: config.connectionLimits.maxOutboundBytes,
        maxPreLoginConnections: config.connectionLimits.maxPreLoginConnections,
        maxPreLoginConnectionsPerAddress: config.connectionLimits.maxPreLoginConnectionsPerAddress,
      },
      observer: app.brokerMetrics.observer,
    },
    websocket: { allowedOrigins: config.allowedOrigins, perMessageDeflate: config.perMessageDeflate },
    tcp: config.tcp ?? false,
    closeGraceMs: config.closeGraceMs,
  });
  const { broker } = app;
  if (store === null) {
    app.log.info(
      { reason: bus === null ? 'DATA_DIR=:memory:' : 'cluster mode: queues are in Redis' },
      'queues kept in memory only on this node',
    );
  } else {
    app.log.info(
      {
        location: store.location,
        messages: broker.restored.messages,
        queues: broker.restored.queues,
        ms: Math.round(performance.now() - restoreStarted),
        // On a busy machine the wall time says more about the machine: the CPU time is the work.
        cpuMs: cpuMs(process.cpuUsage(restoreCpu)),
      },
      'queues restored',
    );
  }
  app.brokerMetrics.watch(broker, bus);
  app.decorate('clusterBus', bus);
  await bus?.start();
  app.addHook('onClose', async () => {
    bus?.stop();
    await store?.close();
  });
};

function cpuMs(usage: NodeJS.CpuUsage): number {
  return Math.round((usage.user + usage.system) / 1000);
}

/**
 * Fixed accounts from `STOMP_USERS`; guests and claimed names unless `STOMP_GUESTS=off`. In a
 * cluster, claims and (when `IDENTITY_SECRET` is unset) the guest-signing secret live in Redis.
 */
function authenticatorFor(config: ServerConfig, cluster: ClusterNode | null): Authenticator {
  const { guests, secret, maxClaims } = config.identities;
  const configured = secret === undefined ? undefined : Buffer.from(secret, 'utf8');
  let source: SecretSource;
  if (configured !== undefined) source = async () => configured;
  else source = cluster === null ? randomSecret() : redisSharedSecret(cluster);
  return identityAuthenticator({
    users: config.users,
    guests,
    claims: cluster === null ? new MemoryClaimStore(maxClaims) : new RedisClaimStore(cluster, maxClaims),
    secret: source,
  });
}

export default fp(brokerPlugin, { name: 'broker', fastify: '5.x', dependencies: ['metrics', 'cluster'] });
