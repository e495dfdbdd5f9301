/** The live figures on the page: connected sessions and messages a second, in and out. */
import type { BrokerStatsPayload } from '@stomping-ground/contracts';
import type { FeedState } from './stats-feed';

const STATE_TEXT: Record<FeedState, string> = {
  connecting: 'connecting…',
  connected: 'live',
  reconnecting: 'reconnecting…',
};

export interface StatsView {
  showStats(stats: BrokerStatsPayload): void;
  showState(state: FeedState): void;
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
    showState(state) {
      status.dataset.state = state;
      status.textContent = STATE_TEXT[state];
    },
  };
}

/** A whole number with thousands separators: `12,345`. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
