/**
 * A broker that mints no guests (STOMP_GUESTS=off): a visitor without an account is told so once,
 * the page stops retrying, and logging in with an account works.
 */
import { expect, test } from '@playwright/test';
import { expectConnected, logIn, useServer } from './support';

const server = useServer({ MARKET_UPDATES_PER_SECOND: '0', STOMP_GUESTS: 'off' });

test('a visitor without an account is told the server admits accounts only, and can log in', async ({
  browser,
}) => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${server().baseUrl}/ticker/`);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'refused', {
    timeout: 15_000,
  });
  await expect(page.getByTestId('connection-error')).toContainText('admits its accounts only');

  await logIn(page, 'alice', 'alice');
  await expectConnected(page);
  await context.close();
});
