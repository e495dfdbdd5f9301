import { type Browser, expect, type Page, test } from '@playwright/test';
import { freePort, ServerProcess } from '@stomping-ground/server/testing';

/** One real server for the spec file, on a free port, with these variables; started before its tests, stopped after. */
export function useServer(env: Record<string, string>): () => ServerProcess {
  let server: ServerProcess | undefined;
  test.beforeAll(async () => {
    server = new ServerProcess(await freePort(), env);
    await server.start();
  });
  test.afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (server === undefined) throw new Error('the server starts in beforeAll');
    return server;
  };
}

/** Opens the ticker in a fresh browser context (its own localStorage, so its own guest name). */
export async function openTicker(browser: Browser, baseUrl: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  (page as Page & { problems: string[] }).problems = problems;
  await page.goto(`${baseUrl}/ticker/`);
  await expectConnected(page);
  return page;
}

export function consoleProblems(page: Page): string[] {
  return (page as Page & { problems?: string[] }).problems ?? [];
}

export async function expectConnected(page: Page): Promise<void> {
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected', {
    timeout: 15_000,
  });
}

/** Logs in as a demo user through the top bar (login and passcode), and waits for the new session. */
export async function logIn(page: Page, login: string, passcode: string): Promise<void> {
  await page.getByTestId('login-name').fill(login);
  await page.getByTestId('login-passcode').fill(passcode);
  await page.getByTestId('login-apply').click();
  await expectConnected(page);
  await expect(page.getByTestId('portfolio')).toBeVisible();
}

export interface TicketOrder {
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly type: 'limit' | 'market';
  readonly quantity: number;
  /** Dollars, as typed. */
  readonly price?: string;
}

/** Fills the order ticket and submits it (in basket mode, this adds the order to the basket). */
export async function placeOrder(page: Page, order: TicketOrder): Promise<void> {
  await page.getByTestId('ticket-symbol').selectOption(order.symbol);
  await page.getByTestId(`ticket-side-${order.side}`).check({ force: true });
  await page.getByTestId(`ticket-type-${order.type}`).check({ force: true });
  await page.getByTestId('ticket-quantity').fill(String(order.quantity));
  if (order.price !== undefined) await page.getByTestId('ticket-price').fill(order.price);
  await page.getByTestId('ticket-submit').click();
}
