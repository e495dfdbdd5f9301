/**
 * `/healthz`: 200 while the broker serves, 503 once it is shutting down (so a balancer drains it).
 * In cluster mode the body also says whether this node reaches Redis, what roles it holds and what
 * a Redis fault has cost (`cluster`).
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

const healthPlugin: FastifyPluginAsync = async (app) => {
  const startedAt = Date.now();
  app.get('/healthz', { logLevel: 'warn' }, async (_request, reply) => {
    const stats = app.broker.stats();
    // A node cut off from the cluster's Redis still serves its own clients: `degraded`, not down,
    // so a balancer keeps it (every node may be in the same state) while the fault shows.
    const degraded = app.cluster !== null && !app.cluster.isUp;
    const body = {
      status: stats.shuttingDown ? 'shutting-down' : degraded ? 'degraded' : 'ok',
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      sessions: stats.sessions,
      ...(app.cluster === null ? {} : { cluster: app.cluster.stats() }),
    };
    return reply.code(stats.shuttingDown ? 503 : 200).send(body);
  });
};

export default fp(healthPlugin, { name: 'health', fastify: '5.x', dependencies: ['broker'] });
