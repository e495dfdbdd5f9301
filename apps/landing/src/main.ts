import { webSocketUrl } from '@stomping-ground/protocol';
import './styles.css';
import { startStatsFeed } from './stats-feed';
import { createStatsView } from './stats-view';

const view = createStatsView(document);
const feed = startStatsFeed({
  url: webSocketUrl(window.location),
  onStats: (stats) => view.showStats(stats),
  onStatus: (status) => view.showStatus(status),
});
// While the connection waits to retry, the countdown moves.
setInterval(() => view.showStatus(feed.status()), 1_000);
