/**
 * Each lab does its one thing against the real server, from the production build: the console
 * gets a CONNECTED (and an ERROR for a broken frame), the heart-beat lab shows beats and then the
 * broker dropping the page, the transaction lab shows nothing delivered before COMMIT and
 * everything after, and the netcode lab moves a client.
 */
import { type Browser, expect, type Page, test } from '@playwright/test';
import { freePort, ServerProcess } from '@stomping-ground/server/testing';

let server: ServerProcess;

test.beforeAll(async () => {
  // A short heart-beat offer, so the broker gives up on a silent page within seconds.
  server = new ServerProcess(await freePort(), { STOMP_HEARTBEAT: '1000,1000' });
  await server.start();
});

test.afterAll(async () => {
  await server.stop();
});

interface Visit {
  readonly page: Page;
  readonly errors: string[];
}

async function open(browser: Browser, lesson: string): Promise<Visit> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${server.baseUrl}/docs/${lesson}.html`);
  return { page, errors };
}

test('the STOMP console gets CONNECTED, then an ERROR and a close for a broken frame', async ({
  browser,
}) => {
  const { page, errors } = await open(browser, 'stomp-frames');
  const lab = page.getByTestId('lab-stomp-console');
  await lab.getByTestId('console-open').click();
  await expect(lab.getByTestId('console-send')).toBeEnabled();
  await expect(lab.getByTestId('console-frame')).toHaveValue(/^CONNECT\n/);
  await lab.getByTestId('console-send').click();
  await expect(lab.locator('[data-testid=console-answer][data-command=CONNECTED]')).toContainText(
    'version:1.2',
  );
  await expect(lab.getByTestId('console-state')).toHaveAttribute('data-state', 'connected');

  await lab.getByTestId('console-preset').selectOption('bad-escape');
  await lab.getByTestId('console-send').click();
  await expect(lab.locator('[data-testid=console-answer][data-command=ERROR]')).toContainText(
    'code:STOMP_ERR_INVALID_ESCAPE',
  );
  await expect(lab.getByTestId('console-closed')).toContainText('code 1002');
  expect(errors).toEqual([]);
  await page.context().close();
});

test('the heart-beat lab shows beats both ways, then the broker drops the silent page', async ({
  browser,
}) => {
  const { page, errors } = await open(browser, 'heart-beating');
  const lab = page.getByTestId('lab-heartbeat');
  await lab.getByTestId('heartbeat-connect').click();
  await expect(lab.getByTestId('heartbeat-state')).toHaveAttribute('data-state', 'connected');
  await expect(lab.getByTestId('heartbeat-server')).toHaveText('heart-beat:1000,1000');
  await expect(lab.getByTestId('heartbeat-negotiated')).toContainText('This page sends every 1 s');
  const count = async (testId: string) => Number(await lab.getByTestId(testId).textContent());
  await expect.poll(() => count('heartbeat-out')).toBeGreaterThanOrEqual(2);
  await expect.poll(() => count('heartbeat-in')).toBeGreaterThanOrEqual(2);

  await lab.getByTestId('heartbeat-stop').click();
  const sentWhenStopped = await count('heartbeat-out');
  await expect(lab.getByTestId('heartbeat-state')).toHaveAttribute('data-state', 'dropped', {
    timeout: 20_000,
  });
  await expect(lab.getByTestId('heartbeat-drop')).toContainText('STOMP_ERR_HEARTBEAT_TIMEOUT');
  // Nothing was sent after the stop: the broker dropped a page that really went silent.
  expect(await count('heartbeat-out')).toBe(sentWhenStopped);
  expect(errors).toEqual([]);
  await page.context().close();
});

test('the transaction lab delivers nothing before COMMIT and everything after', async ({ browser }) => {
  const { page, errors } = await open(browser, 'transactions');
  const lab = page.getByTestId('lab-transactions');
  await lab.getByTestId('tx-connect').click();
  await expect(lab.getByTestId('tx-state')).toHaveAttribute('data-state', 'connected');
  await lab.getByTestId('tx-begin').click();
  await lab.getByTestId('tx-send').click();
  await lab.getByTestId('tx-send').click();
  // Both SENDs have their RECEIPT: the broker holds them...
  await expect(lab.locator('[data-testid=tx-held] li[data-confirmed=true]')).toHaveCount(2);
  // ...and has delivered none of them.
  await expect(lab.getByTestId('tx-nothing-delivered')).toBeVisible();
  await expect(lab.locator('[data-testid=tx-delivered] li')).toHaveCount(0);

  await lab.getByTestId('tx-commit').click();
  await expect(lab.locator('[data-testid=tx-delivered] li')).toHaveCount(2);
  await expect(lab.locator('[data-testid=tx-delivered] li').nth(0)).toContainText('message 1 of tx-1');
  await expect(lab.locator('[data-testid=tx-delivered] li').nth(1)).toContainText('message 2 of tx-1');

  // An aborted transaction delivers nothing, and the next SEND outside it is not held back by it.
  await lab.getByTestId('tx-begin').click();
  await lab.getByTestId('tx-send').click();
  await expect(lab.locator('[data-testid=tx-held] li[data-confirmed=true]')).toHaveCount(1);
  await lab.getByTestId('tx-abort').click();
  await expect(lab.getByTestId('tx-outcome')).toContainText('ABORT tx-2');
  await expect(lab.locator('[data-testid=tx-delivered] li')).toHaveCount(2);
  expect(errors).toEqual([]);
  await page.context().close();
});

test('the netcode lab moves client 1 while its key is held', async ({ browser }) => {
  const { page, errors } = await open(browser, 'game-netcode');
  const lab = page.getByTestId('lab-netcode');
  await lab.scrollIntoViewIfNeeded();
  const client = lab.getByTestId('netcode-client-1');
  await expect(client).toHaveAttribute('data-self-x', /\d/);
  const x = async () => Number(await client.getAttribute('data-self-x'));
  const before = await x();
  await lab.getByTestId('netcode-1-right').hover();
  await page.mouse.down();
  await expect.poll(x).toBeGreaterThan(before + 50);
  await page.mouse.up();
  expect(errors).toEqual([]);
  await page.context().close();
});

test('the handshake lab shows the upgrade request as received, and the page computes the same Accept', async ({
  browser,
}) => {
  const { page, errors } = await open(browser, 'websocket-handshake');
  const lab = page.getByTestId('lab-handshake');
  await lab.getByTestId('handshake-look').click();
  await expect(lab.getByTestId('handshake-request')).toContainText('GET /lab/handshake HTTP/1.1');
  await expect(lab.getByTestId('handshake-request')).toContainText(/Sec-WebSocket-Version: 13/i);
  const key = await lab.getByTestId('handshake-key').textContent();
  await expect(lab.getByTestId('handshake-request')).toContainText(`${key}`);
  await expect(lab.getByTestId('handshake-match')).toHaveAttribute('data-match', 'true');
  expect(errors).toEqual([]);
  await page.context().close();
});

test('the acks lab shares jobs between two consumers and redelivers a NACKed one', async ({ browser }) => {
  const { page, errors } = await open(browser, 'subscriptions-and-acks');
  const lab = page.getByTestId('lab-acks');
  await lab.getByTestId('acks-start').click();
  await expect(lab.getByTestId('acks-send')).toBeEnabled();
  await lab.getByTestId('acks-send').click();
  const jobs = lab.locator('.acks-list li');
  await expect(jobs).toHaveCount(3);
  // Competing consumers: both got some.
  await expect(lab.getByTestId('acks-consumer-A').locator('li')).not.toHaveCount(0);
  await expect(lab.getByTestId('acks-consumer-B').locator('li')).not.toHaveCount(0);
  await lab.getByTestId('acks-consumer-A').getByRole('button', { name: 'NACK' }).first().click();
  await expect(lab.locator('.acks-list li', { hasText: 'redelivered:true' })).toHaveCount(1);
  expect(errors).toEqual([]);
  await page.context().close();
});

test('the connecting lab runs the legacy and the current API, each seeing both hellos', async ({
  browser,
}) => {
  const { page, errors } = await open(browser, 'connecting');
  const lab = page.getByTestId('lab-connecting');
  await lab.getByTestId('connecting-legacy-run').click();
  await expect(lab.getByTestId('connecting-legacy-log')).toContainText('connected, version 1.2');
  await lab.getByTestId('connecting-modern-run').click();
  await expect(lab.getByTestId('connecting-modern-log')).toContainText('got hello from Client');
  await expect(lab.getByTestId('connecting-legacy-log')).toContainText('got hello from Client');
  expect(errors).toEqual([]);
  await page.context().close();
});

test('the reconnect lab comes back after a drop, resubscribes and gets the snapshot', async ({ browser }) => {
  const { page, errors } = await open(browser, 'reconnecting');
  const lab = page.getByTestId('lab-reconnect');
  await lab.getByTestId('reconnect-connect').click();
  await expect(lab.getByTestId('reconnect-state')).toHaveAttribute('data-state', 'connected');
  await lab.getByTestId('reconnect-outage').selectOption('0');
  await lab.getByTestId('reconnect-drop').click();
  const timeline = lab.getByTestId('reconnect-timeline');
  await expect(timeline).toContainText('connection lost');
  await expect(timeline.locator('li', { hasText: 'SUBSCRIBE /topic/market/quotes.ACME again' })).toHaveCount(
    1,
  );
  await expect(timeline.locator('li', { hasText: 'snapshot:true' })).toHaveCount(2);
  expect(errors).toEqual([]);
  await page.context().close();
});

test('the conflation lab: the throttled reader applies fewer quotes than it receives', async ({
  browser,
}) => {
  const { page, errors } = await open(browser, 'market-data-conflation');
  const lab = page.getByTestId('lab-conflation');
  await lab.getByTestId('conflation-start').click();
  const figures = async () => {
    const text = (await lab.getByTestId('conflation-throttled').textContent()) ?? '';
    const [received = 0, applied = 0] = [...text.matchAll(/(received|applied) (\d+)/g)].map((match) =>
      Number(match[2]),
    );
    return { received, applied };
  };
  await expect.poll(async () => (await figures()).applied).toBeGreaterThan(0);
  await expect
    .poll(async () => {
      const { received, applied } = await figures();
      return received - applied;
    })
    .toBeGreaterThan(0);
  expect(errors).toEqual([]);
  await page.context().close();
});
