import type { Side } from '@stomping-ground/contracts';
import { describe, expect, it } from 'vitest';
import { PortfolioAccount, Portfolios } from '../../src/services/market/portfolio';
import { SeededRandom } from '../../src/services/market/random';

const START = 10_000_000;
const TIME = 1_700_000_000_000;

type Fill = readonly [Side, number, number];

interface PortfolioCase {
  readonly title: string;
  /** This user's fills in ACME: side, quantity, price. */
  readonly fills: readonly Fill[];
  readonly mark: number;
  readonly expected: {
    readonly cash: number;
    readonly quantity: number;
    readonly averagePrice: number;
    readonly realizedPnl: number;
    readonly unrealizedPnl: number;
  };
}

const CASES: readonly PortfolioCase[] = [
  {
    title: 'a buy pays price × quantity and opens a long position at that price',
    fills: [['buy', 10, 4200]],
    mark: 4250,
    expected: { cash: START - 42_000, quantity: 10, averagePrice: 4200, realizedPnl: 0, unrealizedPnl: 500 },
  },
  {
    title: 'a sell from flat receives the cash and opens a short position',
    fills: [['sell', 10, 4200]],
    mark: 4250,
    expected: {
      cash: START + 42_000,
      quantity: -10,
      averagePrice: 4200,
      realizedPnl: 0,
      unrealizedPnl: -500,
    },
  },
  {
    title: 'adding to a long position averages the entry price',
    fills: [
      ['buy', 10, 4000],
      ['buy', 30, 4400],
    ],
    mark: 4300,
    expected: {
      cash: START - 40_000 - 132_000,
      quantity: 40,
      averagePrice: 4300,
      realizedPnl: 0,
      unrealizedPnl: 0,
    },
  },
  {
    title: 'selling part of a long position realizes the gain on that part only',
    fills: [
      ['buy', 10, 4000],
      ['sell', 4, 4500],
    ],
    mark: 4500,
    expected: {
      cash: START - 40_000 + 18_000,
      quantity: 6,
      averagePrice: 4000,
      realizedPnl: 2000,
      unrealizedPnl: 3000,
    },
  },
  {
    title: 'covering a short position below its entry realizes a gain',
    fills: [
      ['sell', 10, 4200],
      ['buy', 10, 4100],
    ],
    mark: 4000,
    expected: { cash: START + 1000, quantity: 0, averagePrice: 0, realizedPnl: 1000, unrealizedPnl: 0 },
  },
  {
    title: 'selling more than the long position closes it and opens a short at the sale price',
    fills: [
      ['buy', 10, 4000],
      ['sell', 15, 3900],
    ],
    mark: 3800,
    expected: {
      cash: START - 40_000 + 58_500,
      quantity: -5,
      averagePrice: 3900,
      realizedPnl: -1000,
      unrealizedPnl: 500,
    },
  },
  {
    title: 'an average that is not a whole number of cents is shown rounded and kept exact',
    fills: [
      ['buy', 1, 100],
      ['buy', 2, 101],
      ['sell', 3, 102],
    ],
    mark: 102,
    expected: {
      cash: START - 100 - 202 + 306,
      quantity: 0,
      averagePrice: 0,
      realizedPnl: 4,
      unrealizedPnl: 0,
    },
  },
];

describe('a portfolio', () => {
  it.each(CASES)('$title', ({ fills, mark, expected }) => {
    const account = new PortfolioAccount('ann', START);
    for (const [side, quantity, price] of fills) account.apply('ACME', side, quantity, price);
    const view = account.view(() => mark, TIME);
    expect(view).toEqual({
      login: 'ann',
      cash: expected.cash,
      positions: [
        {
          symbol: 'ACME',
          quantity: expected.quantity,
          averagePrice: expected.averagePrice,
          realizedPnl: expected.realizedPnl,
          unrealizedPnl: expected.unrealizedPnl,
        },
      ],
      realizedPnl: expected.realizedPnl,
      unrealizedPnl: expected.unrealizedPnl,
      time: TIME,
    });
  });

  it('sums P&L over its positions', () => {
    const account = new PortfolioAccount('ann', START);
    account.apply('ACME', 'buy', 10, 4000);
    account.apply('INIT', 'sell', 100, 2375);
    account.apply('INIT', 'buy', 40, 2370);
    const marks: Record<string, number> = { ACME: 4100, INIT: 2380 };
    const view = account.view((symbol) => marks[symbol], TIME);
    expect(view.positions.map((position) => position.symbol)).toEqual(['ACME', 'INIT']);
    expect(view.realizedPnl).toBe(40 * 5);
    expect(view.unrealizedPnl).toBe(10 * 100 + 60 * -5);
  });

  it('always values at cash + Σ quantity × mark = starting cash + realized + unrealized', () => {
    const random = new SeededRandom(7);
    const account = new PortfolioAccount('ann', START);
    const marks: Record<string, number> = {};
    for (let i = 0; i < 2000; i++) {
      const symbol = ['ACME', 'INIT', 'SGI'][random.int(0, 2)]!;
      const price = random.int(90, 110);
      account.apply(symbol, random.chance(0.5) ? 'buy' : 'sell', random.int(1, 50), price);
      marks[symbol] = random.int(90, 110);
      const view = account.view((s) => marks[s], TIME);
      const holdings = view.positions.reduce((sum, p) => sum + p.quantity * marks[p.symbol]!, 0);
      expect(view.cash + holdings).toBe(START + view.realizedPnl + view.unrealizedPnl);
      for (const position of view.positions) expect(Number.isInteger(position.realizedPnl)).toBe(true);
    }
  });
});

describe('portfolios', () => {
  it('open an account with the starting cash on first use and keep it', () => {
    const portfolios = new Portfolios(START);
    portfolios.account('ann').apply('ACME', 'buy', 1, 4200);
    expect(portfolios.view('ann', () => 4200, TIME).cash).toBe(START - 4200);
    expect(portfolios.account('ann')).toBe(portfolios.account('ann'));
  });

  it('show a login that never traded a fresh portfolio without opening an account', () => {
    const portfolios = new Portfolios(START);
    expect(portfolios.view('zed', () => undefined, TIME)).toEqual({
      login: 'zed',
      cash: START,
      positions: [],
      realizedPnl: 0,
      unrealizedPnl: 0,
      time: TIME,
    });
  });
});
