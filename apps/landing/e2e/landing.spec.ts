/**
 * The landing page against the real server, which serves it at `/` with the built demos under
 * `/ticker/` and `/game/` and the lessons under `/docs/`: the broker's live figures move, and
 * every link leads to a working page.
 */
import { readdirSync } from 'node:fs';
import { type Browser, expect, type Page, test } from '@playwright/test';
import { freePort, ServerProcess } from '@stomping-ground/server/testing';

let server: ServerProcess;

/** The repository's lessons, which the server lists at `/docs/`. */
const lessons = readdirSync(new URL('../../../docs/', import.meta.url))
  .filter((file) => file.endsWith('.md'))
  .sort();

test.beforeAll(async () => {
  server = new ServerProcess(await freePort(), { MARKET_UPDATES_PER_SECOND: '50' });
  await server.start();
});

test.afterAll(async () => {
  await server.stop();
});

interface Landing {
  readonly page: Page;
  readonly errors: string[];
}

async function openLanding(browser: Browser): Promise<Landing> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${server.baseUrl}/`);
  await expect(page.getByTestId('stats-status')).toHaveAttribute('data-state', 'connected', {
    timeout: 15_000,
  });
  return { page, errors };
}

async function figure(page: Page, testId: string): Promise<number> {
  const text = (await page.getByTestId(testId).textContent()) ?? '';
  const value = Number(text.replace(/,/g, ''));
  return Number.isFinite(value) && text.trim() !== '' ? value : Number.NaN;
}

test('shows a live count of connected users and messages a second', async ({ browser }) => {
  const first = await openLanding(browser);
  await expect(first.page.getByRole('heading', { level: 1 })).toHaveText('Stomping Ground');
  // The figures are explained beside them.
  await expect(first.page.getByTestId('figures-note')).toContainText('one per subscriber');

  // The snapshot on subscribe counts this page itself.
  await expect.poll(() => figure(first.page, 'live-users')).toBeGreaterThanOrEqual(1);
  const alone = await figure(first.page, 'live-users');

  // A second visitor: the first page sees the count go up.
  const second = await openLanding(browser);
  await expect.poll(() => figure(first.page, 'live-users')).toBeGreaterThan(alone);

  // Messages a second is a live figure: it is measured again each second.
  const updatedAt = async () => first.page.getByTestId('live-users').getAttribute('data-updated-at');
  const before = await updatedAt();
  await expect.poll(updatedAt).not.toBe(before);
  await expect.poll(() => figure(first.page, 'messages-in')).toBeGreaterThan(0);
  await expect.poll(() => figure(first.page, 'messages-out')).toBeGreaterThan(0);

  // The second visitor leaves: the count comes back down.
  await second.page.context().close();
  await expect.poll(() => figure(first.page, 'live-users'), { timeout: 15_000 }).toBe(alone);

  expect(first.errors).toEqual([]);
  expect(second.errors).toEqual([]);
  await first.page.context().close();
});

test('the ticker link leads to a connected ticker', async ({ browser }) => {
  const { page, errors } = await openLanding(browser);
  await page.getByTestId('link-ticker').click();
  await expect(page).toHaveURL(`${server.baseUrl}/ticker/`);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected', {
    timeout: 15_000,
  });
  expect(errors).toEqual([]);
  await page.context().close();
});

test('the game link leads to a connected game', async ({ browser }) => {
  const { page, errors } = await openLanding(browser);
  await page.getByTestId('link-game').click();
  await expect(page).toHaveURL(`${server.baseUrl}/game/`);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected', {
    timeout: 15_000,
  });
  expect(errors).toEqual([]);
  await page.context().close();
});

test('the lessons link lists the lessons, and each opens as text', async ({ browser }) => {
  const { page, errors } = await openLanding(browser);
  await page.getByTestId('link-lessons').click();
  await expect(page).toHaveURL(`${server.baseUrl}/docs/`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Lessons');
  const links = page.locator('ol a');
  await expect(links).toHaveCount(lessons.length);
  if (lessons.length === 0) {
    await expect(page.getByText('No lessons yet.')).toBeVisible();
  } else {
    const name = lessons[0]!.replace(/\.md$/, '');
    await expect(links.first()).toHaveAttribute('href', `/docs/${name}`);
    const [response] = await Promise.all([page.waitForResponse(`**/docs/${name}`), links.first().click()]);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe('text/plain; charset=utf-8');
    await expect(page.locator('body')).not.toBeEmpty();
  }
  expect(errors).toEqual([]);
  await page.context().close();
});
