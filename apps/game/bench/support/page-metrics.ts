/**
 * What the page benchmark reads from a page, through the Chrome DevTools Protocol and the page's
 * own performance observers:
 *
 * - main-thread busy share: `Performance.getMetrics`' `TaskDuration` (seconds of main-thread tasks,
 *   cumulative) over a wall-clock window; and the main thread's CPU share, from a trace of the
 *   same window (the thread time, `tdur`, of its top-level tasks), which a machine busy with other
 *   work inflates far less: a task that waits for a core takes wall time, not CPU time;
 * - the longest tasks: the Long Tasks API (tasks of 50 ms or more);
 * - input-to-next-paint: the Event Timing API, grouped by `interactionId` as INP groups it (the
 *   duration runs from the input's hardware timestamp to the next paint after its handlers);
 * - DOM size (elements in the document) and the JS heap in use.
 */
import type { CDPSession, Page } from '@playwright/test';

/** Installed before any script of the page runs, so nothing is missed. */
export const OBSERVERS_SCRIPT = `
  (() => {
    const bench = { longTasks: [], events: [] };
    window.__pageBench = bench;
    try {
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) bench.longTasks.push({ start: entry.startTime, duration: entry.duration });
      }).observe({ type: 'longtask', buffered: true });
    } catch {}
    try {
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          if (entry.interactionId) bench.events.push({ id: entry.interactionId, name: entry.name, start: entry.startTime, duration: entry.duration });
        }
      }).observe({ type: 'event', durationThreshold: 16, buffered: true });
    } catch {}
  })();
`;

interface ObservedTask {
  readonly start: number;
  readonly duration: number;
}
interface ObservedEvent {
  readonly id: number;
  readonly name: string;
  readonly start: number;
  readonly duration: number;
}
declare global {
  interface Window {
    __pageBench?: { longTasks: ObservedTask[]; events: ObservedEvent[] };
  }
}

export interface BusyShare {
  readonly seconds: number;
  /** Main-thread task time over wall time, 0..1. */
  readonly share: number;
  /** Main-thread CPU time in tasks over wall time, 0..1. */
  readonly cpuShare: number;
  readonly scriptShare: number;
  readonly layoutShare: number;
  readonly styleShare: number;
  /** The longest tasks that began in the window, ms, longest first. */
  readonly longestTasks: number[];
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((metric) => [metric.name, metric.value]));
}

/** Measures the main thread over `seconds` while `during` (if any) drives the page. */
export async function measureBusyShare(
  page: Page,
  cdp: CDPSession,
  seconds: number,
  during?: (until: number) => Promise<void>,
): Promise<BusyShare> {
  await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
  const trace = await startTrace(cdp);
  const startedAt = await page.evaluate(() => performance.now());
  const before = await metrics(cdp);
  const wallStart = Date.now();
  const until = wallStart + seconds * 1000;
  if (during) await during(until);
  const remaining = until - Date.now();
  if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, remaining));
  const after = await metrics(cdp);
  const wall = (Date.now() - wallStart) / 1000;
  const cpuSeconds = await trace.stop();
  const delta = (name: string) => ((after[name] ?? 0) - (before[name] ?? 0)) / wall;
  const tasks = await page.evaluate(
    (from) =>
      (window.__pageBench?.longTasks ?? []).filter((task) => task.start >= from).map((task) => task.duration),
    startedAt,
  );
  return {
    seconds: wall,
    share: delta('TaskDuration'),
    cpuShare: cpuSeconds / wall,
    scriptShare: delta('ScriptDuration'),
    layoutShare: delta('LayoutDuration'),
    styleShare: delta('RecalcStyleDuration'),
    longestTasks: tasks.sort((a, b) => b - a).slice(0, 5),
  };
}

interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly tid: number;
  readonly tdur?: number;
  readonly args?: { readonly name?: string };
}

/** Traces the renderer's tasks; `stop()` returns the main thread's CPU seconds in them. */
async function startTrace(cdp: CDPSession): Promise<{ stop(): Promise<number> }> {
  const events: TraceEvent[] = [];
  const collect = (event: { value: object[] }) => events.push(...(event.value as TraceEvent[]));
  cdp.on('Tracing.dataCollected', collect);
  await cdp.send('Tracing.start', {
    traceConfig: { includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] },
  });
  return {
    async stop() {
      const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
      await cdp.send('Tracing.end');
      await complete;
      cdp.off('Tracing.dataCollected', collect);
      const main = events.find(
        (event) => event.name === 'thread_name' && event.args?.name === 'CrRendererMain',
      );
      let micros = 0;
      for (const event of events) {
        if (event.tid === main?.tid && event.name === 'RunTask' && event.ph === 'X')
          micros += event.tdur ?? 0;
      }
      return micros / 1e6;
    },
  };
}

export interface Interaction {
  readonly label: string;
  readonly act: () => Promise<void>;
}

export interface InteractionTiming {
  readonly label: string;
  /** Input to next paint, ms; `undefined` when under the Event Timing threshold (16 ms). */
  readonly ms: number | undefined;
}

/**
 * Runs each interaction in turn and reads its input-to-next-paint: the longest event entry of the
 * interactions that began between its start and the next one's.
 */
export async function measureInteractions(
  page: Page,
  interactions: readonly Interaction[],
): Promise<InteractionTiming[]> {
  const marks: number[] = [];
  for (const interaction of interactions) {
    marks.push(await page.evaluate(() => performance.now()));
    await interaction.act();
    // Let the page settle (two animation frames) before the next one.
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
    );
  }
  marks.push(Number.POSITIVE_INFINITY);
  // Event Timing entries are delivered after the paint they end at: wait for the observers to run.
  await page.waitForTimeout(500);
  const events = await page.evaluate(() => window.__pageBench?.events ?? []);
  return interactions.map((interaction, index) => {
    const from = marks[index]!;
    const to = marks[index + 1]!;
    const durations = events
      .filter((event) => event.start >= from && event.start < to)
      .map((event) => event.duration);
    return { label: interaction.label, ms: durations.length > 0 ? Math.max(...durations) : undefined };
  });
}

export interface PageSize {
  readonly elements: number;
  /** Every DOM node alive after a garbage collection (text nodes too), as DevTools counts. */
  readonly nodes: number;
  readonly heapMiB: number;
}

export async function measureSize(page: Page, cdp: CDPSession): Promise<PageSize> {
  await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
  // Nodes no longer in the document count until collected: collect them first, so the figure is
  // what the page holds.
  await cdp.send('HeapProfiler.collectGarbage');
  const elements = await page.evaluate(() => document.getElementsByTagName('*').length);
  const now = await metrics(cdp);
  return { elements, nodes: now.Nodes ?? 0, heapMiB: (now.JSHeapUsedSize ?? 0) / (1024 * 1024) };
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
