import { encodeFrameToString } from '@stomping-ground/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFrameInspector, type FrameInspector, type FrameInspectorOptions } from '../src/inspector';

function quote(symbol: string): string {
  return encodeFrameToString({
    command: 'MESSAGE',
    headers: [
      ['destination', `/topic/market/quotes.${symbol}`],
      ['subscription', 'sub-0'],
      ['message-id', '1'],
    ],
    body: `{"symbol":"${symbol}"}`,
  });
}

const receipt = encodeFrameToString({ command: 'RECEIPT', headers: [['receipt-id', 'order-1']] });

let container: HTMLElement;
let renders: Array<() => void>;

function mount(options: FrameInspectorOptions = {}): FrameInspector {
  return createFrameInspector(container, {
    schedule: (render) => renders.push(render),
    streamIntervalMs: 0,
    ...options,
  });
}

function rows(): HTMLElement[] {
  return [...container.querySelectorAll<HTMLElement>('[data-testid="inspector-row"]')];
}

function commands(): string[] {
  return rows().map((row) => row.dataset.command ?? '');
}

beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
  renders = [];
});

afterEach(() => {
  container.remove();
});

describe('createFrameInspector', () => {
  it('shows a row per frame with arrow, time, command, destination and size', () => {
    const inspector = mount({ now: () => new Date(2024, 0, 1, 12, 0, 1, 5).getTime() });
    inspector.record('in', quote('ACME'));
    inspector.flush();
    const [row] = rows();
    expect(row?.dataset.direction).toBe('in');
    expect(row?.querySelector('.sgi-arrow')?.textContent).toContain('↓');
    expect(row?.querySelector('.sgi-time')?.textContent).toBe('12:00:01.005');
    expect(row?.querySelector('.sgi-command')?.textContent).toBe('MESSAGE');
    expect(row?.querySelector('.sgi-destination')?.textContent).toBe('/topic/market/quotes.ACME');
    expect(row?.querySelector('.sgi-size')?.textContent).toBe(`${quote('ACME').length} B`);
  });

  it('shows a frame split across messages as one row, once complete', () => {
    const inspector = mount();
    const frame = quote('ACME');
    inspector.record('in', frame.slice(0, 10));
    inspector.flush();
    expect(rows()).toHaveLength(0);
    inspector.record('in', frame.slice(10));
    inspector.flush();
    expect(commands()).toEqual(['MESSAGE']);
  });

  it('shows heart-beats as rows, sent and received', () => {
    const inspector = mount();
    inspector.record('out', '\n');
    inspector.record('in', '\n');
    inspector.flush();
    expect(commands()).toEqual(['HEARTBEAT', 'HEARTBEAT']);
    expect(rows().map((row) => row.dataset.direction)).toEqual(['out', 'in']);
  });

  it('renders many records in one batch, once per animation frame', () => {
    const inspector = mount();
    for (let i = 0; i < 50; i++) inspector.record('in', quote('ACME'));
    expect(renders).toHaveLength(1); // one render, queued at creation, covers all 50
    renders.pop()?.();
    expect(rows()).toHaveLength(50);
    expect(inspector.counts().pending).toBe(0);
    inspector.record('in', quote('ACME'));
    expect(renders).toHaveLength(1);
  });

  it('redraws a stream at most every streamIntervalMs, and what the reader does at once', async () => {
    const inspector = mount({ streamIntervalMs: 40 });
    renders.pop()?.(); // the first render, queued at creation
    inspector.record('in', receipt);
    expect(renders).toHaveLength(0); // just drawn: the stream waits for its interval
    inspector.setFilter({ hideHeartbeats: true });
    expect(renders).toHaveLength(1); // a reader's change is drawn at the next animation frame
    renders.pop()?.();
    expect(commands()).toEqual(['RECEIPT']);
    inspector.record('in', receipt);
    await vi.waitFor(() => expect(renders).toHaveLength(1));
    renders.pop()?.();
    expect(commands()).toEqual(['RECEIPT', 'RECEIPT']);
  });

  it('filters by command', () => {
    const inspector = mount();
    inspector.record('in', quote('ACME') + receipt);
    inspector.setFilter({ command: 'RECEIPT' });
    inspector.flush();
    expect(commands()).toEqual(['RECEIPT']);
    inspector.setFilter({ command: '' });
    inspector.flush();
    expect(commands()).toEqual(['MESSAGE', 'RECEIPT']);
  });

  it('filters by destination substring, ignoring case', () => {
    const inspector = mount();
    inspector.record('in', quote('ACME') + quote('GLOBX') + receipt);
    const input = container.querySelector<HTMLInputElement>('[data-testid="inspector-destination-filter"]')!;
    input.value = 'globx';
    input.dispatchEvent(new Event('input'));
    inspector.flush();
    expect(rows().map((row) => row.querySelector('.sgi-destination')?.textContent)).toEqual([
      '/topic/market/quotes.GLOBX',
    ]);
  });

  it('hides heart-beats with the toggle', () => {
    const inspector = mount();
    inspector.record('in', `\n${quote('ACME')}\n`);
    const toggle = container.querySelector<HTMLInputElement>('[data-testid="inspector-hide-heartbeats"]')!;
    toggle.checked = true;
    toggle.dispatchEvent(new Event('change'));
    inspector.flush();
    expect(commands()).toEqual(['MESSAGE']);
    expect(inspector.filter.hideHeartbeats).toBe(true);
  });

  it('counts rows while paused without rendering them, and shows them on resume', () => {
    const inspector = mount();
    inspector.record('in', quote('ACME'));
    inspector.flush();
    container.querySelector<HTMLButtonElement>('[data-testid="inspector-pause"]')!.click();
    expect(inspector.paused).toBe(true);
    for (let i = 0; i < 3; i++) inspector.record('in', receipt);
    inspector.flush();
    expect(rows()).toHaveLength(1);
    expect(inspector.counts().pending).toBe(3);
    expect(container.querySelector('[data-testid="inspector-counts"]')?.textContent).toContain(
      'paused: 3 new',
    );
    inspector.resume();
    inspector.flush();
    expect(commands()).toEqual(['MESSAGE', 'RECEIPT', 'RECEIPT', 'RECEIPT']);
  });

  it('keeps at most maxEntries rows, the newest, however fast frames come', () => {
    const inspector = mount({ maxEntries: 5 });
    for (let i = 0; i < 3; i++) inspector.record('out', '\n');
    inspector.flush();
    for (let i = 0; i < 500; i++) inspector.record('in', receipt);
    inspector.flush();
    expect(rows()).toHaveLength(5);
    expect(commands()).toEqual(Array(5).fill('RECEIPT'));
    expect(inspector.counts()).toMatchObject({ kept: 5, shown: 5 });
    expect(inspector.counts().totals.frames).toBe(500);
  });

  it('keeps a RECEIPT in view while a flood of topic MESSAGEs scrolls by', () => {
    const inspector = mount({ maxEntries: 10 });
    inspector.record('out', '\n');
    inspector.record('in', receipt);
    inspector.flush();
    for (let i = 0; i < 200; i++) {
      inspector.record('in', quote('ACME'));
      if (i % 50 === 0) inspector.flush();
    }
    inspector.flush();
    expect(commands()).toEqual(['HEARTBEAT', 'RECEIPT', ...Array(10).fill('MESSAGE')]);
    expect(inspector.counts()).toMatchObject({ kept: 12, shown: 12 });
  });

  it('drops rows while paused past the bound, and shows only the kept ones on resume', () => {
    const inspector = mount({ maxEntries: 4 });
    inspector.pause();
    for (let i = 0; i < 10; i++) inspector.record('out', '\n');
    inspector.resume();
    inspector.flush();
    expect(rows().map((row) => row.dataset.id)).toEqual(['7', '8', '9', '10']);
  });

  it('draws only the rows in view: the newest, in a fixed number of elements however many are kept', () => {
    const inspector = mount({ maxEntries: 2000 });
    for (let i = 0; i < 100; i++) inspector.record('in', receipt);
    inspector.flush();
    const drawnAfter100 = rows().length;
    expect(drawnAfter100).toBeLessThan(100);
    for (let i = 0; i < 1900; i++) inspector.record('in', receipt);
    inspector.flush();
    expect(rows()).toHaveLength(drawnAfter100);
    expect(rows().at(-1)?.dataset.id).toBe('2000');
    expect(inspector.counts()).toMatchObject({ kept: 2000, shown: 2000 });
    // The list is as tall as every row would be, so the scroll bar tells where the view is.
    const list = container.querySelector<HTMLElement>('[data-testid="inspector-rows"]')!;
    expect(list.style.height).toBe(`${2000 * 20}px`);
  });

  it('reuses its row elements from frame to frame', () => {
    const inspector = mount({ maxEntries: 100 });
    for (let i = 0; i < 100; i++) inspector.record('in', receipt);
    inspector.flush();
    const before = rows();
    for (let i = 0; i < 50; i++) inspector.record('in', receipt);
    inspector.flush();
    const after = rows();
    expect(after).toHaveLength(before.length);
    expect(after.every((row) => before.includes(row))).toBe(true);
    expect(after.at(-1)?.dataset.id).toBe('150');
  });

  it('keeps the rows a reader scrolled up to in view while newer ones arrive', () => {
    const inspector = mount({ maxEntries: 1000 });
    for (let i = 0; i < 200; i++) inspector.record('in', receipt);
    inspector.flush();
    const viewport = container.querySelector<HTMLElement>('.sgi-viewport')!;
    viewport.scrollTop = 0;
    viewport.dispatchEvent(new Event('scroll'));
    for (let i = 0; i < 200; i++) inspector.record('in', receipt);
    inspector.flush();
    expect(rows()[0]?.dataset.id).toBe('1');
  });

  it('shows the headers and body of a selected row', () => {
    const inspector = mount();
    inspector.record('in', quote('ACME'));
    inspector.flush();
    rows()[0]!.click();
    const details = container.querySelector('[data-testid="inspector-details"]')!;
    expect(rows()[0]!.getAttribute('aria-current')).toBe('true');
    expect(details.querySelector('[data-testid="inspector-headers"]')?.textContent).toContain(
      'destination/topic/market/quotes.ACME',
    );
    expect(details.querySelector('[data-testid="inspector-body"]')?.textContent).toBe('{"symbol":"ACME"}');
  });

  it("links a selected row to the lesson that explains it, under the lessons site's base", () => {
    const inspector = mount();
    inspector.record('in', receipt);
    inspector.record('in', '\n');
    inspector.flush();
    rows()[0]!.click();
    expect(container.querySelector<HTMLAnchorElement>('a.sgi-lesson')?.getAttribute('href')).toBe(
      '/docs/stomp-frames.html',
    );
    rows()[1]!.click();
    expect(container.querySelector<HTMLAnchorElement>('a.sgi-lesson')?.getAttribute('href')).toBe(
      '/docs/heart-beating.html',
    );
  });

  it('leaves the lesson links out with lessonsBase null, and follows another base', () => {
    const without = mount({ lessonsBase: null });
    without.record('in', receipt);
    without.flush();
    rows()[0]!.click();
    expect(container.querySelector('a.sgi-lesson')).toBeNull();
    without.destroy();
    const elsewhere = mount({ lessonsBase: 'https://learn.example/stomp/' });
    elsewhere.record('in', receipt);
    elsewhere.flush();
    rows()[0]!.click();
    expect(container.querySelector<HTMLAnchorElement>('a.sgi-lesson')?.getAttribute('href')).toBe(
      'https://learn.example/stomp/stomp-frames.html',
    );
  });

  it('shows a binary body as hex', () => {
    const inspector = mount();
    const head = new TextEncoder().encode('MESSAGE\ndestination:/topic/b\ncontent-length:2\n\n');
    const frame = new Uint8Array(head.length + 3);
    frame.set(head);
    frame.set([0xff, 0x00, 0x00], head.length);
    inspector.record('in', frame);
    inspector.flush();
    rows()[0]!.click();
    expect(container.querySelector('.sgi-body-hex')?.textContent).toContain('ff 00');
  });

  it('shows notes, and clears everything on Clear', () => {
    const inspector = mount();
    inspector.note('WebSocket open');
    inspector.record('in', receipt);
    inspector.flush();
    expect(commands()).toEqual(['NOTE', 'RECEIPT']);
    container.querySelector<HTMLButtonElement>('[data-testid="inspector-clear"]')!.click();
    inspector.flush();
    expect(rows()).toHaveLength(0);
    expect(inspector.counts().totals.frames).toBe(0);
  });

  it('removes itself on destroy', () => {
    const inspector = mount();
    inspector.destroy();
    expect(container.querySelector('[data-testid="inspector"]')).toBeNull();
  });
});
