/**
 * When Redis goes away, nodes keep serving their own clients, say so on `/healthz` and `/metrics`,
 * refuse what they cannot store rather than lose it, count what cross-node traffic was lost, and
 * join up again once Redis is back. The test runs its own Redis so it can kill it.
 */

import { BrokerErrorCode } from '@stomping-ground/broker';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../support/cluster';
import { ClusterClients, messagesOf } from '../support/cluster-clients';
import { header, nextFrame, sendWithReceipt, subscribe, text, until } from '../support/raw';
import { TestRedisServer } from '../support/redis-server';

let redis: TestRedisServer;
let cluster: TestCluster;
const clients = new ClusterClients();

beforeAll(async () => {
  redis = await TestRedisServer.start();
  cluster = await startCluster(2, {}, redis.url);
}, 60_000);
afterEach(() => clients.closeAll());
afterAll(async () => {
  await cluster?.close();
  await redis?.kill();
});

async function health(index: number): Promise<{ status: string; cluster: { status: string } }> {
  return (await (await fetch(`${cluster.nodes[index]!.baseUrl}/healthz`)).json()) as {
    status: string;
    cluster: { status: string };
  };
}

async function metric(index: number, line: RegExp): Promise<number | undefined> {
  const body = await (await fetch(`${cluster.nodes[index]!.baseUrl}/metrics`)).text();
  const match = body.split('\n').find((row) => line.test(row));
  return match === undefined ? undefined : Number(match.split(' ').at(-1));
}

it('serves local clients through an outage, reports and counts it, and rejoins when Redis returns', async () => {
  const here = await clients.client(cluster.wsUrl(0));
  const there = await clients.client(cluster.wsUrl(1));
  await subscribe(here, 'here', '/topic/outage');
  await subscribe(there, 'there', '/topic/outage');
  const publisher = await clients.client(cluster.wsUrl(0));
  await sendWithReceipt(publisher, 'SEND', [['destination', '/topic/outage']], 'before');
  await until(() => messagesOf(there).length === 1, 5_000, 'the message across nodes');
  expect(await health(0)).toMatchObject({ status: 'ok', cluster: { status: 'up' } });

  await redis.kill();
  await until(async () => (await health(0)).status === 'degraded', 5_000, '/healthz to say degraded');
  expect((await health(0)).cluster.status).toBe('down');
  expect(await metric(0, /^stomp_cluster_up /)).toBe(0);

  // Local subscribers still get what is published on their node; the copy for the other node is
  // lost and counted.
  await sendWithReceipt(publisher, 'SEND', [['destination', '/topic/outage']], 'during');
  await until(() => messagesOf(here).length === 2, 5_000, 'the local delivery during the outage');
  expect(messagesOf(here).map(text)).toEqual(['before', 'during']);
  expect(await metric(0, /^stomp_cluster_dropped_total\{what="topic"\}/)).toBeGreaterThanOrEqual(1);

  // A client can still log in and subscribe: nothing waits for Redis.
  const late = await clients.client(cluster.wsUrl(0));
  await subscribe(late, 'late', '/topic/outage');

  // A queue message cannot be stored anywhere: refused, so the sender knows, never silently lost.
  const queueSender = await clients.client(cluster.wsUrl(0));
  queueSender.send({
    command: 'SEND',
    headers: [
      ['destination', '/queue/outage'],
      ['receipt', 'q-1'],
    ],
    body: 'job',
  });
  const error = await nextFrame(queueSender);
  expect(error.command).toBe('ERROR');
  expect(header(error, 'code')).toBe(BrokerErrorCode.UNAVAILABLE);
  expect(header(error, 'receipt-id')).toBe('q-1');

  await redis.restart();
  await until(
    async () => (await health(0)).status === 'ok' && (await health(1)).status === 'ok',
    15_000,
    'both nodes to reconnect',
  );
  expect(await metric(0, /^stomp_cluster_reconnects_total/)).toBeGreaterThanOrEqual(1);
  // The channel subscriptions come back by themselves: cross-node delivery resumes.
  await until(
    async () => {
      await sendWithReceipt(publisher, 'SEND', [['destination', '/topic/outage']], 'after');
      return messagesOf(there).some((frame) => text(frame) === 'after');
    },
    10_000,
    'delivery across nodes again',
  );
  expect(messagesOf(there).map(text)).not.toContain('during');
}, 60_000);
