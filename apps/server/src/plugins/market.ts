/**
 * The market service on `app.broker`, shared as `app.market`: its `/app/market/…` handlers and
 * snapshots exist from registration on; the market runs from when the server is ready and stops
 * when it closes (its one timer is unref'd, so it never holds the process open).
 *
 * The service takes its cluster roles (`services/market/roles.ts`) from here: the local ones on a
 * node on its own (requests applied at once, always the owner), the Redis ones when `app.cluster`
 * is set (`cluster/market/`): one node owns the market at a time, every node appends requests to
 * its inbox stream and mirrors its state for snapshots. Competing for ownership starts when the
 * server is ready; on close the owner saves and hands it over at once.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { createRedisMarket } from '../cluster/market/ownership';
import { LocalMarketInbox, LocalMarketOwnership, type MarketOwnership } from '../services/market/roles';
import { MarketService } from '../services/market/service';

const marketPlugin: FastifyPluginAsync = async (app) => {
  const { enabled, updatesPerSecond } = app.config.market;
  if (!enabled) {
    app.decorate('market', null);
    return;
  }
  const node = app.cluster;
  let market: MarketService;
  let ownership: MarketOwnership;
  if (node === null) {
    market = new MarketService(app.broker, { updatesPerSecond, inbox: new LocalMarketInbox() });
    ownership = new LocalMarketOwnership(market);
  } else {
    const logger = app.log.child({ component: 'market' });
    ({ market, ownership } = createRedisMarket(node, app.broker, { updatesPerSecond }, { logger }));
  }
  app.decorate('market', market);
  app.addHook('onReady', async () => {
    await ownership.start();
    if (node === null) app.log.info({ updatesPerSecond }, 'market open');
    else app.log.info({ updatesPerSecond, node: node.id }, 'market open: competing to own it');
  });
  app.addHook('onClose', async () => {
    await ownership.close();
    market.close();
  });
};

export default fp(marketPlugin, { name: 'market', fastify: '5.x', dependencies: ['broker', 'cluster'] });
