/**
 * Cluster mode, shared as `app.cluster`: a `ClusterNode` when `REDIS_URL` is set, `null` otherwise
 * (one node on its own, the default). The node connects before the server listens (waiting a few
 * seconds at most: a node whose Redis is away still serves its own clients) and leaves the cluster
 * last, after the services have handed their roles back.
 */

import { ClusterNode } from '@stomping-ground/broker';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

const clusterPlugin: FastifyPluginAsync = async (app) => {
  const { cluster } = app.config;
  if (cluster === null) {
    app.decorate('cluster', null);
    return;
  }
  const node = new ClusterNode({
    url: cluster.redisUrl,
    prefix: cluster.prefix,
    nodeId: cluster.nodeId,
    logger: app.log.child({ component: 'cluster' }),
  });
  app.decorate('cluster', node);
  await node.start();
  app.log.info({ node: node.id, prefix: node.prefix, status: node.status }, 'cluster mode');
  app.addHook('onClose', async () => {
    await node.close();
  });
};

export default fp(clusterPlugin, { name: 'cluster', fastify: '5.x' });
