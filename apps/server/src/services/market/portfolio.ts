/**
 * A user's cash, positions and profit and loss, kept in integer cents so that nothing drifts.
 *
 * Average-cost accounting: each position keeps its open quantity (negative when short) and the
 * signed cost of that quantity. Adding to a position adds to its cost; reducing it takes a
 * proportional share of the cost away and books the difference to the sale price as realized P&L.
 * Unrealized P&L is what closing the rest at the mark (the last trade price) would realize. So at
 * every moment: cash + Σ quantity × mark = starting cash + realized + unrealized.
 */
import type { Cents, Portfolio, Position, Side } from '@stomping-ground/contracts';

interface Holding {
  /** Signed: negative when short. */
  quantity: number;
  /** Signed cost of the open quantity: Σ quantity × price of what is still open. */
  cost: Cents;
  realized: Cents;
}

/** An account as plain data, for saving and restoring (see `state.ts`). */
export interface AccountState {
  readonly login: string;
  readonly cash: Cents;
  /** In the order symbols were first traded: the order of the portfolio's positions. */
  readonly holdings: readonly HoldingState[];
}

export interface HoldingState extends Readonly<Holding> {
  readonly symbol: string;
}

/** The price to value an open position at, by symbol. */
export type Marks = (symbol: string) => Cents | undefined;

export class PortfolioAccount {
  readonly login: string;
  private cash: Cents;
  /** In the order symbols were first traded. */
  private readonly holdings = new Map<string, Holding>();

  constructor(login: string, startingCash: Cents) {
    this.login = login;
    this.cash = startingCash;
  }

  /** Books a fill: `side` is this user's side of the trade. */
  apply(symbol: string, side: Side, quantity: number, price: Cents): void {
    const delta = side === 'buy' ? quantity : -quantity;
    this.cash -= delta * price;
    let holding = this.holdings.get(symbol);
    if (holding === undefined) {
      holding = { quantity: 0, cost: 0, realized: 0 };
      this.holdings.set(symbol, holding);
    }
    const direction = Math.sign(delta);
    let opening = quantity;
    if (holding.quantity !== 0 && Math.sign(holding.quantity) !== direction) {
      // Reducing (and perhaps flipping): close what the fill covers of the open quantity first.
      const closing = Math.min(quantity, Math.abs(holding.quantity));
      const removedCost = Math.round((holding.cost * closing) / Math.abs(holding.quantity));
      holding.realized += -direction * closing * price - removedCost;
      holding.cost -= removedCost;
      holding.quantity += direction * closing;
      opening = quantity - closing;
    }
    holding.quantity += direction * opening;
    holding.cost += direction * opening * price;
  }

  static fromState(state: AccountState): PortfolioAccount {
    const account = new PortfolioAccount(state.login, state.cash);
    for (const { symbol, quantity, cost, realized } of state.holdings) {
      account.holdings.set(symbol, { quantity, cost, realized });
    }
    return account;
  }

  toState(): AccountState {
    const holdings = [...this.holdings].map(([symbol, holding]) => ({ symbol, ...holding }));
    return { login: this.login, cash: this.cash, holdings };
  }

  /** The portfolio as the contract describes it, valued at `marks` (a position without a mark is valued at cost). */
  view(marks: Marks, time: number): Portfolio {
    const positions: Position[] = [];
    let realizedPnl = 0;
    let unrealizedPnl = 0;
    for (const [symbol, holding] of this.holdings) {
      const mark = marks(symbol);
      const unrealized = mark === undefined ? 0 : holding.quantity * mark - holding.cost;
      positions.push({
        symbol,
        quantity: holding.quantity,
        averagePrice: holding.quantity === 0 ? 0 : Math.round(holding.cost / holding.quantity),
        realizedPnl: holding.realized,
        unrealizedPnl: unrealized,
      });
      realizedPnl += holding.realized;
      unrealizedPnl += unrealized;
    }
    return { login: this.login, cash: this.cash, positions, realizedPnl, unrealizedPnl, time };
  }
}

/** Every login's account, opened with the starting cash on first use. */
export class Portfolios {
  private readonly accounts = new Map<string, PortfolioAccount>();
  private readonly startingCash: Cents;

  constructor(startingCash: Cents) {
    this.startingCash = startingCash;
  }

  /** The login's account, opened if it has none. */
  account(login: string): PortfolioAccount {
    let account = this.accounts.get(login);
    if (account === undefined) {
      account = new PortfolioAccount(login, this.startingCash);
      this.accounts.set(login, account);
    }
    return account;
  }

  /** Every account opened so far, as plain data. */
  toState(): AccountState[] {
    return [...this.accounts.values()].map((account) => account.toState());
  }

  /** Replaces every account with those of `accounts`. */
  restore(accounts: readonly AccountState[]): void {
    this.accounts.clear();
    for (const state of accounts) this.accounts.set(state.login, PortfolioAccount.fromState(state));
  }

  /** The login's portfolio; a login that never traded sees a fresh one, and none is opened for it. */
  view(login: string, marks: Marks, time: number): Portfolio {
    return (this.accounts.get(login) ?? new PortfolioAccount(login, this.startingCash)).view(marks, time);
  }
}
