/**
 * Which topics somebody reads on another node, as Redis last said.
 *
 * A node knows its own subscribers, not the others'. Yet a service often asks "does anybody read
 * this?" before building a costly message (a game room's JSON state, 15 times a second). The bus
 * subscribes a node to a topic's channel while a session there reads the topic, so Redis knows:
 * `PUBSUB NUMSUB` on the channels says how many nodes listen. Once a second the topics asked about
 * lately are looked up in one round trip; a topic never asked about before counts as read until
 * the first answer, so nothing is withheld while the cluster is asked.
 */
import type { ClusterNode } from './node';

/** A topic not asked about for this long is no longer looked up. */
const FORGET_MS = 10_000;

interface Interest {
  askedAt: number;
  read: boolean;
}

export class RemoteInterest {
  private readonly node: ClusterNode;
  private readonly channel: (topic: string) => string;
  private readonly listensHere: (topic: string) => boolean;
  private readonly topics = new Map<string, Interest>();

  /** `listensHere`: whether this node itself listens on the topic's channel (it is then one of the count). */
  constructor(
    node: ClusterNode,
    channel: (topic: string) => string,
    listensHere: (topic: string) => boolean,
  ) {
    this.node = node;
    this.channel = channel;
    this.listensHere = listensHere;
  }

  /** Whether another node read the topic at the last look-up; true for a topic not looked up yet. */
  has(topic: string): boolean {
    const now = Date.now();
    const interest = this.topics.get(topic);
    if (interest === undefined) {
      this.topics.set(topic, { askedAt: now, read: true });
      return true;
    }
    interest.askedAt = now;
    return interest.read;
  }

  /** Looks up the topics asked about lately, in one round trip. Keeps the last answers while Redis is away. */
  async refresh(): Promise<void> {
    const now = Date.now();
    for (const [topic, interest] of this.topics) {
      if (now - interest.askedAt > FORGET_MS) this.topics.delete(topic);
    }
    if (this.topics.size === 0 || !this.node.isUp) return;
    const topics = [...this.topics.keys()];
    let reply: Array<string | number>;
    try {
      reply = (await this.node.redis.pubsub('NUMSUB', ...topics.map(this.channel))) as Array<string | number>;
    } catch {
      return;
    }
    topics.forEach((topic, i) => {
      const interest = this.topics.get(topic);
      if (interest === undefined) return;
      const listeners = Number(reply[2 * i + 1]) - (this.listensHere(topic) ? 1 : 0);
      interest.read = listeners > 0;
    });
  }
}
