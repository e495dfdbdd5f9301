/**
 * The landing page against the real server, which serves it at `/` with the built demos under
 * `/ticker/` and `/game/` and the lessons under `/docs/`: the broker's live figures move, and
 * every link leads to a working page.
 */
import { type Browser, expect, type Page, test } from '@playwright/test';
import { freePort, ServerProcess } from '@stomping-ground/server/testing';
import { LESSONS } from '../../../docs/.vitepress/lessons';

let server: ServerProcess;

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

test('the lessons link opens the lessons site, and the page lists every lesson in learning order', async ({
  browser,
}) => {
  const { page, errors } = await openLanding(browser);
  const path = page.getByTestId('lesson-path').getByRole('link');
  await expect(path).toHaveText(LESSONS.map((lesson) => lesson.title));
  for (const [index, lesson] of LESSONS.entries()) {
    await expect(path.nth(index)).toHaveAttribute('href', `/docs/${lesson.file}.html`);
  }
  await page.getByTestId('link-lessons').click();
  await expect(page).toHaveURL(`${server.baseUrl}/docs/`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Lessons');
  await page.goBack();
  await path.nth(2).click();
  await expect(page).toHaveURL(`${server.baseUrl}/docs/${LESSONS[2]!.file}.html`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/STOMP frames/);
  expect(errors).toEqual([]);
  await page.context().close();
});
