/**
 * Which of the rooms' topics somebody reads, anywhere in the cluster.
 *
 * In cluster mode the broker's `hasSubscribers` answers true for every topic, since it cannot know
 * who reads on other nodes. A room asks it on every snapshot whether to build its topics, and the
 * JSON one is the dearest part of a tick: taken at its word, every room would build it 15 times a
 * second and push it through Redis for nobody. So the owner asks Redis once a second how many nodes
 * listen on each of its rooms' topic channels (`PUBSUB NUMSUB`); the cluster bus subscribes a node
 * to `<prefix>:t:<topic>` while a session there reads the topic. A new reader elsewhere is noticed
 * within a second; the topic's next keyframe follows.
 */
import { topicChannel } from '../../../cluster/bus';
import type { ClusterNode } from '../../../cluster/node';

export class TopicInterest {
  private readonly node: ClusterNode;
  private readonly read = new Set<string>();

  constructor(node: ClusterNode) {
    this.node = node;
  }

  /** Whether a node of the cluster listened for the topic at the last refresh. */
  has(topic: string): boolean {
    return this.read.has(topic);
  }

  /** Asks Redis about these topics (and forgets any other). Throws while Redis is away. */
  async refresh(topics: readonly string[]): Promise<void> {
    if (topics.length === 0) {
      this.read.clear();
      return;
    }
    // The bus's channel for a topic: see `publishTopic` in `src/cluster/bus.ts`.
    const reply = (await this.node.redis.pubsub(
      'NUMSUB',
      ...topics.map((topic) => topicChannel(this.node, topic)),
    )) as Array<string | number>;
    this.read.clear();
    for (let i = 0; i < topics.length; i++) {
      if (Number(reply[2 * i + 1]) > 0) this.read.add(topics[i]!);
    }
  }
}
