/**
 * Helpers for driving the game page: open it in a fresh browser context, collect console errors,
 * and read what the page shows through its `data-testid`s.
 */
import { type Browser, expect, type Locator, type Page } from '@playwright/test';

/** The page's test hooks (src/ui/test-hooks.ts), installed under automation. */
interface GameTestHooks {
  dropConnection(): void;
  renderer(): string;
  paintedColours(): Promise<number>;
}

declare global {
  interface Window {
    __game?: GameTestHooks;
  }
}

export interface GamePage {
  readonly page: Page;
  /** Console errors and uncaught exceptions seen so far. */
  readonly errors: string[];
  close(): Promise<void>;
}

/** A new browser context (its own storage, so its own guest name) with the game page open. */
export async function openGame(browser: Browser, baseUrl: string, query = ''): Promise<GamePage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${baseUrl}/game/${query}`);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected');
  return { page, errors, close: () => context.close() };
}

export function testId(page: Page, id: string): Locator {
  return page.getByTestId(id);
}

/** Waits until the page holds a seat in a room, then returns the room id. */
export async function roomIdOf(page: Page): Promise<string> {
  const room = page.getByTestId('room-id');
  await expect(room).toHaveAttribute('data-room-id', /.+/);
  return (await room.getAttribute('data-room-id'))!;
}

/** Waits until the page plays a seat, then returns the player id. */
export async function playerIdOf(page: Page): Promise<number> {
  const player = page.getByTestId('player-id');
  await expect(player).toHaveAttribute('data-player-id', /^\d+$/);
  return Number(await player.getAttribute('data-player-id'));
}

/** A player's row in a page's players list: its `data-x`/`data-y` are where that page draws it. */
export function playerRow(page: Page, playerId: number): Locator {
  return page.locator(`[data-testid="player"][data-player-id="${playerId}"]`);
}

export async function positionOf(row: Locator): Promise<{ x: number; y: number }> {
  const [x, y] = await Promise.all([row.getAttribute('data-x'), row.getAttribute('data-y')]);
  return { x: Number(x), y: Number(y) };
}

export function distance(a: { x: number; y: number }, b: { x: number; y: number }): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}
