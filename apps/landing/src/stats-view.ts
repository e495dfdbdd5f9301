/** The live figures on the page: connected sessions and messages a second, in and out. */
import {
  ConnectionState,
  type ConnectionStatus,
  describeStatus,
  RefusalReason,
} from '@stomping-ground/client';
import type { BrokerStatsPayload } from '@stomping-ground/contracts';

export interface StatsView {
  showStats(stats: BrokerStatsPayload): void;
  /** The connection's state: `live`, or what it is doing instead (`reconnecting in 4.0 s`). */
  showStatus(status: ConnectionStatus): void;
}

function byTestId(root: ParentNode, id: string): HTMLElement {
  const element = root.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  if (element === null) throw new Error(`the page has no [data-testid="${id}"]`);
  return element;
}

export function createStatsView(root: ParentNode): StatsView {
  const users = byTestId(root, 'live-users');
  const messagesIn = byTestId(root, 'messages-in');
  const messagesOut = byTestId(root, 'messages-out');
  const status = byTestId(root, 'stats-status');
  return {
    showStats(stats) {
      users.textContent = formatCount(stats.sessions);
      messagesIn.textContent = formatCount(stats.messagesInPerSecond);
      messagesOut.textContent = formatCount(stats.messagesOutPerSecond);
      users.dataset.updatedAt = String(stats.at);
    },
    showStatus(connection) {
      status.dataset.state = connection.state;
      status.textContent =
        connection.state === ConnectionState.CONNECTED
          ? 'live'
          : connection.refusal?.reason === RefusalReason.ACCOUNTS_ONLY
            ? 'offline: this server admits its accounts only'
            : describeStatus(connection, Date.now());
    },
  };
}

/** A whole number with thousands separators: `12,345`. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
