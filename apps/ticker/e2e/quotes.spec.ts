/** The live market: quotes stream in, and the page recovers when the server restarts. */
import { expect, test } from '@playwright/test';
import { consoleProblems, expectConnected, openTicker, useServer } from './support';

const server = useServer({ MARKET_UPDATES_PER_SECOND: '200' });

test('quotes stream into the board', async ({ browser }) => {
  const page = await openTicker(browser, server().baseUrl);
  const rows = page.getByTestId('quote-row');
  await expect(rows).toHaveCount(20);

  // Some quote changes while we watch: the board is live, not a snapshot.
  const lasts = async () => (await page.getByTestId('quote-last').allTextContents()).join('|');
  const first = await lasts();
  await expect.poll(lasts, { timeout: 10_000 }).not.toBe(first);

  // The inspector shows the MESSAGE frames that carried them, the newest in view as they arrive,
  // in a list that draws only the rows in view (hundreds are kept, a few dozen drawn).
  await expect(page.locator('[data-testid="inspector-row"][data-command="MESSAGE"]').first()).toBeVisible();
  await page.getByTestId('inspector').scrollIntoViewIfNeeded();
  const drawn = page.getByTestId('inspector-row');
  const newest = async () => Number(await drawn.last().getAttribute('data-id'));
  const seen = await newest();
  await expect.poll(newest).toBeGreaterThan(seen);
  await expect(drawn.last()).toBeInViewport();
  expect(await drawn.count()).toBeLessThan(100);
  expect(consoleProblems(page)).toEqual([]);
});

test('the page recovers after the server restarts', async ({ browser }) => {
  const page = await openTicker(browser, server().baseUrl);
  await expect(page.getByTestId('quote-row')).toHaveCount(20);

  await server().stop();
  await expect(page.getByTestId('connection-status')).not.toHaveAttribute('data-state', 'connected');

  await server().start();
  await expectConnected(page);
  // Subscribed again and rebuilt from snapshots: quotes move again.
  const lasts = async () => (await page.getByTestId('quote-last').allTextContents()).join('|');
  const afterRestart = await lasts();
  await expect.poll(lasts, { timeout: 10_000 }).not.toBe(afterRestart);
  await expect(page.getByTestId('quote-row')).toHaveCount(20);
});
