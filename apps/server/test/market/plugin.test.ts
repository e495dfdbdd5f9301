import { Broker, BrokerErrorCode, CloseCode } from '@stomping-ground/broker';
import { MarketDestination } from '@stomping-ground/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { MarketService } from '../../src/services/market/service';
import { type RunningServer, startServer } from '../support/app';
import { expectSessionError, ProbePool } from '../support/raw';

let server: RunningServer | undefined;
const pool = new ProbePool(() => server!);

afterEach(async () => {
  await pool.closeAll();
  await server?.close();
  server = undefined;
});

describe('the market service', () => {
  it('registers its three handlers and its snapshots at once, and unregisters them on close', () => {
    const broker = new Broker();
    const market = new MarketService(broker, { updatesPerSecond: 0 });
    expect(broker.stats().appHandlers).toBe(3);
    // Registering the same snapshot again is refused while the market holds it.
    expect(() => broker.registerSnapshot(MarketDestination.trades, () => undefined)).toThrow(RangeError);
    market.close();
    expect(broker.stats().appHandlers).toBe(0);
    expect(() => broker.registerSnapshot(MarketDestination.trades, () => undefined)).not.toThrow();
  });
});

describe('the market plugin', () => {
  it('opens the simulated market when the server is ready and stops it when the server closes', async () => {
    server = await startServer();
    const { market } = server.app;
    expect(market?.running).toBe(true);
    await server.close();
    expect(market?.running).toBe(false);
  });

  it('runs no timer when the simulation is off', async () => {
    server = await startServer({ market: { enabled: true, updatesPerSecond: 0 } });
    expect(server.app.market?.running).toBe(false);
  });

  it('leaves the market out when it is disabled: orders find no handler', async () => {
    server = await startServer({ market: { enabled: false, updatesPerSecond: 80 } });
    expect(server.app.market).toBeNull();
    const probe = await pool.client('ws');
    probe.send({
      command: 'SEND',
      headers: [
        ['destination', MarketDestination.placeOrder],
        ['receipt', 'r-order'],
      ],
      body: '{}',
    });
    await expectSessionError(probe, 'ws', {
      code: BrokerErrorCode.NO_HANDLER,
      close: CloseCode.POLICY_VIOLATION,
      receiptId: 'r-order',
    });
  });
});
