/**
 * The cluster's queue store on the real Redis, in process: what a SEND or a COMMIT stores, and
 * what it refuses.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerErrorCode } from '../../src/core/errors';
import { silentLogger } from '../../src/core/logger';
import { OutboundMessage } from '../../src/core/message';
import { silentObserver } from '../../src/core/observer';
import { ClusterNode } from '../../src/redis/node';
import { ClusterQueues } from '../../src/redis/queues';
import { TEST_REDIS_URL } from '../support/redis';

const encoder = new TextEncoder();
let node: ClusterNode;
let queues: ClusterQueues;

beforeAll(async () => {
  node = new ClusterNode({
    url: TEST_REDIS_URL,
    prefix: `test-${randomBytes(4).toString('hex')}`,
    nodeId: 'solo',
  });
  await node.start();
  queues = new ClusterQueues(
    node,
    {
      deliverTopic: () => {},
      deliverUser: () => false,
      localQueue: () => undefined,
      enqueueHere: () => {},
      assertRoomHere: () => {},
      restoreHere: () => {},
      observer: silentObserver,
      maxQueueDepth: 2,
      maxQueueBytes: 10,
    },
    silentLogger,
  );
});

afterAll(async () => {
  const keys = await node.redis.keys(`${node.prefix}:*`);
  if (keys.length > 0) await node.redis.del(...keys);
  await node.close();
});

function message(queue: string, body: string): OutboundMessage {
  return new OutboundMessage(queue, `m-${body}`, [['x-kind', 'test']], encoder.encode(body));
}

async function stored(queue: string): Promise<string[]> {
  const entries = await node.redis.xrange(node.key('q', queue), '-', '+');
  return entries.map(([, fields]) => fields[fields.indexOf('b') + 1]!);
}

describe('the cluster queue store', () => {
  it('stores a message with its id, headers and body, in a stream with the consumer group', async () => {
    await queues.enqueue([message('/queue/one', 'hello')]);
    const [[, fields]] = (await node.redis.xrange(node.key('q', '/queue/one'), '-', '+')) as [
      [string, string[]],
    ];
    expect(fields).toEqual(['m', 'm-hello', 'h', '[["x-kind","test"]]', 'b', 'hello']);
    const groups = (await node.redis.xinfo('GROUPS', node.key('q', '/queue/one'))) as unknown[][];
    expect(groups).toHaveLength(1);
  });

  it("stores a COMMIT's messages to several queues together", async () => {
    await queues.enqueue([message('/queue/a', 'a1'), message('/queue/b', 'b1'), message('/queue/a', 'a2')]);
    expect(await stored('/queue/a')).toEqual(['a1', 'a2']);
    expect(await stored('/queue/b')).toEqual(['b1']);
  });

  it('refuses all of them when one queue would pass its depth bound, and stores none', async () => {
    await queues.enqueue([message('/queue/full', 'f1')]);
    const refused = queues.enqueue([
      message('/queue/other', 'o1'),
      message('/queue/full', 'f2'),
      message('/queue/full', 'f3'),
    ]);
    await expect(refused).rejects.toMatchObject({
      code: BrokerErrorCode.LIMIT,
      message: 'queue /queue/full is full',
    });
    expect(await stored('/queue/full')).toEqual(['f1']);
    expect(await stored('/queue/other')).toEqual([]);
  });

  it('counts the body bytes a queue holds, and refuses what would pass the byte bound', async () => {
    await queues.enqueue([message('/queue/bytes', '123456')]);
    expect(await node.redis.hget(node.key('q-bytes'), node.key('q', '/queue/bytes'))).toBe('6');
    await expect(queues.enqueue([message('/queue/bytes', '12345')])).rejects.toMatchObject({
      code: BrokerErrorCode.LIMIT,
    });
    expect(await stored('/queue/bytes')).toEqual(['123456']);
  });
});
