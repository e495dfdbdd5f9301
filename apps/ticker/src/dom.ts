/** A few DOM helpers, so the components read as what they build. */

type Attributes = Record<string, string | number | boolean | undefined>;
type Child = Node | string;

/**
 * `h('button', { type: 'button', 'data-testid': 'x' }, 'Buy')`. Attribute values: a string or
 * number is set, `true` sets the attribute empty, `false` and undefined leave it out.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children);
  return element;
}

/** The element with this id, which index.html must have. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** Sets text only when it changed: cheaper than a DOM write at quote rates. */
export function setText(element: Element, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

/**
 * The page's panels redraw together, in one animation frame, at most this often while the feed
 * streams: ten times a second, as the frame inspector does. Every redraw is a paint of the page;
 * measured with the page benchmark, twenty a second kept the main thread a third busy and ten keep
 * it near a fifth, and nobody reads prices faster. After a pause of that long, the next change is
 * drawn at the next animation frame.
 */
const MIN_REDRAW_MS = 100;
const due = new Set<() => void>();
let flushQueued = false;
let lastFlushAt = Number.NEGATIVE_INFINITY;

function flushRenders(): void {
  flushQueued = false;
  lastFlushAt = performance.now();
  const renders = [...due];
  due.clear();
  for (const render of renders) render();
}

/**
 * Runs `render` at most once per animation frame however often the returned function is called,
 * in the same frame as every other panel's render, and no more often than `MIN_REDRAW_MS`.
 */
export function frameScheduler(render: () => void): () => void {
  return () => {
    due.add(render);
    if (flushQueued) return;
    flushQueued = true;
    const wait = lastFlushAt + MIN_REDRAW_MS - performance.now();
    if (wait <= 0) requestAnimationFrame(flushRenders);
    else setTimeout(() => requestAnimationFrame(flushRenders), wait);
  };
}

/**
 * Makes `parent`'s children the rows for `items`, in order, reusing the row of an item whose value
 * is the same object as last time. Rows that did not change stay in the DOM untouched, so a click
 * on a button in one is not lost to a redraw caused by another.
 */
export function reconcileRows<T>(
  parent: Element,
  items: readonly T[],
  key: (item: T) => string,
  build: (item: T) => Element,
  cache: Map<string, { item: T; row: Element }>,
): void {
  const wanted = new Set<string>();
  for (const item of items) {
    const id = key(item);
    wanted.add(id);
    const cached = cache.get(id);
    if (cached?.item === item) continue;
    const row = build(item);
    cached?.row.replaceWith(row);
    cache.set(id, { item, row });
  }
  for (const [id, cached] of cache) {
    if (wanted.has(id)) continue;
    cached.row.remove();
    cache.delete(id);
  }
  let cursor = parent.firstElementChild;
  for (const item of items) {
    const { row } = cache.get(key(item))!;
    if (row === cursor) cursor = cursor.nextElementSibling;
    else parent.insertBefore(row, cursor);
  }
}

/** How long a price stays tinted after it changed. */
const FLASH_MS = 700;
const flashing = new Map<HTMLElement, number>();
let clearTimerSet = false;

/**
 * A brief tint behind a changed price (`data-flash`, styled in styles.css): set now, cleared about
 * `FLASH_MS` later in the panels' shared redraw, so the tints that end in one redraw's time go
 * together in one paint. It is a step, not a fade, on purpose: an animated background repaints
 * its cell every frame while it runs, and with twenty instruments ticking some cell always is.
 */
export function flash(element: HTMLElement, direction: 'up' | 'down'): void {
  if (element.dataset.flash !== direction) element.dataset.flash = direction;
  flashing.set(element, performance.now() + FLASH_MS);
  scheduleClear(FLASH_MS);
}

const clearFlashes = frameScheduler(() => {
  const now = performance.now() + MIN_REDRAW_MS; // what ends before the next redraw ends now
  let next = Number.POSITIVE_INFINITY;
  for (const [element, until] of flashing) {
    if (until <= now) {
      delete element.dataset.flash;
      flashing.delete(element);
    } else next = Math.min(next, until);
  }
  if (next !== Number.POSITIVE_INFINITY) scheduleClear(next - performance.now());
});

function scheduleClear(ms: number): void {
  if (clearTimerSet) return;
  clearTimerSet = true;
  setTimeout(
    () => {
      clearTimerSet = false;
      clearFlashes();
    },
    Math.max(0, ms),
  );
}

/** Where the lessons site lives on this server. */
export const LESSONS_BASE = '/docs/';

/** A small "lesson" link in a panel's head, to the page that explains what the panel shows. */
export function lessonLink(page: string, title: string): HTMLAnchorElement {
  return h(
    'a',
    {
      class: 'lesson-link',
      href: `${LESSONS_BASE}${page}`,
      title: `Lesson: ${title}`,
      'data-testid': 'lesson-link',
    },
    'lesson',
  );
}
