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

  // The inspector shows the JSON snapshots and the inputs as they cross the wire.
  const inspector = page.getByTestId('inspector');
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
  const rows = page.getByTestId('inspector-rows');
  await expect(rows.locator('[data-command="MESSAGE"]').first()).toBeAttached();
  await expect(rows.locator('[data-command="SEND"]').filter({ hasText: '/input' }).first()).toBeAttached();
  // Open a snapshot frame: its body is bytes, shown as hex.
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
