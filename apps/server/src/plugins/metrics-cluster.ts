/**
 * The cluster's figures on `/metrics`, registered only in cluster mode (`REDIS_URL` set): whether
 * this node reaches Redis, the roles it holds, and what crosses nodes or is lost on the way.
 */

import type { ClusterBus } from '@stomping-ground/broker';
import { Gauge, type Registry } from 'prom-client';
import { totalsCounter } from './metrics-totals';

export function registerClusterMetrics(registry: Registry, bus: ClusterBus): void {
  const node = () => bus.node.stats();
  new Gauge({
    name: 'stomp_cluster_up',
    help: 'Cluster mode: 1 while this node reaches Redis, 0 while it serves only its own clients',
    registers: [registry],
    collect() {
      this.set(node().status === 'up' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'stomp_cluster_roles',
    help: 'Cluster roles (leases) this node holds: 1 per role',
    labelNames: ['role'],
    registers: [registry],
    collect() {
      this.reset();
      for (const role of node().roles) this.set({ role }, 1);
    },
  });
  totalsCounter(registry, 'stomp_cluster_reconnects_total', 'Reconnections to Redis', 'connection', () => ({
    redis: node().reconnects,
  }));
  totalsCounter(
    registry,
    'stomp_cluster_dropped_total',
    'Messages or commands lost to a Redis fault, by what was lost',
    'what',
    () => node().drops,
  );
  totalsCounter(
    registry,
    'stomp_cluster_messages_total',
    'Topic and user messages crossing nodes, by direction',
    'direction',
    () => {
      const current = bus.stats();
      return { published: current.published, received: current.received };
    },
  );
  totalsCounter(
    registry,
    'stomp_cluster_queue_entries_total',
    'Queue entries in Redis Streams, by what happened to them',
    'event',
    () => {
      const { waiting: _waiting, ...events } = bus.stats().queues;
      return events;
    },
  );
}
