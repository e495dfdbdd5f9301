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

/** A brief background flash; `Element.animate` needs no forced reflow to restart. */
export function flash(element: Element, direction: 'up' | 'down'): void {
  if (typeof element.animate !== 'function') return;
  const colour = direction === 'up' ? 'var(--flash-up)' : 'var(--flash-down)';
  element.animate([{ backgroundColor: colour }, { backgroundColor: 'transparent' }], {
    duration: 700,
    easing: 'ease-out',
  });
}

/** Runs `render` at most once per animation frame, however often `schedule` is called. */
export function frameScheduler(render: () => void): () => void {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      render();
    });
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
