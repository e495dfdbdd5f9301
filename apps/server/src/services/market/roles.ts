/**
 * The market's cluster roles, as the service sees them: two seams, each with a local
 * implementation here (a process on its own, always the owner) and a Redis one in
 * `src/cluster/market/`. The plugin (`plugins/market.ts`) picks the pair; the service never asks
 * which it got (as Colyseus's rooms never ask whether their `Presence` is local or Redis).
 *
 * - **The inbox** takes what clients SEND, once rate-limited. Alone, the owner is this process: a
 *   request is applied the moment it arrives. In a cluster it is stored in Redis for whichever node
 *   owns the market, and the SEND's RECEIPT waits until it is.
 * - **The ownership** decides when this process runs the market (its simulation, its saves). Alone
 *   it always does; in a cluster one node at a time holds the market's lease.
 */
import type { MarketRequest } from './requests';

export interface MarketInbox {
  /**
   * Takes a request for whoever runs the market. `applyHere` applies it to this process's market:
   * an inbox whose owner is this process calls it at once. The SEND's RECEIPT waits for what this
   * returns; a rejection ends the session with that error (a `BrokerError` names the problem).
   */
  append(request: MarketRequest, applyHere: (request: MarketRequest) => void): void | Promise<void>;
}

export interface MarketOwnership {
  /** Whether this process runs the market now. */
  readonly owner: boolean;
  /** Starts: runs the market, or competes to. */
  start(): Promise<void>;
  /** Stops running the market (an owner in a cluster saves it and hands it over at once). */
  close(): Promise<void>;
}

/** What the ownership starts and stops: the market's own clock. */
export interface RunnableMarket {
  start(): void;
  stop(): void;
}

/** Alone, the inbox is the market itself: a request is applied as it arrives, within its SEND. */
export class LocalMarketInbox implements MarketInbox {
  append(request: MarketRequest, applyHere: (request: MarketRequest) => void): void {
    applyHere(request);
  }
}

/** Alone, this process owns the market from start to close. */
export class LocalMarketOwnership implements MarketOwnership {
  readonly owner = true;
  private readonly market: RunnableMarket;

  constructor(market: RunnableMarket) {
    this.market = market;
  }

  async start(): Promise<void> {
    this.market.start();
  }

  async close(): Promise<void> {
    this.market.stop();
  }
}
