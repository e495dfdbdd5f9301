/**
 * The frame inspector widget: a toolbar (filters, pause, clear), a list of rows, and the details
 * of the selected row. Framework-free: it owns the DOM inside its root element and nothing else.
 *
 * Recording is cheap and rendering is batched: `record()` only decodes into the `FrameLog`, and at
 * most once per animation frame the list drops the rows whose entries the log no longer keeps,
 * then appends the rows recorded since. At a hundred frames a second that is one DOM update per
 * screen refresh, and the list never holds more rows than the log keeps.
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
  /** Where the lessons site is, for a "Lesson" link under each hint; `null` leaves the links out. Default `/docs/`. */
  readonly lessonsBase?: string | null;
}

export interface InspectorCounts {
  /** Entries the log keeps (at most `maxEntries` bulk ones and as many others). */
  readonly kept: number;
  /** Rows in the list: kept entries that pass the filters and have been rendered. */
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
  const lessonsBase = options.lessonsBase === undefined ? DEFAULT_LESSONS_BASE : options.lessonsBase;
  let filter: InspectorFilter = { ...NO_FILTER, ...options.filter };
  let paused = false;
  let renderQueued = false;
  /** Every entry with an id up to this one has been considered for the list. */
  let renderedUpTo = 0;
  let selected: InspectorEntry | undefined;
  let selectedRow: HTMLElement | undefined;
  const entryOfRow = new WeakMap<Element, InspectorEntry>();
  /** The list items on screen, by entry id. */
  const rendered = new Map<number, { readonly item: HTMLLIElement; readonly entry: InspectorEntry }>();
  let evictionsSeen = 0;
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
  const list = element('ol', 'sgi-list');
  list.dataset.testid = 'inspector-rows';
  list.setAttribute('aria-label', 'Frames, oldest first');
  listPane.append(columns, list);

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
    const entry = row ? entryOfRow.get(row) : undefined;
    if (row instanceof HTMLElement && entry) select(row, entry);
  });

  // ── Rendering ─────────────────────────────────────────────────────────────────────────────────
  function queueRender(): void {
    if (renderQueued) return;
    renderQueued = true;
    schedule(render);
  }

  function render(): void {
    renderQueued = false;
    if (!paused) renderRows();
    renderCounts();
  }

  function renderRows(): void {
    // Rows whose entries the log has dropped go, so the list never outgrows the log.
    if (log.evictions !== evictionsSeen) {
      evictionsSeen = log.evictions;
      for (const [id, row] of rendered) {
        if (log.isKept(row.entry)) continue;
        row.item.remove();
        rendered.delete(id);
      }
    }
    const follow = list.scrollHeight - list.scrollTop - list.clientHeight <= FOLLOW_SLACK_PX;
    const fragment = doc.createDocumentFragment();
    for (const entry of log.kept(renderedUpTo)) {
      if (!matchesFilter(entry, filter)) continue;
      const item = createRow(entry);
      rendered.set(entry.id, { item, entry });
      fragment.append(item);
    }
    renderedUpTo = log.nextEntryId - 1;
    list.append(fragment);
    if (follow) list.scrollTop = list.scrollHeight;
  }

  function rerenderAll(): void {
    list.replaceChildren();
    rendered.clear();
    selectedRow = undefined;
    renderedUpTo = 0;
    queueRender();
  }

  function createRow(entry: InspectorEntry): HTMLLIElement {
    const item = doc.createElement('li');
    const row = doc.createElement('button');
    row.type = 'button';
    row.className = `sgi-row sgi-${entry.kind}`;
    row.dataset.testid = 'inspector-row';
    row.dataset.id = String(entry.id);
    const label = entryLabel(entry);
    row.dataset.command = label;
    if (entry.kind !== 'note') {
      row.dataset.direction = entry.direction;
      row.classList.add(`sgi-${entry.direction}`);
    }
    const arrow = element('span', 'sgi-arrow');
    if (entry.kind === 'note') {
      arrow.textContent = '•';
    } else {
      arrow.textContent = ARROWS[entry.direction].arrow;
      arrow.title = ARROWS[entry.direction].label;
      arrow.append(element('span', 'sgi-visually-hidden', ` ${ARROWS[entry.direction].label}`));
    }
    row.append(
      arrow,
      element('span', 'sgi-time', formatTime(entry.time)),
      element('span', 'sgi-command', label),
      element('span', 'sgi-destination', rowSummary(entry)),
      element(
        'span',
        'sgi-size',
        entry.kind === 'frame' || entry.kind === 'heartbeat' ? formatBytes(entry.size) : '',
      ),
    );
    entryOfRow.set(row, entry);
    if (entry === selected) {
      row.setAttribute('aria-current', 'true');
      selectedRow = row;
    }
    item.append(row);
    return item;
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
    countsOutput.textContent = parts.join(' · ');
  }

  function select(row: HTMLElement, entry: InspectorEntry): void {
    selectedRow?.removeAttribute('aria-current');
    row.setAttribute('aria-current', 'true');
    selectedRow = row;
    selected = entry;
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
      shown: list.childElementCount,
      pending: log.nextEntryId - 1 - renderedUpTo,
      totals: { ...log.totals },
    };
  }

  queueRender();

  return {
    element: root,
    record(direction, data) {
      log.record(direction, data);
      queueRender();
    },
    note(text) {
      log.note(text);
      queueRender();
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
