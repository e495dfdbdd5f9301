/**
 * Who a visitor is: the broker mints a guest on the first visit, the page keeps it and is the same
 * trader after a reload, and another visitor cannot log in under that name.
 */
import { expect, test } from '@playwright/test';
import { consoleProblems, expectConnected, logIn, openTicker, useServer } from './support';

const server = useServer({ MARKET_UPDATES_PER_SECOND: '0' });

test('a visitor is a minted guest, and the same one after a reload, with the same orders', async ({
  browser,
}) => {
  const page = await openTicker(browser, server().baseUrl);
  const login = page.getByTestId('login-name');
  await expect(login).toHaveValue(/^guest-[0-9a-f]{16}$/);
  const name = await login.inputValue();

  await page.getByTestId('ticket-symbol').selectOption('ACME');
  await page.getByTestId('ticket-side-buy').check({ force: true });
  await page.getByTestId('ticket-type-limit').check({ force: true });
  await page.getByTestId('ticket-quantity').fill('10');
  await page.getByTestId('ticket-price').fill('1.00');
  await page.getByTestId('ticket-submit').click();
  const order = page.locator('[data-testid="blotter-row"][data-symbol="ACME"]').first();
  await expect(order).toHaveAttribute('data-status', 'open');

  await page.reload();
  await expectConnected(page);
  await expect(login).toHaveValue(name);
  await expect(page.locator('[data-testid="blotter-row"][data-symbol="ACME"]').first()).toHaveAttribute(
    'data-status',
    'open',
  );
  expect(consoleProblems(page)).toEqual([]);
});

test('another visitor cannot trade under a guest’s name, nor under a name someone claimed', async ({
  browser,
}) => {
  const victim = await openTicker(browser, server().baseUrl);
  await expect(victim.getByTestId('login-name')).toHaveValue(/^guest-/);
  const guestName = await victim.getByTestId('login-name').inputValue();
  const claimant = await openTicker(browser, server().baseUrl);
  await logIn(claimant, 'frieda', 'her own passcode');

  for (const [name, passcode] of [
    [guestName, 'a guess'],
    ['frieda', 'a guess'],
  ] as const) {
    const impostor = await openTicker(browser, server().baseUrl);
    await impostor.getByTestId('login-name').fill(name);
    await impostor.getByTestId('login-passcode').fill(passcode);
    await impostor.getByTestId('login-apply').click();
    await expect(impostor.getByTestId('connection-status')).toHaveAttribute('data-state', 'refused');
    await expect(impostor.locator('body')).toContainText('STOMP_ERR_AUTH_FAILED');
  }
  await expectConnected(victim);
  await expectConnected(claimant);
});
