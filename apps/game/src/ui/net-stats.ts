/**
 * The net-stats overlay: what the connection is doing, refreshed a few times a second. Each value
 * carries its raw number in `data-value` (empty when not known yet), for tests and tooling.
 */
import { element, setText } from './dom';

export interface NetStats {
  /** Round trip of a SEND with a `receipt` header to its RECEIPT: median of the recent probes, ms. */
  readonly rttMs: number | undefined;
  /** From sending an input to the first snapshot that counts it as processed: median of the recent ones, ms. */
  readonly inputAckMs: number | undefined;
  readonly serverTick: number | undefined;
  readonly tickRate: number | undefined;
  readonly snapshotsPerSecond: number;
  readonly inBytesPerSecond: number;
  readonly inMessagesPerSecond: number;
  readonly outBytesPerSecond: number;
  readonly outMessagesPerSecond: number;
  /** How far ahead of the render time the newest buffered snapshot lies, in ms; 0 when starved. */
  readonly bufferMs: number | undefined;
  readonly bufferSnapshots: number | undefined;
  /** Inputs sent that no snapshot has acknowledged yet. */
  readonly pendingInputs: number;
  /** How far the last reconciliation moved the own player, in world units. */
  readonly correction: number | undefined;
  /** Size of the last snapshot received, in the format in use. */
  readonly snapshotBytes: number | undefined;
}

interface Row {
  readonly label: string;
  readonly testid: string;
  readonly help: string;
  readonly value: (stats: NetStats) => number | undefined;
  readonly format: (value: number, stats: NetStats) => string;
}

const ms = (value: number) => `${Math.round(value)} ms`;
const perSecond = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)}/s`;
const bytesPerSecond = (value: number) =>
  value >= 10_240 ? `${(value / 1024).toFixed(1)} KiB/s` : `${Math.round(value)} B/s`;

const ROWS: readonly Row[] = [
  {
    label: 'round trip (RECEIPT)',
    testid: 'stat-rtt',
    help:
      'Median of the last 5 probes, one every 250 ms: an input SEND carrying a receipt header, until the page handles the broker’s RECEIPT. ' +
      'Includes both directions on the network, the simulated latency (twice the slider), the broker’s handling, and any wait for this page’s main thread.',
    value: (s) => s.rttMs,
    format: ms,
  },
  {
    label: 'input → ack',
    testid: 'stat-input-ack',
    help:
      'Median of about the last second: from sending an input to the first snapshot that names it as the last one applied. ' +
      'A round trip, plus the wait for the next server tick (up to 33 ms) and for your next snapshot (one every 2 ticks).',
    value: (s) => s.inputAckMs,
    format: ms,
  },
  {
    label: 'server tick',
    testid: 'stat-tick',
    help: 'The simulation step of the newest snapshot.',
    value: (s) => s.serverTick,
    format: (value, s) => (s.tickRate ? `${value} @ ${s.tickRate} Hz` : String(value)),
  },
  {
    label: 'snapshots',
    testid: 'stat-snapshot-rate',
    help: 'Snapshots received per second.',
    value: (s) => s.snapshotsPerSecond,
    format: perSecond,
  },
  {
    label: 'snapshot size',
    testid: 'stat-snapshot-bytes',
    help: 'The body of the last snapshot, in the format in use.',
    value: (s) => s.snapshotBytes,
    format: (value) => `${value} B`,
  },
  {
    label: 'in',
    testid: 'stat-in-bytes',
    help: 'Bytes per second received on the WebSocket.',
    value: (s) => s.inBytesPerSecond,
    format: bytesPerSecond,
  },
  {
    label: 'in messages',
    testid: 'stat-in-messages',
    help: 'WebSocket messages per second received.',
    value: (s) => s.inMessagesPerSecond,
    format: perSecond,
  },
  {
    label: 'out',
    testid: 'stat-out-bytes',
    help: 'Bytes per second sent on the WebSocket.',
    value: (s) => s.outBytesPerSecond,
    format: bytesPerSecond,
  },
  {
    label: 'out messages',
    testid: 'stat-out-messages',
    help: 'WebSocket messages per second sent.',
    value: (s) => s.outMessagesPerSecond,
    format: perSecond,
  },
  {
    label: 'interpolation buffer',
    testid: 'stat-buffer-ms',
    help:
      'How far the newest snapshot lies ahead of the time the others are drawn at: the margin before they would freeze. ' +
      '0 when starved (nothing newer has come; the others are held where the newest snapshot put them).',
    value: (s) => s.bufferMs,
    format: ms,
  },
  {
    label: 'buffered snapshots',
    testid: 'stat-buffer-snapshots',
    help: 'Snapshots received that the drawn time has not reached yet.',
    value: (s) => s.bufferSnapshots,
    format: String,
  },
  {
    label: 'unacknowledged inputs',
    testid: 'stat-pending-inputs',
    help: 'Inputs sent and predicted that no snapshot has confirmed yet: what reconciliation replays.',
    value: (s) => s.pendingInputs,
    format: String,
  },
  {
    label: 'last correction',
    testid: 'stat-correction',
    help: 'How far the last reconciliation moved you: 0 when the server agreed with the prediction.',
    value: (s) => s.correction,
    format: (value) => value.toFixed(1),
  },
];

/** Screens this wide show the panel open at first. */
const WIDE_ENOUGH = '(min-width: 760px) and (min-height: 560px)';

export interface NetStatsView {
  update(stats: NetStats): void;
}

export function createNetStats(container: HTMLElement): NetStatsView {
  const list = element('dl', { class: 'stats' });
  const cells = ROWS.map((row) => {
    const cell = element('dd', { 'data-testid': row.testid, 'data-value': '' }, '–');
    // The help is the title (a pointer's hover) and the accessible description (a screen reader's).
    list.append(element('dt', { title: row.help, 'aria-description': row.help }, row.label), cell);
    return { row, cell };
  });
  const note = element(
    'p',
    { class: 'stats-note' },
    'Round trip and input → ack are medians of the last few. Round trip: both ways on the network, ',
    'the simulated latency twice, the broker, and this page. Input → ack: a round trip, up to a tick, ',
    'and the wait for your next snapshot. Hover a label for more.',
  );
  // A <details> so the overlay can be folded away; folded from the start on a narrow screen, where
  // open it would cover the arena.
  const details = element(
    'details',
    matchMedia(WIDE_ENOUGH).matches ? { open: '' } : {},
    element('summary', {}, element('h2', {}, 'Net stats')),
    list,
    note,
  );
  container.append(details);

  return {
    update(stats) {
      for (const { row, cell } of cells) {
        const value = row.value(stats);
        const raw = value === undefined ? '' : String(Math.round(value * 100) / 100);
        if (cell.dataset.value !== raw) cell.dataset.value = raw;
        setText(cell, value === undefined ? '–' : row.format(value, stats));
      }
    },
  };
}
