import { webSocketUrl } from '@stomping-ground/protocol';
/**
 * The ticker page: builds each panel, opens the STOMP connection, and routes what arrives to the
 * panels. State lives in small pure reducers (blotter-state, market-state, portfolio-state); the
 * panels only draw it.
 */
import '@stomping-ground/inspector/inspector.css';
import './styles.css';
import { browserStorage, ConnectionState, StompConnection } from '@stomping-ground/client';
import { type CandleInterval, MarketDestination, type Portfolio } from '@stomping-ground/contracts';
import { createFrameInspector } from '@stomping-ground/inspector';
import { createBlotter } from './blotter';
import { type BlotterAction, EMPTY_BLOTTER, reduceBlotter } from './blotter-state';
import { createCandleChart } from './chart';
import { byId, frameScheduler } from './dom';
import { MarketFeed } from './market-feed';
import { referencePrice } from './market-state';
import { createOrderBook } from './order-book';
import { createOrderTicket } from './order-ticket';
import { OrderDesk } from './orders';
import { createPortfolioPanel } from './portfolio';
import { markToMarket } from './portfolio-state';
import { createQuoteBoard } from './quote-board';
import { createStatusBar } from './status';
import { createTape } from './tape';

// ── The inspector first: it must see the very first frame ───────────────────────────────────────
const inspector = createFrameInspector(byId('inspector'), {
  title: 'STOMP frames on the wire',
  maxEntries: 500,
});

// ── State ───────────────────────────────────────────────────────────────────────────────────────
let selected = '';
let interval: CandleInterval = '1s';
let blotter = EMPTY_BLOTTER;
let portfolio: Portfolio | undefined;

// ── The connection ──────────────────────────────────────────────────────────────────────────────
const connection = new StompConnection({
  url: webSocketUrl(location),
  identityStorage: browserStorage(),
  inspector,
  onStatus: (status) => {
    statusBar.refresh();
    ticket.setConnected(status.state === ConnectionState.CONNECTED);
    document.body.dataset.connection = status.state;
  },
  onConnected: () => {
    // Every subscription has just been sent again, and each is answered with a snapshot that
    // rebuilds its panel. What is private to this login (open orders, portfolio) is asked for too:
    connection.send(MarketDestination.refresh, '');
  },
  onDisconnected: () => {
    board.markStale();
    dispatch({ type: 'connection-lost' });
    ticket.connectionLost();
  },
});
const desk = new OrderDesk(connection, dispatch);

// ── Panels ──────────────────────────────────────────────────────────────────────────────────────
const statusBar = createStatusBar(byId('status'), {
  status: () => connection.currentStatus,
  onLogin: (login, passcode) => {
    // Only the guest the broker minted is kept for the next visit: a chosen passcode is never stored.
    blotter = EMPTY_BLOTTER;
    portfolio = undefined;
    blotterView.render(blotter);
    portfolioPanel.render(undefined);
    void connection.changeLogin(login, passcode);
  },
  onReconnectNow: () => connection.reconnectNow(),
  onDrop: () => connection.drop(),
});
const board = createQuoteBoard(byId('quote-board'), select);
const tape = createTape(byId('tape'));
const chart = createCandleChart(byId('chart'), (next) => {
  interval = next;
  select(selected);
});
const book = createOrderBook(byId('order-book'), (price) => ticket.setPrice(price));
const ticket = createOrderTicket(byId('order-ticket'), { desk, onSymbol: select });
const blotterView = createBlotter(byId('blotter'), (orderId) => {
  desk.cancel(orderId).catch(() => {
    // The cancel's outcome comes as an order event; a lost connection is shown in the status bar.
  });
});
const portfolioPanel = createPortfolioPanel(byId('portfolio'));

const renderPortfolio = frameScheduler(() => {
  portfolioPanel.render(
    portfolio === undefined ? undefined : markToMarket(portfolio, (symbol) => board.view(symbol)?.quote.last),
  );
});

function dispatch(action: BlotterAction): void {
  blotter = reduceBlotter(blotter, action);
  blotterView.render(blotter);
}

function select(symbol: string): void {
  if (symbol === '') return;
  selected = symbol;
  board.setSelected(symbol);
  chart.show(symbol, interval);
  book.show(symbol);
  ticket.setSymbol(symbol);
  const view = board.view(symbol);
  if (view) ticket.offerPrice(symbol, referencePrice(view.quote));
  feed.watch(symbol, interval);
}

// ── What arrives, where it goes ─────────────────────────────────────────────────────────────────
const feed = new MarketFeed(connection, {
  instruments(instruments) {
    const symbols = instruments.map((instrument) => instrument.symbol);
    board.setInstruments(instruments);
    ticket.setInstruments(instruments);
    feed.setSymbols(symbols);
    if (!symbols.includes(selected) && symbols[0] !== undefined) select(symbols[0]);
  },
  quote(quote) {
    board.applyQuote(quote);
    if (quote.symbol === selected) ticket.offerPrice(quote.symbol, referencePrice(quote));
    if (portfolio?.positions.some((position) => position.symbol === quote.symbol)) renderPortfolio();
  },
  book: (depth) => book.apply(depth),
  candleHistory: (history) => chart.setHistory(history),
  candle: (candle) => chart.update(candle),
  trades: (trades) => tape.add(trades),
  orderEvent: (event) => dispatch({ type: 'event', event, time: Date.now() }),
  portfolio(next) {
    portfolio = next;
    renderPortfolio();
  },
});

feed.start();
blotterView.render(blotter);
connection.start();
