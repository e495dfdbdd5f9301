/**
 * Trading between visitors. The simulation is off here (MARKET_UPDATES_PER_SECOND=0), so the
 * only orders in the books are the visitors' own and each test knows who trades with whom.
 */
import { expect, test } from '@playwright/test';
import { consoleProblems, logIn, openTicker, placeOrder, useServer } from './support';

const server = useServer({ MARKET_UPDATES_PER_SECOND: '0' });

test('one visitor buys with a limit order, another sells into it, and both see the fill', async ({
  browser,
}) => {
  const alice = await openTicker(browser, server().baseUrl);
  const bob = await openTicker(browser, server().baseUrl);
  await logIn(alice, 'alice', 'alice');
  await logIn(bob, 'bob', 'bob');

  await placeOrder(alice, { symbol: 'ACME', side: 'buy', type: 'limit', quantity: 10, price: '40.00' });
  const aliceOrder = alice.locator('[data-testid="blotter-row"][data-symbol="ACME"]').first();
  await expect(aliceOrder).toHaveAttribute('data-status', 'open');

  await placeOrder(bob, { symbol: 'ACME', side: 'sell', type: 'market', quantity: 10 });

  await expect(aliceOrder).toHaveAttribute('data-status', 'filled');
  await expect(alice.getByTestId('fill-row').first()).toContainText('40.00');
  await expect(bob.getByTestId('fill-row').first()).toContainText('40.00');

  // Positions changed on both sides: alice is long 10, bob short 10.
  await expect(alice.locator('[data-testid="portfolio-row"][data-symbol="ACME"] td').first()).toHaveText(
    '10',
  );
  await expect(bob.locator('[data-testid="portfolio-row"][data-symbol="ACME"] td').first()).toHaveText('−10');

  // The SEND carried a receipt and the broker answered with a RECEIPT, as the inspector shows
  // (its list draws only the rows in view, so a learner, and this test, filter by command).
  await alice.getByTestId('inspector').scrollIntoViewIfNeeded();
  await alice.getByTestId('inspector-command-filter').selectOption('RECEIPT');
  await expect(alice.locator('[data-testid="inspector-row"][data-command="RECEIPT"]').first()).toBeVisible();
  expect([...consoleProblems(alice), ...consoleProblems(bob)]).toEqual([]);
});

test('a basket order goes through a transaction: BEGIN, the SENDs, COMMIT', async ({ browser }) => {
  const page = await openTicker(browser, server().baseUrl);
  await page.getByTestId('basket-start').click();
  await expect(page.getByTestId('basket-title')).toBeVisible();
  await placeOrder(page, { symbol: 'GLBX', side: 'buy', type: 'limit', quantity: 5, price: '100.00' });
  await placeOrder(page, { symbol: 'INIT', side: 'buy', type: 'limit', quantity: 7, price: '20.00' });
  await expect(page.getByTestId('basket-row')).toHaveCount(2);

  // Held by the broker until COMMIT: the blotter shows them held, none is on the books yet.
  await expect(page.locator('[data-testid="blotter-row"][data-status="held"]')).toHaveCount(2);
  await expect(page.locator('[data-testid="blotter-row"][data-status="open"]')).toHaveCount(0);
  await page.getByTestId('basket-commit').click();

  await expect(page.locator('[data-testid="blotter-row"][data-status="open"]')).toHaveCount(2);
  const commands = page.locator('[data-testid="inspector-row"][data-direction="out"]');
  await page.getByTestId('inspector').scrollIntoViewIfNeeded();
  const filter = page.getByTestId('inspector-command-filter');
  await filter.selectOption('BEGIN');
  await expect(commands.filter({ hasText: 'BEGIN' })).toHaveCount(1);
  await filter.selectOption('COMMIT');
  await expect(commands.filter({ hasText: 'COMMIT' })).toHaveCount(1);
  expect(consoleProblems(page)).toEqual([]);
});

test('an aborted basket places nothing', async ({ browser }) => {
  const page = await openTicker(browser, server().baseUrl);
  await page.getByTestId('basket-start').click();
  await placeOrder(page, { symbol: 'GLBX', side: 'sell', type: 'limit', quantity: 3, price: '150.00' });
  await expect(page.getByTestId('basket-row')).toHaveCount(1);
  await page.getByTestId('basket-abort').click();
  await page.getByTestId('inspector').scrollIntoViewIfNeeded();
  await page.getByTestId('inspector-command-filter').selectOption('ABORT');
  await expect(
    page.locator('[data-testid="inspector-row"][data-direction="out"]').filter({ hasText: 'ABORT' }),
  ).toHaveCount(1);
  await expect(page.locator('[data-testid="blotter-row"][data-status="aborted"]')).toHaveCount(1);

  // A later order in the same session goes through, and the aborted one never reached the book:
  // the ladder shows the new order's price level only.
  await placeOrder(page, { symbol: 'GLBX', side: 'sell', type: 'limit', quantity: 4, price: '160.00' });
  await expect(page.locator('[data-testid="blotter-row"][data-status="open"]')).toHaveCount(1);
  await page.getByTestId('quote-row').filter({ hasText: 'GLBX' }).click();
  await expect(
    page.locator('[data-testid="book-level"][data-side="ask"][data-price="16000"]'),
  ).toBeAttached();
  await expect(page.locator('[data-testid="book-level"][data-side="ask"][data-price="15000"]')).toHaveCount(
    0,
  );
});
