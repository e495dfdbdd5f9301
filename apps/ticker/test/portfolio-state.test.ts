import type { Portfolio } from '@stomping-ground/contracts';
import { describe, expect, it } from 'vitest';
import { markToMarket } from '../src/portfolio-state';

const portfolio: Portfolio = {
  login: 'alice',
  cash: 100_000_00,
  positions: [
    { symbol: 'ZED', quantity: -10, averagePrice: 5000, realizedPnl: 0, unrealizedPnl: 0 },
    { symbol: 'ACME', quantity: 100, averagePrice: 10000, realizedPnl: 250, unrealizedPnl: 0 },
    { symbol: 'OLD', quantity: 0, averagePrice: 0, realizedPnl: 0, unrealizedPnl: 0 },
  ],
  realizedPnl: 250,
  unrealizedPnl: 0,
  time: 1,
};

describe('marking the portfolio to market', () => {
  it('prices longs and shorts at the last trade', () => {
    const prices: Record<string, number> = { ACME: 10100, ZED: 4900 };
    const view = markToMarket(portfolio, (symbol) => prices[symbol]);
    expect(
      view.positions.map((position) => [position.symbol, position.unrealizedPnl, position.marketValue]),
    ).toEqual([
      ['ACME', 100 * 100, 100 * 10100],
      // Short 10 from 50.00, now 49.00: a gain of 10.00.
      ['ZED', 1000, -10 * 4900],
    ]);
    expect(view.unrealizedPnl).toBe(11_000);
    expect(view.equity).toBe(100_000_00 + 100 * 10100 - 10 * 4900);
    expect(view.realizedPnl).toBe(250);
  });

  it("keeps the server's figures for a symbol with no quote yet", () => {
    const view = markToMarket(
      {
        ...portfolio,
        positions: [{ symbol: 'ACME', quantity: 5, averagePrice: 100, realizedPnl: 0, unrealizedPnl: 42 }],
      },
      () => undefined,
    );
    expect(view.positions[0]).toMatchObject({ unrealizedPnl: 42, marketValue: 500, last: undefined });
  });

  it('leaves out flat positions with nothing realized', () => {
    const view = markToMarket(portfolio, () => undefined);
    expect(view.positions.map((position) => position.symbol)).toEqual(['ACME', 'ZED']);
  });
});
