/**
 * The game service on `app.broker`, shared as `app.game`: its `/app/game/…` handlers, snapshots and
 * tick loop start when the server is ready and stop when it closes (the loop's one timer is
 * unref'd, so it never holds the process open). In cluster mode (`app.cluster`) rooms are shared
 * with the other nodes; closing hands this node's rooms over before the cluster connection goes
 * (Fastify runs `onClose` hooks in the reverse order of registration, and `cluster` came first).
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { GameService } from '../services/game/service';

const gamePlugin: FastifyPluginAsync = async (app) => {
  const { enabled, ...options } = app.config.game;
  if (!enabled) {
    app.decorate('game', null);
    return;
  }
  // Options are checked here, at registration, so a bad value stops the server before it listens.
  const game = new GameService(app.broker, options, app.log.child({ component: 'game' }), app.cluster);
  app.decorate('game', game);
  app.addHook('onReady', async () => {
    await game.start();
  });
  app.addHook('onClose', async () => {
    await game.stop();
  });
};

export default fp(gamePlugin, { name: 'game', fastify: '5.x', dependencies: ['broker', 'cluster'] });
