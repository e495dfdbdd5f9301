/**
 * A broker that mints no guests (STOMP_GUESTS=off): the arena, which has no log-in, says why it
 * cannot connect and stops trying rather than retrying forever.
 */
import { expect, test } from '@playwright/test';
import { freePort, ServerProcess } from '@stomping-ground/server/testing';

let server: ServerProcess;

test.beforeAll(async () => {
  server = new ServerProcess(await freePort(), { STOMP_GUESTS: 'off' });
  await server.start();
});

test.afterAll(async () => {
  await server.stop();
});

test('says the server admits accounts only, and stops trying', async ({ page }) => {
  await page.goto(`${server.baseUrl}/game/`);
  const status = page.getByTestId('connection-status');
  await expect(status).toContainText('admits its accounts only', { timeout: 15_000 });
  await expect(status).toHaveAttribute('data-status', 'refused');
});
