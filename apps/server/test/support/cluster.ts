/**
 * Several real server processes sharing a real Redis: a cluster for a test. Each cluster gets its
 * own key prefix, so clusters on the same Redis never see each other's topics, queues or leases,
 * and its keys are deleted afterwards.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { freePort, ServerProcess } from './server-process';

/**
 * `TEST_REDIS_URL`: in the cluster tests, the private Redis `redis-setup.ts` started for the run
 * (or the one it named beforehand); elsewhere (the cluster benchmark), 127.0.0.1:6379 by default.
 */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestCluster {
  readonly prefix: string;
  readonly nodes: ServerProcess[];
  /** `ws://127.0.0.1:PORT/ws` of node `index`. */
  wsUrl(index: number): string;
  /** A command connection to the same Redis, for looking at what the cluster keeps there. */
  readonly redis: Redis;
  /** Starts another node on the same Redis and prefix; returns its index. */
  addNode(env?: Record<string, string>): Promise<number>;
  /** Stops every node (SIGTERM), deletes the cluster's keys, closes the Redis connection. */
  close(): Promise<void>;
}

export async function startCluster(
  count: number,
  env: Record<string, string> = {},
  redisUrl = TEST_REDIS_URL,
): Promise<TestCluster> {
  const prefix = `test-${randomBytes(4).toString('hex')}`;
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  // A test may take its Redis away: the failed reconnections are expected, not news.
  redis.on('error', () => {});
  await redis.connect();
  const nodes: ServerProcess[] = [];
  const addNode = async (extra: Record<string, string> = {}): Promise<number> => {
    const index = nodes.length;
    const node = new ServerProcess(await freePort(), {
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      CLUSTER_NODE_ID: `node-${index}`,
      STOMP_HEARTBEAT: '0,0',
      MARKET_UPDATES_PER_SECOND: '0',
      ...env,
      ...extra,
    });
    nodes.push(node);
    await node.start();
    return index;
  };
  try {
    for (let i = 0; i < count; i++) await addNode();
  } catch (error) {
    await Promise.all(nodes.map((node) => node.kill()));
    await redis.quit();
    throw error;
  }
  return {
    prefix,
    nodes,
    redis,
    wsUrl: (index) => `ws://127.0.0.1:${nodes[index]!.port}/ws`,
    addNode,
    async close() {
      await Promise.all(nodes.map((node) => node.stop()));
      if (redis.status !== 'ready') {
        redis.disconnect();
        return;
      }
      await deleteKeys(redis, prefix);
      await redis.quit();
    },
  };
}

/** Deletes every key under `<prefix>:`: what a test's cluster left in the shared Redis. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

/** The roles (leases: `market`, `game-room:…`) a running node's `/healthz` says it holds. */
export async function nodeRoles(node: ServerProcess): Promise<string[]> {
  const health = (await (await fetch(`${node.baseUrl}/healthz`)).json()) as {
    readonly cluster: { readonly roles: string[] };
  };
  return health.cluster.roles;
}
