/**
 * The market service on `app.broker`, shared as `app.market`: its `/app/market/…` handlers and
 * snapshots exist from registration on; the simulated market opens when the server is ready and
 * stops when it closes (its one timer is unref'd, so it never holds the process open).
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { MarketService } from '../services/market/service';

const marketPlugin: FastifyPluginAsync = async (app) => {
  const { enabled, updatesPerSecond } = app.config.market;
  if (!enabled) {
    app.decorate('market', null);
    return;
  }
  const market = new MarketService(app.broker, { updatesPerSecond });
  app.decorate('market', market);
  app.addHook('onReady', async () => {
    market.start();
    app.log.info({ updatesPerSecond }, 'market open');
  });
  app.addHook('onClose', async () => {
    market.close();
  });
};

export default fp(marketPlugin, { name: 'market', fastify: '5.x', dependencies: ['broker'] });
