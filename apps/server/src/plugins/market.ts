/**
 * The market service on `app.broker`, shared as `app.market`: its `/app/market/…` handlers and
 * snapshots exist from registration on; the simulated market opens when the server is ready and
 * stops when it closes (its one timer is unref'd, so it never holds the process open).
 *
 * In a cluster (`app.cluster` set) one node owns the market at a time (`services/market/cluster.ts`):
 * every node forwards requests to it through Redis and mirrors its state for snapshots. Competing
 * for ownership starts when the server is ready; on close the owner saves and hands it over at once.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { createMarketCluster } from '../services/market/cluster';
import { MarketService } from '../services/market/service';

const marketPlugin: FastifyPluginAsync = async (app) => {
  const { enabled, updatesPerSecond } = app.config.market;
  if (!enabled) {
    app.decorate('market', null);
    return;
  }
  const node = app.cluster;
  if (node === null) {
    const market = new MarketService(app.broker, { updatesPerSecond });
    app.decorate('market', market);
    app.addHook('onReady', async () => {
      market.start();
      app.log.info({ updatesPerSecond }, 'market open');
    });
    app.addHook('onClose', async () => {
      market.close();
    });
    return;
  }

  const logger = app.log.child({ component: 'market' });
  const { market, cluster } = createMarketCluster(node, app.broker, { updatesPerSecond }, { logger });
  app.decorate('market', market);
  app.addHook('onReady', async () => {
    await cluster.start();
    app.log.info({ updatesPerSecond, node: node.id }, 'market open: competing to own it');
  });
  app.addHook('onClose', async () => {
    await cluster.close();
    market.close();
  });
};

export default fp(marketPlugin, { name: 'market', fastify: '5.x', dependencies: ['broker', 'cluster'] });
