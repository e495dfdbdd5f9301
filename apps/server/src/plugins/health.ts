/** `/healthz`: 200 while the broker serves, 503 once it is shutting down (so a balancer drains it). */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

const healthPlugin: FastifyPluginAsync = async (app) => {
  const startedAt = Date.now();
  app.get('/healthz', { logLevel: 'warn' }, async (_request, reply) => {
    const stats = app.broker.stats();
    const body = {
      status: stats.shuttingDown ? 'shutting-down' : 'ok',
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      sessions: stats.sessions,
      ...(app.cluster === null ? {} : { cluster: app.cluster.stats() }),
    };
    return reply.code(stats.shuttingDown ? 503 : 200).send(body);
  });
};

export default fp(healthPlugin, { name: 'health', fastify: '5.x', dependencies: ['broker'] });
