/**
 * Page benchmark: the production build (`pnpm build`) served by the production server
 * (`apps/server/dist/main.js`), driven in Debian's Chromium through Playwright, read through the
 * Chrome DevTools Protocol. The frame inspector is open and streaming on both pages.
 *
 * For the ticker and the game it prints: the main thread's busy share over a window (task time /
 * wall time, with script, style and layout shares), the longest tasks, input-to-next-paint for a
 * few clicks and key presses, the DOM's size and the JS heap. For the game, with two players
 * moving: the round trip and input→ack as the net-stats panel shows them and as the browser's
 * browser WebSocket timed them (independently of the page's script), the round trip of a plain Node
 * STOMP client on the same server (SEND→RECEIPT over TCP), and the panel's round trip with the
 * latency simulator at 50 ms each way.
 *
 *   pnpm build && pnpm --filter @stomping-ground/game bench
 *   PAGE_BENCH_SECONDS=20       the measuring window (default 20)
 *   PAGE_BENCH_PAGES=ticker     only these pages (comma-separated: ticker, game; default both)
 *   PAGE_BENCH_APPS=/path/apps  measure another build's apps (server, ticker and game built there)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from '@playwright/test';
import { encodeFrame, type Frame, FrameDecoder, getHeader } from '@stomping-ground/protocol';
import { findChromium } from '../../../playwright.chromium';
import {
  type BusyShare,
  type InteractionTiming,
  measureBusyShare,
  measureInteractions,
  measureSize,
  median,
  OBSERVERS_SCRIPT,
  type PageSize,
} from './support/page-metrics';
import { WireTimings } from './support/wire-timings';

const SECONDS = Number(process.env.PAGE_BENCH_SECONDS ?? 20);
const PAGES = (process.env.PAGE_BENCH_PAGES ?? 'ticker,game').split(',');
const SIMULATED_LATENCY_MS = 50;
/** The apps to measure: this checkout's, or another build's (PAGE_BENCH_APPS, to compare two versions). */
const apps =
  process.env.PAGE_BENCH_APPS?.replace(/\/?$/, '/') ?? fileURLToPath(new URL('../../', import.meta.url));
const serverMain = `${apps}server/dist/main.js`;

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

// ── Server ────────────────────────────────────────────────────────────────────────────────────────

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function startServer(port: number, tcpPort: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [serverMain], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      STOMP_TCP_PORT: String(tcpPort),
      STOMP_TCP_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      // Durable queues in memory: the benchmark leaves no files behind.
      DATA_DIR: ':memory:',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the server did not answer /healthz within 20 s');
}

/** A plain Node STOMP client over TCP: SEND with a receipt, RECEIPT back, `count` times in a row. */
async function nodeRoundTrips(port: number, count: number): Promise<number[]> {
  const socket = tcpConnect(port, '127.0.0.1');
  const frames: Frame[] = [];
  let wake: (() => void) | undefined;
  const decoder = new FrameDecoder({
    onFrame: (frame) => {
      frames.push(frame);
      wake?.();
    },
    onHeartbeat: () => {},
  });
  socket.on('data', (chunk: Buffer) => decoder.push(new Uint8Array(chunk)));
  const next = async (): Promise<Frame> => {
    while (frames.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    return frames.shift()!;
  };
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const write = (frame: Parameters<typeof encodeFrame>[0]) => socket.write(encodeFrame(frame).bytes);
  write({
    command: 'CONNECT',
    headers: [
      ['accept-version', '1.2'],
      ['host', 'localhost'],
      ['login', 'guest'],
      ['passcode', 'guest'],
    ],
  });
  const connected = await next();
  if (connected.command !== 'CONNECTED') throw new Error(`CONNECT answered with ${connected.command}`);
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    write({
      command: 'SEND',
      headers: [
        ['destination', '/topic/page-bench'],
        ['receipt', `r-${i}`],
      ],
      body: 'x',
    });
    const answer = await next();
    if (answer.command !== 'RECEIPT' || getHeader(answer.headers, 'receipt-id') !== `r-${i}`) {
      throw new Error(`expected RECEIPT r-${i}, got ${answer.command}`);
    }
    times.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  socket.destroy();
  return times;
}

// ── Pages ─────────────────────────────────────────────────────────────────────────────────────────

async function openPage(browser: Browser, url: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addInitScript(OBSERVERS_SCRIPT);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`page error on ${url}: ${error.message}`));
  await page.goto(url);
  return { context, page };
}

interface PageReport {
  readonly name: string;
  readonly busy: BusyShare;
  readonly interactions: InteractionTiming[];
  readonly size: PageSize;
  readonly inspectorRows: number;
}

async function inspectorRows(page: Page): Promise<number> {
  return page.getByTestId('inspector-row').count();
}

async function benchTicker(browser: Browser, baseUrl: string): Promise<PageReport> {
  const { context, page } = await openPage(browser, `${baseUrl}/ticker/`);
  await page.getByTestId('connection-status').and(page.locator('[data-state="connected"]')).waitFor();
  await page.getByTestId('quote-row').nth(2).waitFor();
  const cdp = await context.newCDPSession(page);
  await page.waitForTimeout(3000); // the feed's first snapshots and charts settle
  const busy = await measureBusyShare(page, cdp, SECONDS);
  const click = (locator: ReturnType<Page['getByTestId']>) => async () => {
    const box = await locator.boundingBox();
    if (box === null) throw new Error('not visible');
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  };
  const interactions = await measureInteractions(page, [
    { label: 'click a quote row (select symbol)', act: click(page.getByTestId('quote-select').nth(1)) },
    { label: 'click another quote row', act: click(page.getByTestId('quote-select').nth(2)) },
    { label: 'click the 1m chart interval', act: click(page.getByTestId('chart-interval-1m')) },
    { label: 'click the order quantity field', act: click(page.getByTestId('ticket-quantity')) },
    { label: 'key "5" in the quantity', act: () => page.keyboard.press('5') },
    { label: 'key Backspace', act: () => page.keyboard.press('Backspace') },
    { label: 'click the inspector Pause', act: click(page.getByTestId('inspector-pause')) },
    { label: 'click the inspector Resume', act: click(page.getByTestId('inspector-pause')) },
  ]);
  const size = await measureSize(page, cdp);
  const rows = await inspectorRows(page);
  await context.close();
  return { name: 'ticker', busy, interactions, size, inspectorRows: rows };
}

interface GameReport extends PageReport {
  readonly panelRttMs: number | undefined;
  readonly panelInputAckMs: number | undefined;
  readonly wireRttMs: number | undefined;
  readonly wireInputAckMs: number | undefined;
  readonly pendingInputs: number | undefined;
  readonly bufferMsMin: number | undefined;
  readonly simulated: { readonly panelRttMs: number | undefined; readonly wireRttMs: number | undefined };
}

async function panelValue(page: Page, testid: string): Promise<number | undefined> {
  const raw = await page.getByTestId(testid).getAttribute('data-value');
  return raw === null || raw === '' ? undefined : Number(raw);
}

const MOVES = ['ArrowUp', 'ArrowRight', 'ArrowDown', 'ArrowLeft'] as const;

/** Holds a changing arrow key until `until`; samples the panel once a second meanwhile. */
async function steer(page: Page, until: number, sample?: () => Promise<void>): Promise<void> {
  let turn = 0;
  while (Date.now() < until - 600) {
    const key = MOVES[turn++ % MOVES.length]!;
    await page.keyboard.down(key);
    await page.waitForTimeout(500);
    await page.keyboard.up(key);
    await sample?.();
    await page.waitForTimeout(400);
  }
}

async function openPlayer(browser: Browser, url: string): Promise<{ context: BrowserContext; page: Page }> {
  const opened = await openPage(browser, url);
  await opened.page.locator('[data-testid="player-id"]:not([data-player-id=""])').waitFor();
  await opened.page
    .locator('[data-testid="stat-input-ack"]:not([data-value=""])')
    .waitFor({ state: 'attached' });
  return opened;
}

async function benchGame(browser: Browser, baseUrl: string): Promise<GameReport> {
  const first = await openPlayer(browser, `${baseUrl}/game/?name=bench-a`);
  const roomId = await first.page.getByTestId('room-id').getAttribute('data-room-id');
  const second = await openPlayer(browser, `${baseUrl}/game/?name=bench-b&room=${roomId}`);
  const page = first.page;
  const cdp = await first.context.newCDPSession(page);
  await cdp.send('Network.enable');
  const wire = new WireTimings(cdp);
  await page.waitForTimeout(3000);
  wire.reset();

  const samples = {
    rtt: [] as number[],
    ack: [] as number[],
    pending: [] as number[],
    buffer: [] as number[],
  };
  const sample = async () => {
    const [rtt, ack, pending, buffer] = await Promise.all([
      panelValue(page, 'stat-rtt'),
      panelValue(page, 'stat-input-ack'),
      panelValue(page, 'stat-pending-inputs'),
      panelValue(page, 'stat-buffer-ms'),
    ]);
    if (rtt !== undefined) samples.rtt.push(rtt);
    if (ack !== undefined) samples.ack.push(ack);
    if (pending !== undefined) samples.pending.push(pending);
    if (buffer !== undefined) samples.buffer.push(buffer);
  };
  const busy = await measureBusyShare(page, cdp, SECONDS, async (until) => {
    await Promise.all([steer(page, until, sample), steer(second.page, until)]);
  });
  const wireRtt = median(wire.roundTrips);
  const wireAck = median(wire.inputAcks);

  const interactions = await measureInteractions(page, [
    { label: 'key ArrowRight (move)', act: () => page.keyboard.press('ArrowRight') },
    { label: 'key Space (dash)', act: () => page.keyboard.press('Space') },
    { label: 'key ArrowLeft (move)', act: () => page.keyboard.press('ArrowLeft') },
    { label: 'click the inspector Pause', act: () => page.getByTestId('inspector-pause').click() },
    { label: 'click the inspector Resume', act: () => page.getByTestId('inspector-pause').click() },
  ]);
  const size = await measureSize(page, cdp);
  const rows = await inspectorRows(page);
  await first.context.close();

  // The latency simulator at N ms each way: the panel should show about 2N + the loopback round trip.
  const delayed = await openPlayer(
    browser,
    `${baseUrl}/game/?name=bench-c&room=${roomId}&latency=${SIMULATED_LATENCY_MS}`,
  );
  const delayedCdp = await delayed.context.newCDPSession(delayed.page);
  await delayedCdp.send('Network.enable');
  const delayedWire = new WireTimings(delayedCdp);
  await delayed.page.waitForTimeout(3000);
  delayedWire.reset();
  const delayedRtt: number[] = [];
  await steer(delayed.page, Date.now() + 8000, async () => {
    const value = await panelValue(delayed.page, 'stat-rtt');
    if (value !== undefined) delayedRtt.push(value);
  });
  const simulated = { panelRttMs: median(delayedRtt), wireRttMs: median(delayedWire.roundTrips) };
  await delayed.context.close();
  await second.context.close();

  return {
    name: 'game',
    busy,
    interactions,
    size,
    inspectorRows: rows,
    panelRttMs: median(samples.rtt),
    panelInputAckMs: median(samples.ack),
    wireRttMs: wireRtt,
    wireInputAckMs: wireAck,
    pendingInputs: median(samples.pending),
    bufferMsMin: samples.buffer.length > 0 ? Math.min(...samples.buffer) : undefined,
    simulated,
  };
}

// ── Report ────────────────────────────────────────────────────────────────────────────────────────

const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
const ms = (value: number | undefined) => (value === undefined ? '–' : `${value.toFixed(1)} ms`);

function printPage(report: PageReport): void {
  const { busy, size } = report;
  console.log(`\n## ${report.name}`);
  console.log(
    `main thread busy   ${pct(busy.share)} over ${busy.seconds.toFixed(1)} s (script ${pct(busy.scriptShare)}, style ${pct(busy.styleShare)}, layout ${pct(busy.layoutShare)})`,
  );
  console.log(`main thread CPU    ${pct(busy.cpuShare)} (its tasks' thread time over wall time)`);
  console.log(
    `longest tasks      ${busy.longestTasks.length === 0 ? 'none of 50 ms or more' : busy.longestTasks.map((task) => `${Math.round(task)} ms`).join(', ')}`,
  );
  console.log('input to next paint');
  for (const interaction of report.interactions) {
    console.log(
      `  ${interaction.label.padEnd(38)} ${interaction.ms === undefined ? '< 16 ms' : `${interaction.ms} ms`}`,
    );
  }
  console.log(
    `DOM                ${size.elements} elements, ${size.nodes} nodes (inspector rows in the DOM: ${report.inspectorRows})`,
  );
  console.log(`JS heap used       ${size.heapMiB.toFixed(1)} MiB`);
}

async function main(): Promise<void> {
  for (const page of ['ticker', 'game', 'server']) {
    if (!existsSync(`${apps}${page}/dist`))
      throw new Error(`apps/${page}/dist is missing: run \`pnpm build\` first`);
  }
  const [port, tcpPort] = [await freePort(), await freePort()];
  const server = await startServer(port, tcpPort);
  const choice = findChromium();
  if (choice.kind === 'missing') throw new Error(choice.message);
  const browser = await chromium.launch({ executablePath: choice.path, args: CHROMIUM_ARGS });
  try {
    const baseUrl = `http://127.0.0.1:${port}`;
    console.log(
      `# Page benchmark: production build of ${apps}, Chromium, inspector open (${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)})`,
    );
    const loopback = median(await nodeRoundTrips(tcpPort, 50));
    if (PAGES.includes('ticker')) printPage(await benchTicker(browser, baseUrl));
    if (!PAGES.includes('game')) return;
    const game = await benchGame(browser, baseUrl);
    printPage(game);
    console.log('two players moving (medians over the window):');
    console.log(
      `  round trip     panel ${ms(game.panelRttMs)}   browser WebSocket ${ms(game.wireRttMs)}   Node client over TCP ${ms(loopback)}`,
    );
    console.log(
      `  input → ack    panel ${ms(game.panelInputAckMs)}   browser WebSocket ${ms(game.wireInputAckMs)}`,
    );
    console.log(
      `  unacknowledged inputs (panel, median) ${game.pendingInputs ?? '–'}; interpolation buffer (panel, lowest) ${ms(game.bufferMsMin)}`,
    );
    console.log(
      `  latency simulator ${SIMULATED_LATENCY_MS} ms each way: panel round trip ${ms(game.simulated.panelRttMs)}, expected about ${ms((game.simulated.wireRttMs ?? 0) + 2 * SIMULATED_LATENCY_MS)} (2 × ${SIMULATED_LATENCY_MS} + browser WebSocket ${ms(game.simulated.wireRttMs)})`,
    );
  } finally {
    await browser.close();
    server.kill('SIGTERM');
  }
}

await main();
