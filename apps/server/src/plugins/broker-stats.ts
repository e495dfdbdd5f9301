/**
 * The broker's stats on `/topic/broker/stats` (see `services/broker-stats`), shared as
 * `app.brokerStats`: published once a second from when the server is ready until it closes; in a
 * cluster, the whole cluster's figures.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { RedisStatsTotals } from '../cluster/broker-stats/totals';
import { BrokerStatsService } from '../services/broker-stats/service';
import { LocalStatsTotals } from '../services/broker-stats/totals';

const brokerStatsPlugin: FastifyPluginAsync<{ intervalMs?: number }> = async (app, options) => {
  const service = new BrokerStatsService(app.broker, {
    intervalMs: options.intervalMs ?? 1000,
    totals: app.cluster === null ? new LocalStatsTotals() : new RedisStatsTotals(app.cluster),
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
