/**
 * The game service on `app.broker`, shared as `app.game`: its `/app/game/…` handlers, snapshots and
 * tick loop start when the server is ready and stop when it closes (the loop's one timer is
 * unref'd, so it never holds the process open).
 *
 * The service takes its cluster roles (`services/game/roles.ts`) from here: the local ones on a node
 * on its own, the Redis ones when `app.cluster` is set (`cluster/game/`), which share rooms with the
 * other nodes. Closing hands this node's rooms over before the cluster connection goes (Fastify
 * runs `onClose` hooks in the reverse order of registration, and `cluster` came first).
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { RedisGameRoles } from '../cluster/game/roles';
import { LocalGameRoles } from '../services/game/roles';
import { GameService } from '../services/game/service';

const gamePlugin: FastifyPluginAsync = async (app) => {
  const { enabled, ...options } = app.config.game;
  if (!enabled) {
    app.decorate('game', null);
    return;
  }
  const logger = app.log.child({ component: 'game' });
  const roles =
    app.cluster === null ? LocalGameRoles.factory(logger) : RedisGameRoles.factory(app.cluster, logger);
  // Options are checked here, at registration, so a bad value stops the server before it listens.
  const game = new GameService(app.broker, options, logger, roles);
  app.decorate('game', game);
  app.addHook('onReady', async () => {
    await game.start();
  });
  app.addHook('onClose', async () => {
    await game.stop();
  });
};

export default fp(gamePlugin, { name: 'game', fastify: '5.x', dependencies: ['broker', 'cluster'] });
