import { webSocketUrl } from '@stomping-ground/protocol';
import './styles.css';
import { startStatsFeed } from './stats-feed';
import { createStatsView } from './stats-view';

const view = createStatsView(document);
startStatsFeed({
  url: webSocketUrl(window.location),
  onStats: (stats) => view.showStats(stats),
  onState: (state) => view.showState(state),
});
