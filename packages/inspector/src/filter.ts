/** Which entries the list shows. A pure predicate, so the widget and its tests agree. */
import { entryLabel, type InspectorEntry } from './entry';

export interface InspectorFilter {
  /** One command (`MESSAGE`, `RECEIPT`, `HEARTBEAT`…), or empty for all. */
  readonly command: string;
  /** Shows only rows whose destination column contains this, ignoring case; empty for all. */
  readonly destination: string;
  readonly hideHeartbeats: boolean;
}

export const NO_FILTER: InspectorFilter = Object.freeze({
  command: '',
  destination: '',
  hideHeartbeats: false,
});

export function matchesFilter(entry: InspectorEntry, filter: InspectorFilter): boolean {
  if (entry.kind === 'heartbeat' && filter.hideHeartbeats) return false;
  if (filter.command !== '' && entryLabel(entry) !== filter.command) return false;
  if (filter.destination !== '') {
    const needle = filter.destination.toLowerCase();
    return entry.kind === 'frame' && entry.summary.toLowerCase().includes(needle);
  }
  return true;
}
