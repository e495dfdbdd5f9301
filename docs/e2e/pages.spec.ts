/**
 * Every lesson of the production build renders for a visitor, on a desktop and on a phone: its
 * title, the sidebar in learning order, previous/next links, and not one console error. Each page
 * is also saved as a screenshot (`docs/screenshots/`) for a person to look at.
 */
import { mkdirSync } from 'node:fs';
import { type Browser, expect, type Page, test } from '@playwright/test';
import { freePort, ServerProcess } from '@stomping-ground/server/testing';
import { LESSONS } from '../.vitepress/lessons';

const VIEWPORTS = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

/** Outside test-results/, which Playwright empties at the start of every run. */
const SCREENSHOTS = new URL('../screenshots/', import.meta.url);

let server: ServerProcess;

test.beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  server = new ServerProcess(await freePort());
  await server.start();
});

test.afterAll(async () => {
  await server.stop();
});

interface Visit {
  readonly page: Page;
  readonly errors: string[];
}

async function open(browser: Browser, viewport: (typeof VIEWPORTS)[number], path: string): Promise<Visit> {
  const context = await browser.newContext({
    viewport: { width: viewport.width, height: viewport.height },
    isMobile: viewport.name === 'phone',
    hasTouch: viewport.name === 'phone',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  const response = await page.goto(`${server.baseUrl}/docs/${path}`);
  expect(response?.status()).toBe(200);
  return { page, errors };
}

/** The sidebar's lesson titles, opening the phone's menu first where the sidebar is folded away. */
async function sidebarTitles(page: Page, phone: boolean): Promise<string[]> {
  if (phone) await page.getByRole('button', { name: /menu/i }).first().click();
  const links = page.locator('.VPSidebar .VPSidebarItem a');
  await expect(links.first()).toBeVisible();
  return (await links.allTextContents()).map((text) => text.trim());
}

const EXPECTED_SIDEBAR = LESSONS.map((lesson, index) => `${index + 1}. ${lesson.title}`);

for (const viewport of VIEWPORTS) {
  test.describe(`at ${viewport.width}×${viewport.height}`, () => {
    test('the home page lists the lessons in learning order', async ({ browser }) => {
      const { page, errors } = await open(browser, viewport, '');
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Lessons');
      expect(await sidebarTitles(page, viewport.name === 'phone')).toEqual(EXPECTED_SIDEBAR);
      await page.keyboard.press('Escape');
      await page.screenshot({
        path: new URL(`home-${viewport.name}.png`, SCREENSHOTS).pathname,
        fullPage: false,
      });
      expect(errors).toEqual([]);
      await page.context().close();
    });

    LESSONS.forEach((lesson, index) => {
      test(`${lesson.file} renders with its title, the sidebar and previous/next`, async ({ browser }) => {
        const { page, errors } = await open(browser, viewport, `${lesson.file}.html`);
        const title = page.getByRole('heading', { level: 1 });
        await expect(title).toBeVisible();
        await expect(title).not.toBeEmpty();
        const previous = LESSONS[index - 1];
        const next = LESSONS[index + 1];
        const pager = page.locator('.VPDocFooter .pager');
        if (previous)
          await expect(pager.locator('a.prev')).toHaveAttribute('href', `/docs/${previous.file}.html`);
        if (next) await expect(pager.locator('a.next')).toHaveAttribute('href', `/docs/${next.file}.html`);
        // Nothing wider than the screen: the page does not scroll sideways.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow).toBeLessThanOrEqual(0);
        await page.screenshot({
          path: new URL(
            `${String(index + 1).padStart(2, '0')}-${lesson.file}-${viewport.name}.png`,
            SCREENSHOTS,
          ).pathname,
        });
        // The lab, where the lesson has one, as a visitor scrolls to it.
        const lab = page.locator('section.lab').first();
        if ((await lab.count()) > 0) {
          await lab.scrollIntoViewIfNeeded();
          await lab.screenshot({
            path: new URL(
              `${String(index + 1).padStart(2, '0')}-${lesson.file}-lab-${viewport.name}.png`,
              SCREENSHOTS,
            ).pathname,
          });
        }
        expect(await sidebarTitles(page, viewport.name === 'phone')).toEqual(EXPECTED_SIDEBAR);
        expect(errors).toEqual([]);
        await page.context().close();
      });
    });
  });
}
