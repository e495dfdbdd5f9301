/**
 * A Redis that freezes (SIGSTOP) closes no connection; the node's PING sees it all the same:
 * `/healthz` says `degraded` and `/metrics` `stomp_cluster_up 0` while Redis does not answer, and
 * both recover once it does. The test freezes a Redis of its own, never the shared one.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCluster, type TestCluster } from '../support/cluster';
import { until } from '../support/raw';
import { TestRedisServer } from '../support/redis-server';

let redis: TestRedisServer;
let cluster: TestCluster;

beforeAll(async () => {
  redis = await TestRedisServer.start();
  cluster = await startCluster(1, { GAME_ENABLED: 'false' }, redis.url);
}, 60_000);
afterAll(async () => {
  redis?.thaw();
  await cluster?.close();
  await redis?.kill();
});

async function health(): Promise<{ status: string; cluster: { status: string } }> {
  return (await (await fetch(`${cluster.nodes[0]!.baseUrl}/healthz`)).json()) as {
    status: string;
    cluster: { status: string };
  };
}

async function clusterUp(): Promise<number | undefined> {
  const body = await (await fetch(`${cluster.nodes[0]!.baseUrl}/metrics`)).text();
  const line = body.split('\n').find((row) => row.startsWith('stomp_cluster_up '));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

it('reports a frozen Redis as degraded on /healthz and /metrics, and recovers when it answers again', async () => {
  await until(async () => (await health()).status === 'ok', 5_000, '/healthz to say ok');
  expect(await clusterUp()).toBe(1);

  redis.freeze();
  await until(async () => (await health()).status === 'degraded', 5_000, '/healthz to say degraded');
  expect((await health()).cluster.status).toBe('down');
  expect(await clusterUp()).toBe(0);

  redis.thaw();
  await until(async () => (await health()).status === 'ok', 5_000, '/healthz to say ok again');
  expect(await clusterUp()).toBe(1);
});
