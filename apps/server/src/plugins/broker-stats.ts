/**
 * The broker's stats on `/topic/broker/stats` (see `services/broker-stats`), shared as
 * `app.brokerStats`: published once a second from when the server is ready until it closes; in a
 * cluster, the whole cluster's figures.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { ClusterTotals } from '../services/broker-stats/cluster-totals';
import { BrokerStatsService } from '../services/broker-stats/service';

const brokerStatsPlugin: FastifyPluginAsync<{ intervalMs?: number }> = async (app, options) => {
  const service = new BrokerStatsService(app.broker, {
    intervalMs: options.intervalMs ?? 1000,
    cluster: app.cluster === null ? undefined : new ClusterTotals(app.cluster),
  });
  app.decorate('brokerStats', service);
  app.addHook('onReady', async () => {
    service.start();
  });
  app.addHook('onClose', async () => {
    await service.close();
  });
};

export default fp(brokerStatsPlugin, {
  name: 'broker-stats',
  fastify: '5.x',
  dependencies: ['broker', 'cluster'],
});
