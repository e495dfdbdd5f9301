/** Other nodes' readers of a topic, looked up in the real Redis. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicChannel } from '../../src/redis/bus';
import { RemoteInterest } from '../../src/redis/interest';
import { ClusterNode } from '../../src/redis/node';
import { TEST_REDIS_URL } from '../support/redis';
import { until } from '../support/until';

const prefix = `test-${randomBytes(4).toString('hex')}`;
let here: ClusterNode;
let there: ClusterNode;

beforeAll(async () => {
  here = new ClusterNode({ url: TEST_REDIS_URL, prefix, nodeId: 'here' });
  there = new ClusterNode({ url: TEST_REDIS_URL, prefix, nodeId: 'there' });
  await Promise.all([here.start(), there.start()]);
});

afterAll(async () => {
  await Promise.all([here.close(), there.close()]);
});

describe('remote interest', () => {
  it('counts a topic as read until the first look-up, then as Redis says, leaving this node out', async () => {
    let listeningHere = false;
    const interest = new RemoteInterest(
      here,
      (topic) => topicChannel(here, topic),
      () => listeningHere,
    );
    expect(interest.has('/topic/a')).toBe(true);
    await interest.refresh();
    expect(interest.has('/topic/a')).toBe(false);

    const stopThere = await there.subscribe(topicChannel(there, '/topic/a'), () => {});
    await interest.refresh();
    expect(interest.has('/topic/a')).toBe(true);
    stopThere();

    // This node's own listening is not another node's reader.
    const stopHere = await here.subscribe(topicChannel(here, '/topic/a'), () => {});
    listeningHere = true;
    // The other node's UNSUBSCRIBE is not awaited: wait until Redis counts this node alone.
    await until(
      async () => (await here.redis.pubsub('NUMSUB', topicChannel(here, '/topic/a')))[1] === 1,
      5_000,
      'this node alone on the channel',
    );
    await interest.refresh();
    expect(interest.has('/topic/a')).toBe(false);
    stopHere();
  });
});
