/**
 * The broker core, created once per app from the validated config and shared as `app.broker`.
 * In cluster mode its messages also travel through the cluster bus (`src/cluster/bus.ts`).
 * Its `preClose` hook runs before the transports' own, so every session is told "server shutting
 * down" (ERROR, then close 1001) while the listeners still stand.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { ClusterBus } from '../cluster/bus';
import { demoAuthenticator } from '../core/auth';
import { Broker } from '../core/broker';

export const SERVER_NAME = 'stomping-ground/0.1.0';

const brokerPlugin: FastifyPluginAsync = async (app) => {
  const { config } = app;
  const bus =
    app.cluster === null ? null : new ClusterBus(app.cluster, app.log.child({ component: 'cluster' }));
  const broker = new Broker({
    cluster: bus ?? undefined,
    serverName: SERVER_NAME,
    authenticator: demoAuthenticator(config.users),
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
    logger: app.log.child({ component: 'broker' }),
  });
  app.brokerMetrics.watch(broker, bus);
  app.decorate('broker', broker);
  app.decorate('clusterBus', bus);
  await bus?.start();
  app.addHook('preClose', async () => {
    await broker.shutdown('server shutting down');
  });
  app.addHook('onClose', async () => {
    bus?.stop();
  });
};

export default fp(brokerPlugin, { name: 'broker', fastify: '5.x', dependencies: ['metrics', 'cluster'] });
