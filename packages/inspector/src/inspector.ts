/**
 * The frame inspector widget: a toolbar (filters, pause, clear), a list of rows, and the details
 * of the selected row. Framework-free: it owns the DOM inside its root element and nothing else.
 *
 * Recording is cheap and drawing is bounded, so the page stays responsive at thousands of frames
 * a second:
 * - `record()` only decodes into the `FrameLog` (two ring buffers); nothing touches the DOM.
 * - At most once per animation frame the list is drawn, and it is virtual: every row has the same
 *   height, so which entries are in view is arithmetic on the scroll offset, and only those (plus a
 *   few either side) exist as elements, in a fixed pool reused from frame to frame. The work per
 *   frame is bounded by the viewport's rows and the log's capacity, not by the arrival rate.
 * - Nothing in that path reads layout: the viewport's height comes from a `ResizeObserver`, the
 *   scroll offset from `scroll` events; the one write that needs layout (keeping the newest row in
 *   view) happens only when the list's height changes, inside a `contain: strict` box.
 * - A list out of sight (scrolled away, a closed panel, a background tab) is not drawn at all: an
 *   `IntersectionObserver` says when it is.
 */
import { type Direction, entryLabel, type InspectorEntry } from './entry';
import { type InspectorFilter, matchesFilter, NO_FILTER } from './filter';
import { bodyView, formatBytes, formatTime } from './format';
import { FrameLog, type FrameLogOptions, type FrameLogTotals } from './frame-log';
import { DEFAULT_LESSONS_BASE, FRAME_HINTS, FRAME_LESSONS } from './hints';

export interface FrameInspectorOptions extends FrameLogOptions {
  /** The panel's heading. Default "STOMP frames". */
  readonly title?: string;
  /** Starts with these filters set. */
  readonly filter?: Partial<InspectorFilter>;
  /** How a render is scheduled. Default `requestAnimationFrame`. */
  readonly schedule?: (render: () => void) => void;
  /**
   * While frames stream in, the list is redrawn at most this often (ms); what the reader does
   * (scroll, filter, select, pause) is drawn at the next animation frame. Default 100: ten
   * redraws a second is as fast as anyone reads a scrolling list, and a sixth of the paint of
   * redrawing at every screen refresh.
   */
  readonly streamIntervalMs?: number;
  /** Where the lessons site is, for a "Lesson" link under each hint; `null` leaves the links out. Default `/docs/`. */
  readonly lessonsBase?: string | null;
}

export interface InspectorCounts {
  /** Entries the log keeps (at most `maxEntries` bulk ones and as many others). */
  readonly kept: number;
  /** Rows in the list (drawn or not, as it is virtual): kept entries that pass the filters. */
  readonly shown: number;
  /** Entries recorded since the last render, such as those recorded while paused. */
  readonly pending: number;
  readonly totals: Readonly<FrameLogTotals>;
}

export interface FrameInspector {
  /** The widget's root element, already inside the container. */
  readonly element: HTMLElement;
  /** Raw WebSocket data: a string for a text message, bytes for a binary one. */
  record(direction: Direction, data: string | Uint8Array): void;
  /** A row that is not from the wire, such as "WebSocket opened". */
  note(text: string): void;
  /** A new connection: fresh decoders, so nothing half-read from the old one spills over. */
  restart(): void;
  clear(): void;
  pause(): void;
  resume(): void;
  readonly paused: boolean;
  setFilter(filter: Partial<InspectorFilter>): void;
  readonly filter: InspectorFilter;
  counts(): InspectorCounts;
  /** Renders now instead of at the next animation frame. */
  flush(): void;
  /** Removes the widget from the page. */
  destroy(): void;
}

/** The commands the filter offers, in the order a session uses them. */
const FILTER_COMMANDS = [
  'CONNECT',
  'CONNECTED',
  'SUBSCRIBE',
  'UNSUBSCRIBE',
  'SEND',
  'MESSAGE',
  'RECEIPT',
  'BEGIN',
  'COMMIT',
  'ABORT',
  'ACK',
  'NACK',
  'ERROR',
  'DISCONNECT',
  'HEARTBEAT',
  'DECODE ERROR',
  'NOTE',
] as const;

const ARROWS: Readonly<Record<Direction, { readonly arrow: string; readonly label: string }>> = {
  out: { arrow: '↑', label: 'sent' },
  in: { arrow: '↓', label: 'received' },
};

/** Rows within this many pixels of the bottom count as "at the bottom": the list follows new rows. */
const FOLLOW_SLACK_PX = 24;
/** Every row is this tall (the stylesheet's `--sgi-row-height` is set from it): never measured. */
const ROW_HEIGHT_PX = 20;
/** See `FrameInspectorOptions.streamIntervalMs`. */
const DEFAULT_STREAM_INTERVAL_MS = 100;
/** Rows drawn beyond each edge of the viewport, so a quick scroll shows no gap. */
const OVERSCAN_ROWS = 4;
/** The viewport's height in rows until it is measured (and where it never is, as in a DOM without layout). */
const UNMEASURED_ROWS = 60;

/** One reusable row of the list: its elements, and the entry it shows now. */
interface RowSlot {
  readonly item: HTMLLIElement;
  readonly row: HTMLButtonElement;
  readonly glyph: Text;
  readonly arrowLabel: HTMLSpanElement;
  readonly arrow: HTMLSpanElement;
  readonly time: HTMLSpanElement;
  readonly command: HTMLSpanElement;
  readonly destination: HTMLSpanElement;
  readonly size: HTMLSpanElement;
  entry: InspectorEntry | undefined;
}

function defaultSchedule(render: () => void): void {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(render);
  else setTimeout(render, 16);
}

export function createFrameInspector(
  container: HTMLElement,
  options: FrameInspectorOptions = {},
): FrameInspector {
  const log = new FrameLog(options);
  const schedule = options.schedule ?? defaultSchedule;
  const streamIntervalMs = options.streamIntervalMs ?? DEFAULT_STREAM_INTERVAL_MS;
  let lastRenderAt = Number.NEGATIVE_INFINITY;
  let streamTimer: ReturnType<typeof setTimeout> | undefined;
  const lessonsBase = options.lessonsBase === undefined ? DEFAULT_LESSONS_BASE : options.lessonsBase;
  let filter: InspectorFilter = { ...NO_FILTER, ...options.filter };
  let paused = false;
  let renderQueued = false;
  /** Every entry with an id up to this one has been considered for the list. */
  let renderedUpTo = 0;
  let selected: InspectorEntry | undefined;
  /** The kept entries that pass the filters, oldest first: the list's rows, drawn or not. */
  let view: InspectorEntry[] = [];
  /** The view must be built afresh from the log (a filter changed, the log was cleared…). */
  let viewStale = true;
  let evictionsSeen = 0;
  /** What the viewport shows, as told by observers and scroll events (never read in a render). */
  let viewportRows: number | undefined;
  let scrollTop = 0;
  let following = true;
  /** While not following: the entry at the top of the viewport, kept there as old rows are dropped. */
  let anchorId = 0;
  let onScreen = true;
  let drawnHeight = -1;
  let drawnPadding = -1;
  const slots: RowSlot[] = [];
  let countsText = '';
  const doc = container.ownerDocument;

  // ── Skeleton ──────────────────────────────────────────────────────────────────────────────────
  const root = element('section', 'sgi');
  root.setAttribute('aria-label', options.title ?? 'STOMP frames');
  root.dataset.testid = 'inspector';

  const toolbar = element('div', 'sgi-toolbar');
  const title = element('h2', 'sgi-title', options.title ?? 'STOMP frames');

  const commandSelect = doc.createElement('select');
  commandSelect.dataset.testid = 'inspector-command-filter';
  commandSelect.append(option('all', ''));
  for (const command of FILTER_COMMANDS) commandSelect.append(option(command, command));
  commandSelect.value = filter.command;

  const destinationInput = doc.createElement('input');
  destinationInput.type = 'search';
  destinationInput.placeholder = '/topic/… or tx-1';
  destinationInput.dataset.testid = 'inspector-destination-filter';
  destinationInput.value = filter.destination;

  const heartbeatToggle = doc.createElement('input');
  heartbeatToggle.type = 'checkbox';
  heartbeatToggle.dataset.testid = 'inspector-hide-heartbeats';
  heartbeatToggle.checked = filter.hideHeartbeats;

  const pauseButton = button('Pause', 'inspector-pause');
  pauseButton.setAttribute('aria-pressed', 'false');
  const clearButton = button('Clear', 'inspector-clear');
  const countsOutput = element('span', 'sgi-counts');
  countsOutput.dataset.testid = 'inspector-counts';

  toolbar.append(
    title,
    labelled('Command', commandSelect),
    labelled('Destination', destinationInput),
    labelled('Hide heart-beats', heartbeatToggle, true),
    pauseButton,
    clearButton,
    countsOutput,
  );

  const body = element('div', 'sgi-body');
  const listPane = element('div', 'sgi-list-pane');
  const columns = element('div', 'sgi-columns');
  columns.setAttribute('aria-hidden', 'true');
  for (const heading of ['', 'time', 'command', 'destination', 'size']) {
    columns.append(element('span', '', heading));
  }
  const viewport = element('div', 'sgi-viewport');
  const list = element('ol', 'sgi-list');
  list.dataset.testid = 'inspector-rows';
  list.setAttribute('aria-label', 'Frames, oldest first');
  viewport.append(list);
  listPane.append(columns, viewport);
  root.style.setProperty('--sgi-row-height', `${ROW_HEIGHT_PX}px`);

  const details = element('div', 'sgi-details');
  details.dataset.testid = 'inspector-details';
  details.setAttribute('aria-live', 'polite');
  showDetails(undefined);

  body.append(listPane, details);
  root.append(toolbar, body);
  container.append(root);

  // ── Events ────────────────────────────────────────────────────────────────────────────────────
  commandSelect.addEventListener('change', () => setFilter({ command: commandSelect.value }));
  destinationInput.addEventListener('input', () => setFilter({ destination: destinationInput.value }));
  heartbeatToggle.addEventListener('change', () => setFilter({ hideHeartbeats: heartbeatToggle.checked }));
  pauseButton.addEventListener('click', () => (paused ? resume() : pause()));
  clearButton.addEventListener('click', () => clear());
  list.addEventListener('click', (event) => {
    const row = (event.target as Element | null)?.closest('.sgi-row');
    const entry = slots.find((slot) => slot.row === row)?.entry;
    if (entry) select(entry);
  });
  viewport.addEventListener(
    'scroll',
    () => {
      // Layout is clean when a scroll event runs: reading the offset here costs nothing.
      scrollTop = viewport.scrollTop;
      const rows = viewportRows ?? UNMEASURED_ROWS;
      following = scrollTop + rows * ROW_HEIGHT_PX >= view.length * ROW_HEIGHT_PX - FOLLOW_SLACK_PX;
      anchorId = view[Math.floor(scrollTop / ROW_HEIGHT_PX)]?.id ?? 0;
      queueRender();
    },
    { passive: true },
  );
  const win = doc.defaultView; // the window the widget lives in (observers are per window)
  const resizeObserver =
    win && 'ResizeObserver' in win
      ? new win.ResizeObserver((records) => {
          const height = records[records.length - 1]?.contentRect.height ?? 0;
          viewportRows = Math.ceil(height / ROW_HEIGHT_PX);
          queueRender();
        })
      : undefined;
  resizeObserver?.observe(viewport);
  const intersectionObserver =
    win && 'IntersectionObserver' in win
      ? new win.IntersectionObserver((records) => {
          const now = records[records.length - 1]?.isIntersecting ?? true;
          if (now && !onScreen) queueRender();
          onScreen = now;
        })
      : undefined;
  intersectionObserver?.observe(viewport);

  // ── Rendering ─────────────────────────────────────────────────────────────────────────────────
  function queueRender(): void {
    if (streamTimer !== undefined) {
      clearTimeout(streamTimer);
      streamTimer = undefined;
    }
    if (renderQueued) return;
    renderQueued = true;
    schedule(render);
  }

  /** New frames: drawn at the next animation frame, or when the stream interval allows. */
  function queueStreamRender(): void {
    if (renderQueued || streamTimer !== undefined) return;
    const wait = lastRenderAt + streamIntervalMs - performance.now();
    if (wait <= 0) queueRender();
    else
      streamTimer = setTimeout(() => {
        streamTimer = undefined;
        queueRender();
      }, wait);
  }

  function render(): void {
    renderQueued = false;
    lastRenderAt = performance.now();
    // Out of sight, nothing is drawn, not even the counts: it all catches up when it comes back.
    if (!onScreen) return;
    if (!paused) {
      updateView();
      drawRows();
    }
    renderCounts();
  }

  /** Brings the view up to date with the log: appends what is new, or rebuilds after drops. */
  function updateView(): void {
    if (viewStale || log.evictions !== evictionsSeen) {
      // Bounded by the log's capacity, whatever the arrival rate.
      view = log.kept().filter((entry) => matchesFilter(entry, filter));
      viewStale = false;
    } else {
      for (const entry of log.kept(renderedUpTo)) if (matchesFilter(entry, filter)) view.push(entry);
    }
    evictionsSeen = log.evictions;
    renderedUpTo = log.nextEntryId - 1;
  }

  /** Draws the rows in view into the pool of row elements. */
  function drawRows(): void {
    const rows = viewportRows ?? UNMEASURED_ROWS;
    const total = view.length;
    const lastFirst = Math.max(0, total - rows);
    let first: number;
    if (following) first = lastFirst;
    else {
      first = Math.min(lastFirst, firstIndexFrom(anchorId));
      anchorId = view[first]?.id ?? 0;
    }
    const start = Math.max(0, first - OVERSCAN_ROWS);
    const end = Math.min(total, first + rows + OVERSCAN_ROWS);

    const height = total * ROW_HEIGHT_PX;
    if (height !== drawnHeight) list.style.height = `${height}px`;
    const padding = start * ROW_HEIGHT_PX;
    if (padding !== drawnPadding) list.style.paddingTop = `${padding}px`;

    while (slots.length < end - start) slots.push(createSlot());
    for (let index = 0; index < slots.length; index++) {
      const slot = slots[index]!;
      const entry = view[start + index];
      if (entry === undefined) {
        if (slot.item.parentNode !== null) slot.item.remove();
        slot.entry = undefined;
        continue;
      }
      if (slot.item.parentNode === null) list.append(slot.item);
      if (slot.entry !== entry) fillSlot(slot, entry);
    }

    // Keeping the newest row in view (or the anchored one) is the only write that needs layout,
    // and it happens only when the list's height or the anchored row's place changed.
    const wantedTop = following ? Math.max(0, height - rows * ROW_HEIGHT_PX) : first * ROW_HEIGHT_PX;
    if ((height !== drawnHeight || !following) && wantedTop !== scrollTop && viewportRows !== undefined) {
      scrollTop = wantedTop;
      viewport.scrollTop = wantedTop;
    }
    drawnHeight = height;
    drawnPadding = padding;
  }

  /** The index of the first entry in the view with an id at or above `id` (the view is in id order). */
  function firstIndexFrom(id: number): number {
    let low = 0;
    let high = view.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (view[middle]!.id < id) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  function rerenderAll(): void {
    viewStale = true;
    following = true;
    queueRender();
  }

  function createSlot(): RowSlot {
    const item = doc.createElement('li');
    const row = doc.createElement('button');
    row.type = 'button';
    row.dataset.testid = 'inspector-row';
    const arrow = element('span', 'sgi-arrow');
    const glyph = doc.createTextNode('');
    const arrowLabel = element('span', 'sgi-visually-hidden');
    arrow.append(glyph, arrowLabel);
    const time = element('span', 'sgi-time');
    const command = element('span', 'sgi-command');
    const destination = element('span', 'sgi-destination');
    const size = element('span', 'sgi-size');
    row.append(arrow, time, command, destination, size);
    item.append(row);
    return { item, row, glyph, arrowLabel, arrow, time, command, destination, size, entry: undefined };
  }

  function fillSlot(slot: RowSlot, entry: InspectorEntry): void {
    slot.entry = entry;
    const { row } = slot;
    const label = entryLabel(entry);
    row.className =
      entry.kind === 'note'
        ? `sgi-row sgi-${entry.kind}`
        : `sgi-row sgi-${entry.kind} sgi-${entry.direction}`;
    row.dataset.id = String(entry.id);
    row.dataset.command = label;
    if (entry.kind === 'note') {
      delete row.dataset.direction;
      slot.glyph.data = '•';
      slot.arrow.title = '';
      slot.arrowLabel.textContent = '';
    } else {
      row.dataset.direction = entry.direction;
      slot.glyph.data = ARROWS[entry.direction].arrow;
      slot.arrow.title = ARROWS[entry.direction].label;
      slot.arrowLabel.textContent = ` ${ARROWS[entry.direction].label}`;
    }
    slot.time.textContent = formatTime(entry.time);
    slot.command.textContent = label;
    slot.destination.textContent = rowSummary(entry);
    slot.size.textContent =
      entry.kind === 'frame' || entry.kind === 'heartbeat' ? formatBytes(entry.size) : '';
    if (entry === selected) row.setAttribute('aria-current', 'true');
    else row.removeAttribute('aria-current');
  }

  function renderCounts(): void {
    const { kept, shown, pending, totals } = counts();
    const parts = [
      `${shown} shown of ${kept} kept`,
      `${totals.frames} frames`,
      `${totals.heartbeats} heart-beats`,
    ];
    if (totals.errors > 0) parts.push(`${totals.errors} decode errors`);
    if (paused) parts.unshift(`paused: ${pending} new`);
    const text = parts.join(' · ');
    if (text !== countsText) countsOutput.textContent = countsText = text;
  }

  function select(entry: InspectorEntry): void {
    selected = entry;
    for (const slot of slots) {
      if (slot.entry === entry) slot.row.setAttribute('aria-current', 'true');
      else slot.row.removeAttribute('aria-current');
    }
    showDetails(entry);
  }

  function showDetails(entry: InspectorEntry | undefined): void {
    details.replaceChildren();
    if (entry === undefined) {
      details.append(element('p', 'sgi-hint', 'Select a row to see its headers and body.'));
      return;
    }
    const label = entryLabel(entry);
    const heading = element('h3', 'sgi-details-title', label);
    if (entry.kind !== 'note')
      heading.append(` ${ARROWS[entry.direction].arrow} ${ARROWS[entry.direction].label}`);
    details.append(heading);
    details.append(element('p', 'sgi-hint', FRAME_HINTS[label] ?? ''));
    const lesson = FRAME_LESSONS[label];
    if (lesson && lessonsBase !== null) {
      const link = element('a', 'sgi-lesson', `Lesson: ${lesson.title} →`);
      link.href = `${lessonsBase}${lesson.page}`;
      details.append(link);
    }
    const facts: [string, string][] = [['time', formatTime(entry.time)]];
    if (entry.kind === 'frame' || entry.kind === 'heartbeat') facts.push(['size', `${entry.size} bytes`]);
    if (entry.kind === 'frame') facts.push(['message', entry.binaryMessage ? 'binary' : 'text']);
    if (entry.kind === 'error') facts.push(['code', entry.code], ['error', entry.message]);
    if (entry.kind === 'note') facts.push(['note', entry.text]);
    details.append(definitionList(facts, 'sgi-facts'));

    if (entry.kind !== 'frame') return;
    details.append(element('h4', '', `Headers (${entry.headers.length})`));
    const headers = definitionList(entry.headers, 'sgi-headers');
    headers.dataset.testid = 'inspector-headers';
    details.append(headers);

    const truncated = entry.body.length < entry.bodyBytes;
    const view = bodyView(entry.body, truncated);
    const bodyHeading =
      view.kind === 'empty'
        ? 'Body: empty'
        : `Body (${entry.bodyBytes} bytes${view.kind === 'hex' ? ', hex' : ''})`;
    details.append(element('h4', '', bodyHeading));
    if (view.kind !== 'empty') {
      const pre = element('pre', `sgi-body-${view.kind}`, view.text);
      pre.dataset.testid = 'inspector-body';
      details.append(pre);
      if (truncated)
        details.append(element('p', 'sgi-hint', `Showing the first ${entry.body.length} bytes.`));
    }
  }

  // ── Public surface ────────────────────────────────────────────────────────────────────────────
  function setFilter(change: Partial<InspectorFilter>): void {
    filter = { ...filter, ...change };
    if (commandSelect.value !== filter.command) commandSelect.value = filter.command;
    if (destinationInput.value !== filter.destination) destinationInput.value = filter.destination;
    heartbeatToggle.checked = filter.hideHeartbeats;
    rerenderAll();
  }

  function pause(): void {
    paused = true;
    pauseButton.textContent = 'Resume';
    pauseButton.setAttribute('aria-pressed', 'true');
    root.classList.add('sgi-paused');
    queueRender();
  }

  function resume(): void {
    paused = false;
    pauseButton.textContent = 'Pause';
    pauseButton.setAttribute('aria-pressed', 'false');
    root.classList.remove('sgi-paused');
    queueRender();
  }

  function clear(): void {
    log.clear();
    selected = undefined;
    showDetails(undefined);
    rerenderAll();
  }

  function counts(): InspectorCounts {
    return {
      kept: log.size,
      shown: view.length,
      pending: log.nextEntryId - 1 - renderedUpTo,
      totals: { ...log.totals },
    };
  }

  queueRender();

  return {
    element: root,
    record(direction, data) {
      log.record(direction, data);
      queueStreamRender();
    },
    note(text) {
      log.note(text);
      queueStreamRender();
    },
    restart() {
      log.restart();
    },
    clear,
    pause,
    resume,
    get paused() {
      return paused;
    },
    setFilter,
    get filter() {
      return filter;
    },
    counts,
    flush: render,
    destroy() {
      clearTimeout(streamTimer);
      resizeObserver?.disconnect();
      intersectionObserver?.disconnect();
      root.remove();
    },
  };

  // ── Small DOM helpers ─────────────────────────────────────────────────────────────────────────
  function element<K extends keyof HTMLElementTagNameMap>(
    tag: K,
    className: string,
    text?: string,
  ): HTMLElementTagNameMap[K] {
    const node = doc.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function button(text: string, testid: string): HTMLButtonElement {
    const node = element('button', 'sgi-button', text);
    node.type = 'button';
    node.dataset.testid = testid;
    return node;
  }

  function option(text: string, value: string): HTMLOptionElement {
    const node = element('option', '', text);
    node.value = value;
    return node;
  }

  function labelled(text: string, control: HTMLElement, after = false): HTMLLabelElement {
    const label = element('label', 'sgi-control');
    const caption = element('span', '', text);
    if (after) label.append(control, caption);
    else label.append(caption, control);
    return label;
  }

  function definitionList(
    pairs: readonly (readonly [string, string])[],
    className: string,
  ): HTMLDListElement {
    const list = element('dl', className);
    for (const [name, value] of pairs) list.append(element('dt', '', name), element('dd', '', value));
    return list;
  }
}

function rowSummary(entry: InspectorEntry): string {
  switch (entry.kind) {
    case 'frame':
      return entry.summary;
    case 'heartbeat':
      return '';
    case 'error':
      return entry.code;
    case 'note':
      return entry.text;
  }
}
