/**
 * The game page against the real server: two players in one room see each other move, a spectator
 * sees them both, a dropped connection resumes the same seat, and the arena really paints in
 * headless Chromium. Every page must end without console errors.
 */
import { type Browser, expect, test } from '@playwright/test';
import { freePort, ServerProcess } from '@stomping-ground/server/testing';
import {
  distance,
  type GamePage,
  openGame,
  playerIdOf,
  playerRow,
  positionOf,
  roomIdOf,
} from './support/game-page';

let server: ServerProcess;
const pages: GamePage[] = [];

test.beforeAll(async () => {
  server = new ServerProcess(await freePort());
  await server.start();
});

test.afterAll(async () => {
  await server.stop();
});

test.afterEach(async () => {
  for (const each of pages.splice(0)) {
    expect(each.errors, 'console errors').toEqual([]);
    await each.close();
  }
});

async function open(browser: Browser, query = ''): Promise<GamePage> {
  const game = await openGame(browser, server.baseUrl, query);
  pages.push(game);
  return game;
}

test('renders the arena in headless Chromium', async ({ browser }) => {
  await open(browser); // someone to watch
  const { page } = await open(browser, '?spectate=1');
  const arena = page.getByTestId('arena');
  await expect(arena).toHaveAttribute('data-renderer', /^(WEBGL|CANVAS)$/);
  await expect(page.locator('[data-testid="arena"] canvas')).toBeVisible();
  // A blank canvas has one colour; the floor, grid, orbs and players make many.
  await expect
    .poll(() => page.evaluate(() => window.__game!.paintedColours()), { timeout: 10_000 })
    .toBeGreaterThan(4);
});

test('a key held in one page moves that player in another page', async ({ browser }) => {
  const first = await open(browser);
  const roomId = await roomIdOf(first.page);
  const firstId = await playerIdOf(first.page);

  const second = await open(browser, `?room=${encodeURIComponent(roomId)}`);
  await expect(second.page.getByTestId('room-id')).toHaveAttribute('data-room-id', roomId);
  const secondId = await playerIdOf(second.page);
  expect(secondId).not.toBe(firstId);

  // Each sees the other.
  const seenBySecond = playerRow(second.page, firstId);
  await expect(seenBySecond).toBeVisible();
  await expect(playerRow(first.page, secondId)).toBeVisible();

  const before = await positionOf(seenBySecond);
  const ownBefore = await positionOf(first.page.getByTestId('own-position'));
  // Hold a direction away from the nearer wall, so the player has room to move.
  const key = before.x < 800 ? 'ArrowRight' : 'ArrowLeft';
  await first.page.keyboard.down(key);
  await expect
    .poll(async () => distance(await positionOf(seenBySecond), before), { timeout: 10_000 })
    .toBeGreaterThan(60);
  await first.page.keyboard.up(key);

  // The page that pressed the key moved its own player too (predicted, then confirmed).
  expect(distance(await positionOf(first.page.getByTestId('own-position')), ownBefore)).toBeGreaterThan(60);
  const after = await positionOf(seenBySecond);
  expect(key === 'ArrowRight' ? after.x > before.x : after.x < before.x).toBe(true);
});

test('a spectator sees both players and plays no seat', async ({ browser }) => {
  const first = await open(browser);
  const roomId = await roomIdOf(first.page);
  const firstId = await playerIdOf(first.page);
  const second = await open(browser, `?room=${encodeURIComponent(roomId)}`);
  const secondId = await playerIdOf(second.page);

  const spectator = await open(browser, `?room=${encodeURIComponent(roomId)}&spectate=1`);
  await expect(spectator.page.getByTestId('spectator-indicator')).toBeVisible();
  await expect(spectator.page.getByTestId('mode')).toHaveAttribute('data-mode', 'spectating');
  await expect(spectator.page.getByTestId('room-id')).toHaveAttribute('data-room-id', roomId);
  await expect(spectator.page.getByTestId('player-id')).toHaveAttribute('data-player-id', '');
  await expect(playerRow(spectator.page, firstId)).toBeVisible();
  await expect(playerRow(spectator.page, secondId)).toBeVisible();
  await expect(spectator.page.locator('[data-testid="player"][data-own="true"]')).toHaveCount(0);

  // And watches them move.
  const row = playerRow(spectator.page, secondId);
  const before = await positionOf(row);
  const key = before.y < 500 ? 'ArrowDown' : 'ArrowUp';
  await second.page.keyboard.down(key);
  await expect
    .poll(async () => distance(await positionOf(row), before), { timeout: 10_000 })
    .toBeGreaterThan(60);
  await second.page.keyboard.up(key);
});

test('a player whose connection drops takes the same seat back', async ({ browser }) => {
  const player = await open(browser);
  const roomId = await roomIdOf(player.page);
  const playerId = await playerIdOf(player.page);
  const watcher = await open(browser, `?room=${encodeURIComponent(roomId)}&spectate=1`);
  await expect(playerRow(watcher.page, playerId)).toBeVisible();

  const status = player.page.getByTestId('connection-status');
  await player.page.evaluate(() => window.__game!.dropConnection());
  await expect(status).not.toHaveAttribute('data-status', 'connected');
  await expect(status).toHaveAttribute('data-status', 'connected');
  await expect(player.page.getByTestId('message')).toContainText('resumed');
  await expect(player.page.getByTestId('player-id')).toHaveAttribute('data-player-id', String(playerId));
  await expect(player.page.getByTestId('room-id')).toHaveAttribute('data-room-id', roomId);

  // The resumed seat still answers the keys, as the other page sees.
  const row = playerRow(watcher.page, playerId);
  const before = await positionOf(row);
  const key = before.x < 800 ? 'ArrowRight' : 'ArrowLeft';
  await player.page.keyboard.down(key);
  await expect
    .poll(async () => distance(await positionOf(row), before), { timeout: 10_000 })
    .toBeGreaterThan(60);
  await player.page.keyboard.up(key);
});

test('a reload takes the same seat back too', async ({ browser }) => {
  const player = await open(browser);
  const roomId = await roomIdOf(player.page);
  const playerId = await playerIdOf(player.page);
  await player.page.reload();
  await expect(player.page.getByTestId('message')).toContainText('resumed');
  await expect(player.page.getByTestId('player-id')).toHaveAttribute('data-player-id', String(playerId));
  await expect(player.page.getByTestId('room-id')).toHaveAttribute('data-room-id', roomId);
});

test('the JSON snapshot mode keeps the game going and shows both sizes', async ({ browser }) => {
  const { page } = await open(browser);
  await playerIdOf(page);
  await page.getByTestId('snapshot-format-json').check();
  const sizes = page.getByTestId('snapshot-sizes');
  await expect(sizes).toHaveAttribute('data-json', /^\d+$/);
  await expect
    .poll(
      async () =>
        Number(await sizes.getAttribute('data-json')) > 3 * Number(await sizes.getAttribute('data-binary')),
    )
    .toBe(true);
  // Snapshots keep coming, now as JSON: a whole room in each, hundreds of bytes.
  const value = async (id: string) => Number(await page.getByTestId(id).getAttribute('data-value'));
  await expect.poll(() => value('stat-snapshot-bytes')).toBeGreaterThan(300);
  await expect.poll(() => value('stat-snapshot-rate')).toBeGreaterThan(5);
  const tick = await value('stat-tick');
  await expect.poll(() => value('stat-tick')).toBeGreaterThan(tick);

  const own = page.getByTestId('own-position');
  const before = await positionOf(own);
  const key = before.y < 500 ? 'ArrowDown' : 'ArrowUp';
  await page.keyboard.down(key);
  await expect.poll(async () => distance(await positionOf(own), before)).toBeGreaterThan(60);
  await page.keyboard.up(key);

  // The inspector shows the JSON snapshots and the inputs as they cross the wire (it draws
  // nothing while out of sight, so the test looks at it as a person would).
  const inspector = page.getByTestId('inspector');
  await inspector.scrollIntoViewIfNeeded();
  await expect(
    inspector.locator('[data-testid="inspector-row"][data-command="MESSAGE"]').first(),
  ).toBeAttached();
  await expect(
    inspector.locator('[data-testid="inspector-row"][data-command="SEND"]').first(),
  ).toBeAttached();
});

test('the inspector shows binary snapshot frames and the inputs', async ({ browser }) => {
  const { page } = await open(browser);
  await playerIdOf(page);
  await page.getByTestId('inspector').scrollIntoViewIfNeeded();
  const rows = page.getByTestId('inspector-rows');
  await expect(rows.locator('[data-command="MESSAGE"]').first()).toBeAttached();
  await expect(rows.locator('[data-command="SEND"]').filter({ hasText: '/input' }).first()).toBeAttached();
  // Open a snapshot frame: its body is bytes, shown as hex. Paused first, as a reader would: the
  // list reuses its rows as frames stream by, so a row under the pointer may show the next frame.
  await page.getByTestId('inspector-pause').click();
  await rows.locator('[data-command="MESSAGE"]').filter({ hasText: '/players/' }).last().click();
  await expect(page.getByTestId('inspector-details')).toContainText('binary');
});

test('the netcode switches are there and change what the page does', async ({ browser }) => {
  const { page } = await open(browser, '?latency=100');
  await playerIdOf(page);
  for (const id of [
    'toggle-prediction',
    'toggle-reconciliation',
    'toggle-interpolation',
    'toggle-server-position',
  ]) {
    await expect(page.getByTestId(id)).toBeVisible();
  }
  // 100 ms each way: the RECEIPT round trip takes at least 200 ms.
  await expect
    .poll(async () => Number(await page.getByTestId('stat-rtt').getAttribute('data-value')), {
      timeout: 10_000,
    })
    .toBeGreaterThanOrEqual(200);
  // Without prediction the own player still moves, once the server says so.
  await page.getByTestId('toggle-prediction').uncheck();
  await expect(page.getByTestId('toggle-reconciliation')).toBeDisabled();
  const own = page.getByTestId('own-position');
  const before = await positionOf(own);
  const key = before.x < 800 ? 'ArrowRight' : 'ArrowLeft';
  await page.keyboard.down(key);
  await expect.poll(async () => distance(await positionOf(own), before)).toBeGreaterThan(60);
  await page.keyboard.up(key);
});

test('the round trip on the panel follows the latency slider, both ways', async ({ browser }) => {
  const { page } = await open(browser);
  await playerIdOf(page);
  const rtt = async () => Number(await page.getByTestId('stat-rtt').getAttribute('data-value'));
  const setLatency = (ms: number) =>
    page.getByTestId('latency').evaluate((input: HTMLInputElement, value) => {
      input.value = String(value);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }, ms);
  await expect.poll(rtt).toBeGreaterThan(0);
  // 150 ms each way: the panel's figure is a median of fresh probes, so it follows within seconds.
  await setLatency(150);
  await expect.poll(rtt, { timeout: 15_000 }).toBeGreaterThanOrEqual(300);
  // And back down: no slow average keeps the old figure.
  await setLatency(0);
  await expect.poll(rtt, { timeout: 15_000 }).toBeLessThan(150);
  // The interpolation buffer is never shown negative, whatever the latency did meanwhile.
  expect(Number(await page.getByTestId('stat-buffer-ms').getAttribute('data-value'))).toBeGreaterThanOrEqual(
    0,
  );
});

test('on a phone, the touch stick moves the player', async ({ browser }) => {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    hasTouch: true,
    isMobile: true,
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  pages.push({ page, errors, close: () => context.close() });
  await page.goto(`${server.baseUrl}/game/`);
  await playerIdOf(page);
  // The net stats start folded on a phone, and nothing lies over the arena.
  await expect(page.getByTestId('net-stats').locator('details')).not.toHaveAttribute('open', '');
  const stick = page.getByTestId('touch-stick');
  await expect(stick).toBeVisible();
  await expect(page.getByTestId('touch-dash')).toBeVisible();

  const own = page.getByTestId('own-position');
  await expect(own).toHaveAttribute('data-x', /\d/);
  const before = await positionOf(own);
  const towards = before.x < 800 ? 1 : -1;
  // A real touch (the DevTools Protocol's touch events), dragged from the stick's centre sideways.
  const box = (await stick.boundingBox())!;
  const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const cdp = await context.newCDPSession(page);
  const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', x: number, y: number) =>
    cdp.send('Input.dispatchTouchEvent', {
      type,
      touchPoints: type === 'touchEnd' ? [] : [{ x, y, id: 1 }],
    });
  await touch('touchStart', centre.x, centre.y);
  await touch('touchMove', centre.x + towards * box.width * 0.45, centre.y);
  await expect.poll(async () => ((await positionOf(own)).x - before.x) * towards).toBeGreaterThan(60);
  await touch('touchEnd', 0, 0);
  // Released: the player stops (its position settles).
  await expect
    .poll(async () => {
      const a = await positionOf(own);
      await page.evaluate(
        () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
      );
      return distance(a, await positionOf(own));
    })
    .toBe(0);
});
