/**
 * The portfolio as shown: the server's `Portfolio` (sent after every change of this trader's
 * positions), marked to the latest quotes in between, so P&L moves with the market.
 */
import type { Cents, Portfolio, Position } from '@stomping-ground/contracts';

export interface PositionView extends Position {
  /** The latest trade price, if a quote has come. */
  readonly last: Cents | undefined;
  /** Quantity × price (negative for a short). */
  readonly marketValue: Cents;
}

export interface PortfolioView {
  readonly login: string;
  readonly cash: Cents;
  readonly positions: readonly PositionView[];
  readonly realizedPnl: Cents;
  readonly unrealizedPnl: Cents;
  /** Cash plus the market value of every position. */
  readonly equity: Cents;
}

/**
 * Re-prices each position at `lastPrice(symbol)`: unrealized P&L is (last − average) × quantity,
 * which is right for shorts too (negative quantity). A symbol with no price yet keeps the
 * server's figure. Flat positions with no realized P&L are left out.
 */
export function markToMarket(
  portfolio: Portfolio,
  lastPrice: (symbol: string) => Cents | undefined,
): PortfolioView {
  const positions: PositionView[] = [];
  let unrealizedPnl = 0;
  let marketValue = 0;
  for (const position of portfolio.positions) {
    if (position.quantity === 0 && position.realizedPnl === 0) continue;
    const last = lastPrice(position.symbol);
    const unrealized =
      last === undefined ? position.unrealizedPnl : (last - position.averagePrice) * position.quantity;
    const value = position.quantity * (last ?? position.averagePrice);
    unrealizedPnl += unrealized;
    marketValue += value;
    positions.push({ ...position, last, unrealizedPnl: unrealized, marketValue: value });
  }
  positions.sort((a, b) => a.symbol.localeCompare(b.symbol));
  return {
    login: portfolio.login,
    cash: portfolio.cash,
    positions,
    realizedPnl: portfolio.realizedPnl,
    unrealizedPnl,
    equity: portfolio.cash + marketValue,
  };
}
