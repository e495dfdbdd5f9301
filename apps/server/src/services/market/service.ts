/**
 * The market service: the exchange, its market data and the users' portfolios, wired to the broker.
 *
 * - Clients SEND orders to `/app/market/orders`, cancels to `/app/market/cancel` and an empty body to
 *   `/app/market/refresh`; what happens to their orders comes back on `/user/queue/orders`, their
 *   portfolio on `/user/queue/portfolio`.
 * - Quotes, book depth and candles are published under `/topic/market/` (conflated for slow
 *   readers), trades on the tape `/topic/market/trades` (never conflated).
 * - Every one of those destinations has a snapshot, so a subscriber sees the current state at once.
 * - A bad order is answered with a `rejected` event, never with an ERROR frame: the session stays.
 *
 * State changes in a handler or a simulation step are collected and published once at the end of
 * it (`flush`): one quote and one depth per symbol touched, however many orders touched it.
 *
 * The handlers rate-limit a request, then hand it to the `inbox` (`roles.ts`): alone, it is applied
 * at once; in a cluster (`src/cluster/market/`) every node has a `MarketService` but only one owns
 * the market, the inbox stores the request for that owner, which `apply`s it, and the other nodes'
 * books and portfolios are a mirror `restore`d from the owner's saved state, there to answer
 * snapshots. The service itself never asks which it is.
 */

import type { AppHandler, AppMessage, Broker, SnapshotContext } from '@stomping-ground/broker';
import {
  type BookDepth,
  type CandleInterval,
  type Cents,
  type Headers,
  MarketDestination,
  type OrderEvent,
  type OrderRequest,
  type Quote,
  type RejectReason,
} from '@stomping-ground/protocol';
import { CANDLE_INTERVALS } from './candles';
import { Exchange, type ExecutionReport, type NewOrder, type Owner } from './exchange';
import { INSTRUMENTS, type InstrumentSpec, publicInstrument } from './instruments';
import { MarketData } from './market-data';
import { Portfolios } from './portfolio';
import { SeededRandom } from './random';
import { type RateLimit, RateLimiter } from './rate-limit';
import { type MarketRequest, type Parsed, parseCancelRequest, parseOrderRequest } from './requests';
import { LocalMarketInbox, type MarketInbox } from './roles';
import { Simulation } from './simulation';
import type { MarketState } from './state';

/** Where the service's messages go: the broker, or something standing in front of it. */
export interface MarketOutput {
  publish(destination: string, body: string, headers: Headers): void;
  sendToUser(login: string, destination: string, body: string, headers: Headers): void;
}

export interface MarketServiceOptions {
  readonly instruments?: readonly InstrumentSpec[];
  /** Milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** Seeds the simulation's randomness. Default: a fresh one each start. */
  readonly seed?: number;
  /** Average simulated events per second over all symbols (bursts go several times higher); 0 turns the simulation off. Default 80. */
  readonly updatesPerSecond?: number;
  /** How often the simulation steps, in milliseconds. Default 50. */
  readonly stepMs?: number;
  /** Limit orders one login may have resting. Default 50. */
  readonly maxOpenOrdersPerLogin?: number;
  /** Orders, cancels and refreshes per session. Default 20 per second, bursts of 40. */
  readonly rateLimit?: RateLimit;
  /** Every login starts with this much cash. Default 10,000,000 cents ($100,000). */
  readonly startingCash?: Cents;
  /** Price levels per side in `BookDepth`. Default 10. */
  readonly bookLevels?: number;
  /** Minutes of synthetic candle history made up at start when the simulation runs (0: none). Default 60. */
  readonly historyMinutes?: number;
  /** Where quotes, trades, order events and portfolios go. Default: the broker. */
  readonly output?: MarketOutput;
  /**
   * Where the handlers hand a request once rate-limited; the SEND's RECEIPT waits for it (in a
   * cluster, until the request is stored). Default: a `LocalMarketInbox`, which applies it here.
   */
  readonly inbox?: MarketInbox;
}

export const MARKET_DEFAULTS = Object.freeze({
  updatesPerSecond: 80,
  stepMs: 50,
  maxOpenOrdersPerLogin: 50,
  rateLimit: Object.freeze({ perSecond: 20, burst: 40 }),
  startingCash: 10_000_000,
  bookLevels: 10,
  historyMinutes: 60,
  tapeLength: 50,
  candleCapacity: Object.freeze({ '1s': 300, '1m': 240 }),
});

/** The per-symbol destinations without their symbol: where their snapshots are registered. */
const PREFIX = {
  quotes: MarketDestination.quotes(''),
  book: MarketDestination.book(''),
  candles: MarketDestination.candles('', '1s').replace(/\.1s$/, ''),
} as const;

/** What the market has done since it started, for `/metrics`. */
export interface MarketStats {
  /** Orders that reached the exchange, by who placed them. */
  readonly orders: Readonly<Record<Owner['kind'], number>>;
  /** Trades: each match between two orders counts once. */
  readonly fills: number;
  /** Requests refused, by reason (rate limits and malformed requests included). */
  readonly rejects: Readonly<Partial<Record<RejectReason, number>>>;
}

type Prepared =
  | { readonly ok: true; readonly order: NewOrder }
  | { readonly ok: false; readonly reason: RejectReason; readonly message: string };

const JSON_HEADERS: Headers = [['content-type', 'application/json']];
const SNAPSHOT_HEADERS: Headers = [...JSON_HEADERS, ['snapshot', 'true']];

export class MarketService {
  private readonly broker: Broker;
  private readonly output: MarketOutput;
  private readonly inbox: MarketInbox;
  private readonly instruments: readonly InstrumentSpec[];
  private readonly now: () => number;
  private readonly exchange: Exchange;
  private readonly data: MarketData;
  private readonly portfolios: Portfolios;
  private readonly limiter: RateLimiter;
  private readonly simulation: Simulation | undefined;
  private readonly stepMs: number;
  private readonly bookLevels: number;
  private readonly unregister: Array<() => void> = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private changes = 0;
  private readonly orderCounts: Record<Owner['kind'], number> = { user: 0, simulated: 0 };
  private fillCount = 0;
  private readonly rejectCounts: Partial<Record<RejectReason, number>> = {};

  /** Symbols whose quote and depth must be published at the next flush. */
  private readonly touchedSymbols = new Set<string>();
  /** Symbols that traded since the last flush: their candles changed. */
  private readonly tradedSymbols = new Set<string>();
  /** Logins whose portfolio changed since the last flush. */
  private readonly touchedLogins = new Set<string>();

  /** Registers the handlers and snapshots at once; the simulation runs from `start()`. */
  constructor(broker: Broker, options: MarketServiceOptions = {}) {
    this.broker = broker;
    this.output = options.output ?? broker;
    this.inbox = options.inbox ?? new LocalMarketInbox();
    this.instruments = options.instruments ?? INSTRUMENTS;
    this.now = options.now ?? Date.now;
    this.stepMs = options.stepMs ?? MARKET_DEFAULTS.stepMs;
    this.bookLevels = options.bookLevels ?? MARKET_DEFAULTS.bookLevels;
    this.exchange = new Exchange(this.instruments, {
      maxOpenOrdersPerLogin: options.maxOpenOrdersPerLogin ?? MARKET_DEFAULTS.maxOpenOrdersPerLogin,
      now: this.now,
    });
    this.data = new MarketData(this.instruments, {
      tapeLength: MARKET_DEFAULTS.tapeLength,
      candleCapacity: MARKET_DEFAULTS.candleCapacity,
    });
    this.portfolios = new Portfolios(options.startingCash ?? MARKET_DEFAULTS.startingCash);
    this.limiter = new RateLimiter(options.rateLimit ?? MARKET_DEFAULTS.rateLimit, this.now);

    const updatesPerSecond = options.updatesPerSecond ?? MARKET_DEFAULTS.updatesPerSecond;
    if (updatesPerSecond > 0) {
      const random = new SeededRandom(options.seed ?? SeededRandom.seed());
      this.simulation = new Simulation(
        {
          submit: (order) => this.execute(order),
          cancel: (orderId, owner) => this.withdraw(orderId, owner),
        },
        { instruments: this.instruments, random, updatesPerSecond },
      );
      this.seedHistory(this.simulation, options.historyMinutes ?? MARKET_DEFAULTS.historyMinutes);
    }
    this.register();
  }

  /** Whether the simulation's timer is running. */
  get running(): boolean {
    return this.timer !== undefined;
  }

  /** Counts executions, users' and the simulation's: when it has moved since a save, there is something new to save. */
  get revision(): number {
    return this.changes;
  }

  /** Running totals of orders, fills and rejects (cheap: plain counters). */
  stats(): MarketStats {
    return { orders: { ...this.orderCounts }, fills: this.fillCount, rejects: { ...this.rejectCounts } };
  }

  /** Opens the simulated market and steps it on an unref'd timer. Idempotent; nothing to do without a simulation. */
  start(): void {
    const simulation = this.simulation;
    if (simulation === undefined || this.timer !== undefined) return;
    simulation.open(this.now());
    this.flush();
    this.timer = setInterval(() => {
      simulation.step(this.now());
      this.flush();
    }, this.stepMs);
    this.timer.unref();
  }

  /** Stops the simulation's timer. Idempotent. */
  stop(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Stops, and unregisters every handler and snapshot. */
  close(): void {
    this.stop();
    for (const unregister of this.unregister.splice(0)) unregister();
  }

  // ── State ──────────────────────────────────────────────────────────────────────────────────────

  /**
   * Everything the market holds, as plain data (the rate limiter's buckets are per node, not market
   * state); without the candles when `candles` is false.
   */
  toState({ candles = true }: { readonly candles?: boolean } = {}): MarketState {
    return {
      v: 1,
      exchange: this.exchange.toState(),
      portfolios: this.portfolios.toState(),
      data: this.data.toState(candles),
      simulation: this.simulation?.toState() ?? null,
    };
  }

  /**
   * Replaces everything the market holds with `state`, publishing nothing: snapshots show it from
   * now on. Not while the simulation runs (its next step would work on orders it no longer knows).
   * A state without a simulation leaves this one's as it is.
   */
  restore(state: MarketState): void {
    if (this.running) throw new Error('stop the market before restoring its state');
    this.exchange.restore(state.exchange);
    this.portfolios.restore(state.portfolios);
    this.data.restore(state.data);
    if (this.simulation !== undefined && state.simulation !== null) this.simulation.restore(state.simulation);
    this.touchedSymbols.clear();
    this.tradedSymbols.clear();
    this.touchedLogins.clear();
  }

  /**
   * Applies a request as its handler would, without rate limiting it (the node that received it
   * did): what the inbox's owner does with each request, here at once or, in a cluster, on the
   * node that owns the market.
   */
  apply(request: MarketRequest): void {
    const { login, destination, bodies } = request;
    if (request.basket) {
      this.placeBasket(login, bodies);
      return;
    }
    const body = bodies[0] ?? new Uint8Array();
    switch (destination) {
      case MarketDestination.placeOrder:
        this.placeOrder(login, body);
        return;
      case MarketDestination.cancelOrder:
        this.cancelOrder(login, body);
        return;
      case MarketDestination.refresh:
        this.refresh(login);
        return;
      default:
        throw new RangeError(`no market request goes to ${destination}`);
    }
  }

  // ── Registration ───────────────────────────────────────────────────────────────────────────────

  private register(): void {
    const orders: AppHandler = Object.assign((message: AppMessage) => this.onOrder(message), {
      commit: (messages: readonly AppMessage[]) => this.onBasket(messages),
    });
    this.unregister.push(
      this.broker.registerAppHandler(MarketDestination.placeOrder, orders),
      this.broker.registerAppHandler(MarketDestination.cancelOrder, (message) => this.onCancel(message)),
      this.broker.registerAppHandler(MarketDestination.refresh, (message) => this.onRefresh(message)),
      this.snapshot(PREFIX.quotes, ({ destination }) => this.quote(destination.slice(PREFIX.quotes.length))),
      this.snapshot(PREFIX.book, ({ destination }) => this.depth(destination.slice(PREFIX.book.length))),
      this.snapshot(PREFIX.candles, ({ destination }) => {
        const [symbol, interval] = splitLast(destination.slice(PREFIX.candles.length));
        return isInterval(interval) ? this.data.candles(symbol, interval)?.history() : undefined;
      }),
      this.snapshot(MarketDestination.trades, () => this.data.recentTrades()),
      this.snapshot(MarketDestination.instruments, () => this.instruments.map(publicInstrument)),
      this.snapshot(MarketDestination.portfolio, ({ login }) =>
        this.portfolios.view(login, this.marks, this.now()),
      ),
      this.snapshot(
        MarketDestination.orderEvents,
        ({ login }): OrderEvent => ({ type: 'open-orders', orders: this.exchange.openOrders(login) }),
      ),
    );
  }

  /** Registers a snapshot whose value is sent as JSON. */
  private snapshot(destination: string, value: (context: SnapshotContext) => unknown): () => void {
    return this.broker.registerSnapshot(destination, (context) => {
      const current = value(context);
      return current === undefined ? undefined : { body: JSON.stringify(current), headers: SNAPSHOT_HEADERS };
    });
  }

  // ── Handlers ───────────────────────────────────────────────────────────────────────────────────

  private onOrder(message: AppMessage): void | Promise<void> {
    const { login, sessionId, body } = message;
    if (!this.limiter.take(sessionId)) {
      const parsed = parseOrderRequest(body);
      this.reject(
        login,
        parsed.ok ? parsed.value.clientOrderId : parsed.clientOrderId,
        'rate-limited',
        this.rateLimitMessage(),
      );
      return;
    }
    return this.submit(requestOf(message, [body], false));
  }

  /** Hands a rate-limited request to the inbox, which applies it here or stores it for the owner. */
  private submit(request: MarketRequest): void | Promise<void> {
    return this.inbox.append(request, this.applyHere);
  }

  private readonly applyHere = (request: MarketRequest): void => this.apply(request);

  private placeOrder(login: string, body: Uint8Array): void {
    const parsed = parseOrderRequest(body);
    const clientOrderId = parsed.ok ? parsed.value.clientOrderId : parsed.clientOrderId;
    const prepared = this.prepare(parsed, login);
    if (!prepared.ok) {
      this.reject(login, clientOrderId, prepared.reason, prepared.message);
      return;
    }
    this.execute(prepared.order);
    this.flush();
  }

  /**
   * A transaction's orders, all or nothing. The broker holds a transaction's SENDs and hands them
   * over together at COMMIT, or drops them at ABORT (STOMP 1.2, "COMMIT", "ABORT"); the all-or-nothing
   * of the orders themselves is decided here: every one is checked before any is placed (limit orders
   * earlier in the basket count against the open-order bound). One bad order refuses them all,
   * each with `basket-failed` and a message naming the culprit. The whole basket is rate-limited as
   * one request costing one token per order.
   */
  private onBasket(messages: readonly AppMessage[]): void | Promise<void> {
    const { login, sessionId } = messages[0]!;
    const bodies = messages.map((message) => message.body);
    if (!this.limiter.take(sessionId, messages.length)) {
      const text = `a basket of ${messages.length} orders: ${this.rateLimitMessage()}`;
      for (const body of bodies) {
        const parsed = parseOrderRequest(body);
        this.reject(
          login,
          parsed.ok ? parsed.value.clientOrderId : parsed.clientOrderId,
          'rate-limited',
          text,
        );
      }
      return;
    }
    return this.submit(requestOf(messages[0]!, bodies, true));
  }

  private placeBasket(login: string, bodies: readonly Uint8Array[]): void {
    const parsed = bodies.map((body) => parseOrderRequest(body));
    const ids = parsed.map((p) => (p.ok ? p.value.clientOrderId : p.clientOrderId));
    const orders: NewOrder[] = [];
    let resting = 0;
    for (const [index, p] of parsed.entries()) {
      const prepared = this.prepare(p, login, resting);
      if (!prepared.ok) {
        const culprit = ids[index] === '' ? `order ${index + 1}` : `order ${index + 1} (${ids[index]})`;
        const text = `basket of ${bodies.length} refused: ${culprit} is ${prepared.reason}: ${prepared.message}`;
        for (const id of ids) this.reject(login, id, 'basket-failed', text);
        return;
      }
      orders.push(prepared.order);
      if (prepared.order.type === 'limit') resting++;
    }
    for (const order of orders) this.execute(order);
    this.flush();
  }

  /** A parsed request as an order the exchange accepts, or why not. */
  private prepare(parsed: Parsed<OrderRequest>, login: string, alsoResting = 0): Prepared {
    if (!parsed.ok) return parsed;
    const order: NewOrder = { ...parsed.value, owner: { kind: 'user', login } };
    const refusal = this.exchange.check(order, alsoResting);
    return refusal === undefined ? { ok: true, order } : { ok: false, ...refusal };
  }

  private onCancel(message: AppMessage): void | Promise<void> {
    const { login, sessionId, body } = message;
    if (!this.limiter.take(sessionId)) {
      this.reject(login, '', 'rate-limited', this.rateLimitMessage());
      return;
    }
    return this.submit(requestOf(message, [body], false));
  }

  private cancelOrder(login: string, body: Uint8Array): void {
    const parsed = parseCancelRequest(body);
    if (!parsed.ok) {
      this.reject(login, '', parsed.reason, parsed.message);
      return;
    }
    const { orderId } = parsed.value;
    if (this.withdraw(orderId, { kind: 'user', login }) === undefined) {
      this.reject(login, '', 'unknown-order', `no open order ${JSON.stringify(orderId)} of yours`);
      return;
    }
    this.flush();
  }

  private onRefresh(message: AppMessage): void | Promise<void> {
    const { login, sessionId, body } = message;
    if (!this.limiter.take(sessionId)) {
      this.reject(login, '', 'rate-limited', this.rateLimitMessage());
      return;
    }
    // Through the inbox too, rather than answered from this node's mirror in a cluster: it follows
    // the sender's earlier orders to the owner, so what it reports includes them.
    return this.submit(requestOf(message, [body], false));
  }

  private refresh(login: string): void {
    this.send(login, MarketDestination.portfolio, this.portfolios.view(login, this.marks, this.now()));
    this.send(login, MarketDestination.orderEvents, {
      type: 'open-orders',
      orders: this.exchange.openOrders(login),
    } satisfies OrderEvent);
  }

  // ── Execution and publishing ───────────────────────────────────────────────────────────────────

  /** Submits a checked order and records what it did. */
  private execute(order: NewOrder): ExecutionReport {
    this.orderCounts[order.owner.kind]++;
    const report = this.exchange.submit(order);
    this.record(report);
    return report;
  }

  private withdraw(orderId: string, owner: Owner): ExecutionReport | undefined {
    const report = this.exchange.cancel(orderId, owner);
    if (report !== undefined) this.record(report);
    return report;
  }

  /** Trades go on the tape and into portfolios at once; order events to their users; the rest waits for `flush`. */
  private record(report: ExecutionReport): void {
    this.changes++;
    this.fillCount += report.trades.length;
    for (const { trade, buyer, seller } of report.trades) {
      this.data.record(trade);
      this.output.publish(MarketDestination.trades, JSON.stringify(trade), JSON_HEADERS);
      for (const [owner, side] of [
        [buyer, 'buy'],
        [seller, 'sell'],
      ] as const) {
        if (owner.kind !== 'user') continue;
        this.portfolios.account(owner.login).apply(trade.symbol, side, trade.quantity, trade.price);
        this.touchedLogins.add(owner.login);
      }
      this.tradedSymbols.add(trade.symbol);
    }
    for (const { login, event } of report.events) {
      if (event.type === 'rejected') this.countReject(event.reason);
      this.send(login, MarketDestination.orderEvents, event);
    }
    this.touchedSymbols.add(report.symbol);
  }

  /** Publishes what changed since the last flush: quotes, depth, candles, portfolios. */
  private flush(): void {
    for (const symbol of this.touchedSymbols) {
      this.output.publish(MarketDestination.quotes(symbol), JSON.stringify(this.quote(symbol)), JSON_HEADERS);
      this.output.publish(MarketDestination.book(symbol), JSON.stringify(this.depth(symbol)), JSON_HEADERS);
    }
    for (const symbol of this.tradedSymbols) {
      for (const interval of CANDLE_INTERVALS) {
        const candle = this.data.candles(symbol, interval)?.current();
        if (candle !== undefined) {
          this.output.publish(
            MarketDestination.candles(symbol, interval),
            JSON.stringify(candle),
            JSON_HEADERS,
          );
        }
      }
    }
    const now = this.now();
    for (const login of this.touchedLogins) {
      this.send(login, MarketDestination.portfolio, this.portfolios.view(login, this.marks, now));
    }
    this.touchedSymbols.clear();
    this.tradedSymbols.clear();
    this.touchedLogins.clear();
  }

  private quote(symbol: string): Quote | undefined {
    return this.data.quote(symbol, this.exchange.bestBid(symbol), this.exchange.bestAsk(symbol), this.now());
  }

  private depth(symbol: string): BookDepth | undefined {
    const depth = this.exchange.depth(symbol, this.bookLevels);
    return depth === undefined ? undefined : { symbol, ...depth, time: this.now() };
  }

  private readonly marks = (symbol: string): Cents | undefined => this.data.lastPrice(symbol);

  private send(login: string, destination: string, value: unknown): void {
    this.output.sendToUser(login, destination, JSON.stringify(value), JSON_HEADERS);
  }

  private countReject(reason: RejectReason): void {
    this.rejectCounts[reason] = (this.rejectCounts[reason] ?? 0) + 1;
  }

  private reject(login: string, clientOrderId: string, reason: RejectReason, message: string): void {
    this.countReject(reason);
    this.send(login, MarketDestination.orderEvents, {
      type: 'rejected',
      clientOrderId,
      reason,
      message,
    } satisfies OrderEvent);
  }

  private rateLimitMessage(): string {
    const { perSecond, burst } = this.limiter.limit;
    return `more than ${perSecond} requests per second (bursts of ${burst}) from this session; slow down`;
  }

  private seedHistory(simulation: Simulation, minutes: number): void {
    if (minutes <= 0) return;
    const now = this.now();
    const span = { seconds: MARKET_DEFAULTS.candleCapacity['1s'], minutes };
    for (const { symbol } of this.instruments) {
      const history = simulation.history(symbol, now, span);
      for (const interval of CANDLE_INTERVALS) this.data.candles(symbol, interval)?.seed(history[interval]);
    }
  }
}

function requestOf(first: AppMessage, bodies: readonly Uint8Array[], basket: boolean): MarketRequest {
  return { login: first.login, sessionId: first.sessionId, destination: first.destination, bodies, basket };
}

function splitLast(text: string): [string, string] {
  const dot = text.lastIndexOf('.');
  return dot < 0 ? [text, ''] : [text.slice(0, dot), text.slice(dot + 1)];
}

function isInterval(value: string): value is CandleInterval {
  return (CANDLE_INTERVALS as readonly string[]).includes(value);
}
