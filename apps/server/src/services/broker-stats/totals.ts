/**
 * Where the broker's figures are added up, as the stats service sees it: a seam with a local
 * implementation here (a process on its own: its figures are the totals) and a Redis one in
 * `src/cluster/broker-stats/` (every node's figures added up). The plugin picks which.
 */
import type { BrokerStatsPayload } from '@stomping-ground/protocol';

export interface StatsTotals {
  /**
   * Shares this node's figures, `own`, and returns the totals to publish: at once, or once the
   * other nodes' are read; undefined when they cannot be (the service then shows its own).
   */
  combine(own: BrokerStatsPayload): BrokerStatsPayload | undefined | Promise<BrokerStatsPayload | undefined>;
  /** Takes this node's figures out of the totals at once (it is closing). */
  withdraw(): Promise<void>;
}

/** Alone, this process's figures are all there are. */
export class LocalStatsTotals implements StatsTotals {
  combine(own: BrokerStatsPayload): BrokerStatsPayload {
    return own;
  }

  async withdraw(): Promise<void> {}
}
