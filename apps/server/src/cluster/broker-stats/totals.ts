/**
 * The broker's figures for a whole cluster (`StatsTotals`, `services/broker-stats/totals.ts`): each node shares its own in a Redis hash
 * (`<prefix>:broker-stats`, node id → figures) once a second, and adds up every node's that are
 * recent. A node that stopped sharing (dead, or cut off from Redis) drops out after `staleMs` and
 * its entry is removed.
 */

import type { ClusterNode } from '@stomping-ground/broker';
import type { BrokerStatsPayload } from '@stomping-ground/protocol';
import type { StatsTotals } from '../../services/broker-stats/totals';

export class RedisStatsTotals implements StatsTotals {
  private readonly node: ClusterNode;
  private readonly staleMs: number;

  constructor(node: ClusterNode, staleMs = 3000) {
    this.node = node;
    this.staleMs = staleMs;
  }

  private get key(): string {
    return this.node.key('broker-stats');
  }

  /**
   * Shares `own` and returns the sum over every node that shared within `staleMs`, this one
   * included; undefined when Redis cannot be reached (the caller shows its own figures then).
   */
  async combine(own: BrokerStatsPayload): Promise<BrokerStatsPayload | undefined> {
    if (!this.node.isUp) return undefined;
    let shared: Record<string, string>;
    try {
      const [, all] = (await this.node.redis
        .multi()
        .hset(this.key, this.node.id, JSON.stringify(own))
        .hgetall(this.key)
        .exec()) as [[Error | null, number], [Error | null, Record<string, string>]];
      shared = all[1];
    } catch {
      return undefined;
    }
    const total = { sessions: 0, connections: 0, messagesInPerSecond: 0, messagesOutPerSecond: 0 };
    let nodes = 0;
    const stale: string[] = [];
    for (const [nodeId, json] of Object.entries(shared)) {
      const figures = parse(json);
      if (figures === undefined || own.at - figures.at > this.staleMs) {
        stale.push(nodeId);
        continue;
      }
      nodes++;
      total.sessions += figures.sessions;
      total.connections += figures.connections;
      total.messagesInPerSecond += figures.messagesInPerSecond;
      total.messagesOutPerSecond += figures.messagesOutPerSecond;
    }
    if (stale.length > 0) this.node.redis.hdel(this.key, ...stale).catch(() => {});
    return { ...total, at: own.at, nodes };
  }

  /** Removes this node's figures at once, so the totals drop it without waiting. */
  async withdraw(): Promise<void> {
    if (this.node.isUp) await this.node.redis.hdel(this.key, this.node.id).catch(() => {});
  }
}

function parse(json: string): BrokerStatsPayload | undefined {
  try {
    const value = JSON.parse(json) as BrokerStatsPayload;
    return typeof value.at === 'number' && typeof value.sessions === 'number' ? value : undefined;
  } catch {
    return undefined;
  }
}
