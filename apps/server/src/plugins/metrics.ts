/**
 * `/metrics` in the Prometheus text format, with `prom-client`.
 *
 * Counters are bumped by the broker through its observer as things happen; gauges (connections,
 * sessions, subscriptions, queue depths) are read from `broker.stats()` when Prometheus scrapes,
 * so the hot path pays nothing for them. The game's and the market's figures
 * (`metrics-services.ts`) and, in cluster mode only, the cluster's (`metrics-cluster.ts`) are read
 * the same way. Each app has its own registry, so several apps in one process (tests) never share
 * numbers.
 */

import type { Broker, BrokerObserver, ClusterBus } from '@stomping-ground/broker';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { registerClusterMetrics } from './metrics-cluster';
import { registerServiceMetrics, type ServiceSources } from './metrics-services';

export interface BrokerMetrics {
  readonly registry: Registry;
  /** Handed to the broker at construction. */
  readonly observer: BrokerObserver;
  /** Connects the scrape-time gauges to the broker once it exists, and to its cluster bus if any. */
  watch(broker: Broker, bus?: ClusterBus | null): void;
  /** Adds the game's and the market's figures, read from them at scrape time. */
  watchServices(services: ServiceSources): void;
}

export function createBrokerMetrics(): BrokerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const framesIn = new Counter({
    name: 'stomp_frames_in_total',
    help: 'STOMP frames received, by command',
    labelNames: ['command'],
    registers: [registry],
  });
  const framesOut = new Counter({
    name: 'stomp_frames_out_total',
    help: 'STOMP frames sent, by command',
    labelNames: ['command'],
    registers: [registry],
  });
  const bytesIn = new Counter({
    name: 'stomp_bytes_in_total',
    help: 'STOMP bytes received',
    registers: [registry],
  });
  const bytesOut = new Counter({
    name: 'stomp_bytes_out_total',
    help: 'STOMP bytes sent',
    registers: [registry],
  });
  const sessionsOpened = new Counter({
    name: 'stomp_sessions_opened_total',
    help: 'STOMP sessions that completed CONNECT, by version',
    labelNames: ['version'],
    registers: [registry],
  });
  const sessionsClosed = new Counter({
    name: 'stomp_sessions_closed_total',
    help: 'STOMP sessions closed, by version and reason',
    labelNames: ['version', 'reason'],
    registers: [registry],
  });
  const slowConsumer = new Counter({
    name: 'stomp_slow_consumer_events_total',
    help: 'Deliveries to a reader whose outbound buffer was full: conflated, or the session closed',
    labelNames: ['action'],
    registers: [registry],
  });
  const protocolErrors = new Counter({
    name: 'stomp_protocol_errors_total',
    help: 'ERROR frames sent, by error code',
    labelNames: ['code'],
    registers: [registry],
  });
  const dropped = new Counter({
    name: 'stomp_messages_dropped_total',
    help: 'Messages not delivered, by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  const publisherPauses = new Counter({
    name: 'stomp_publisher_pauses_total',
    help: 'Times a publishing client stopped being read until the readers it reached had drained (flow control)',
    registers: [registry],
  });
  const refused = new Counter({
    name: 'stomp_connections_refused_total',
    help: 'Connections refused before a session began: origin (WebSocket handshake from a foreign Origin), pre-login-limit',
    labelNames: ['reason'],
    registers: [registry],
  });

  let broker: Broker | undefined;
  const stats = () => broker?.stats();
  new Gauge({
    name: 'stomp_connections',
    help: 'Open connections, by transport',
    labelNames: ['transport'],
    registers: [registry],
    collect() {
      this.reset();
      const current = stats();
      if (!current) return;
      for (const [transport, count] of Object.entries(current.connectionsByTransport))
        this.set({ transport }, count);
    },
  });
  new Gauge({
    name: 'stomp_sessions',
    help: 'Connected STOMP sessions, by protocol version',
    labelNames: ['version'],
    registers: [registry],
    collect() {
      this.reset();
      const current = stats();
      if (!current) return;
      for (const [version, count] of Object.entries(current.sessionsByVersion)) this.set({ version }, count);
    },
  });
  new Gauge({
    name: 'stomp_input_buffered_bytes',
    help: 'Bytes the decoders hold for frames still arriving, each within its frame limit (smaller before login)',
    registers: [registry],
    collect() {
      this.set(stats()?.inputBufferedBytes ?? 0);
    },
  });
  new Gauge({
    name: 'stomp_subscriptions',
    help: 'Active subscriptions',
    registers: [registry],
    collect() {
      this.set(stats()?.subscriptions ?? 0);
    },
  });
  new Gauge({
    name: 'stomp_queue_depth',
    help: 'Messages waiting in a queue (not yet delivered or not yet acknowledged)',
    labelNames: ['queue'],
    registers: [registry],
    collect() {
      this.reset();
      const current = stats();
      if (!current) return;
      for (const [queue, depth] of Object.entries(current.queueDepths)) this.set({ queue }, depth);
    },
  });

  const observer: BrokerObserver = {
    frameIn(command, bytes) {
      framesIn.inc({ command });
      bytesIn.inc(bytes);
    },
    frameOut(command, bytes) {
      framesOut.inc({ command });
      bytesOut.inc(bytes);
    },
    sessionOpened(version) {
      sessionsOpened.inc({ version });
    },
    sessionClosed(version, reason) {
      sessionsClosed.inc({ version, reason });
    },
    slowConsumer(action) {
      slowConsumer.inc({ action });
    },
    protocolError(code) {
      protocolErrors.inc({ code });
    },
    messageDropped(reason) {
      dropped.inc({ reason });
    },
    publisherPaused() {
      publisherPauses.inc();
    },
    connectionRefused(reason) {
      refused.inc({ reason });
    },
  };

  return {
    registry,
    observer,
    watch(target, cluster) {
      broker = target;
      // Cluster figures exist only in cluster mode: on a node on its own a `stomp_cluster_up 0`
      // would read as an outage on a dashboard.
      if (cluster) registerClusterMetrics(registry, cluster);
    },
    watchServices(services) {
      registerServiceMetrics(registry, services);
    },
  };
}

const metricsPlugin: FastifyPluginAsync = async (app) => {
  const metrics = createBrokerMetrics();
  app.decorate('brokerMetrics', metrics);
  // The services are registered after this plugin; they are all there once the app is ready.
  app.addHook('onReady', async () => {
    metrics.watchServices({ game: app.game, market: app.market });
  });
  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
};

export default fp(metricsPlugin, { name: 'metrics', fastify: '5.x' });
