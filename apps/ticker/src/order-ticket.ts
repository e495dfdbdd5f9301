/**
 * The order ticket: buy or sell, limit or market, a quantity and a price on the tick grid. It
 * sends one order with a receipt, or, in basket mode, several inside a STOMP transaction:
 * "Start basket" sends BEGIN, each order is a SEND the broker holds, "Commit" sends COMMIT and
 * "Abort" sends ABORT. Watch the inspector while doing it.
 */
import type { Cents, Instrument, OrderRequest, OrderType, Side } from '@stomping-ground/contracts';
import { h, lessonLink, setText } from './dom';
import { formatPrice, formatQuantity, parsePrice, priceInputValue } from './money';
import type { OrderDesk } from './orders';
import { isOnTick, roundToTick, stepPrice } from './ticks';

export interface OrderTicket {
  setInstruments(instruments: readonly Instrument[]): void;
  /** The chosen symbol changed (on the board, say): the ticket follows, with a fresh price. */
  setSymbol(symbol: string): void;
  /** A price picked elsewhere (the order book). */
  setPrice(price: Cents): void;
  /** A quote arrived: prefills the price if the user has not typed one. */
  offerPrice(symbol: string, price: Cents): void;
  setConnected(connected: boolean): void;
  /** The connection dropped: the broker discarded any open basket. */
  connectionLost(): void;
}

export interface OrderTicketOptions {
  readonly desk: OrderDesk;
  /** The user chose a symbol in the ticket. */
  readonly onSymbol: (symbol: string) => void;
}

const DEFAULT_QUANTITY = 10;

export function createOrderTicket(container: HTMLElement, options: OrderTicketOptions): OrderTicket {
  const { desk } = options;
  const instruments = new Map<string, Instrument>();
  let symbol = '';
  let priceTouched = false;
  let connected = false;
  /** The open transaction and the orders sent in it, while in basket mode. */
  let basket: { transaction: string; orders: OrderRequest[] } | undefined;

  // ── Fields ────────────────────────────────────────────────────────────────────────────────────
  const symbolSelect = h('select', { id: 'ticket-symbol', name: 'symbol', 'data-testid': 'ticket-symbol' });
  const sideBuy = radio('side', 'buy', 'ticket-side-buy', true);
  const sideSell = radio('side', 'sell', 'ticket-side-sell');
  const typeLimit = radio('type', 'limit', 'ticket-type-limit', true);
  const typeMarket = radio('type', 'market', 'ticket-type-market');
  const quantityInput = h('input', {
    id: 'ticket-quantity',
    name: 'quantity',
    type: 'number',
    min: 1,
    step: 1,
    inputmode: 'numeric',
    value: DEFAULT_QUANTITY,
    required: true,
    'data-testid': 'ticket-quantity',
  });
  const priceInput = h('input', {
    id: 'ticket-price',
    name: 'price',
    type: 'text',
    inputmode: 'decimal',
    autocomplete: 'off',
    'aria-describedby': 'ticket-tick',
    'data-testid': 'ticket-price',
  });
  const priceDown = h(
    'button',
    { type: 'button', class: 'step', 'aria-label': 'One tick lower', 'data-testid': 'ticket-price-down' },
    '−',
  );
  const priceUp = h(
    'button',
    { type: 'button', class: 'step', 'aria-label': 'One tick higher', 'data-testid': 'ticket-price-up' },
    '+',
  );
  const tickNote = h('small', { id: 'ticket-tick', class: 'muted' }, '');
  const error = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'ticket-error' });
  const submit = h('button', { type: 'submit', class: 'submit buy', 'data-testid': 'ticket-submit' }, 'Buy');
  const status = h('p', {
    class: 'ticket-status muted',
    'aria-live': 'polite',
    'data-testid': 'ticket-status',
  });

  const basketStart = h(
    'button',
    { type: 'button', class: 'secondary', 'data-testid': 'basket-start' },
    'Start a basket (BEGIN)',
  );
  const basketCommit = h(
    'button',
    { type: 'button', class: 'secondary commit', 'data-testid': 'basket-commit' },
    'Commit (COMMIT)',
  );
  const basketAbort = h(
    'button',
    { type: 'button', class: 'secondary abort', 'data-testid': 'basket-abort' },
    'Abort (ABORT)',
  );
  const basketTitle = h('p', { class: 'basket-title', 'data-testid': 'basket-title' });
  const basketList = h('ol', { class: 'basket-list', 'data-testid': 'basket-list' });
  const basketOpen = h(
    'div',
    { class: 'basket-open' },
    basketTitle,
    basketList,
    h('div', { class: 'row' }, basketCommit, basketAbort),
  );

  const form = h(
    'form',
    {
      class: 'order-ticket',
      'data-testid': 'order-ticket',
      novalidate: true,
      'aria-labelledby': 'ticket-title',
    },
    h(
      'div',
      { class: 'panel-head' },
      h('h2', { class: 'panel-title', id: 'ticket-title' }, 'Order ticket'),
      lessonLink('transactions.html', 'transactions (the basket)'),
    ),
    h('div', { class: 'field' }, h('label', { for: 'ticket-symbol' }, 'Symbol'), symbolSelect),
    h(
      'div',
      { class: 'field-row' },
      h('fieldset', { class: 'segmented side' }, h('legend', {}, 'Side'), ...sideBuy, ...sideSell),
      h('fieldset', { class: 'segmented' }, h('legend', {}, 'Type'), ...typeLimit, ...typeMarket),
    ),
    h(
      'div',
      { class: 'field-row' },
      h('div', { class: 'field' }, h('label', { for: 'ticket-quantity' }, 'Quantity'), quantityInput),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'ticket-price' }, 'Limit price'),
        h('div', { class: 'stepper' }, priceDown, priceInput, priceUp),
        tickNote,
      ),
    ),
    error,
    submit,
    status,
    h('div', { class: 'basket', 'data-testid': 'basket' }, basketStart, basketOpen),
  );
  container.append(form);

  // ── Behaviour ─────────────────────────────────────────────────────────────────────────────────
  const side = (): Side => (sideSell[0].checked ? 'sell' : 'buy');
  const type = (): OrderType => (typeMarket[0].checked ? 'market' : 'limit');
  const tickSize = (): Cents => instruments.get(symbol)?.tickSize ?? 1;

  function refresh(): void {
    const market = type() === 'market';
    priceInput.disabled = market;
    priceDown.disabled = market;
    priceUp.disabled = market;
    setText(tickNote, market ? 'at the best price available' : `tick ${formatPrice(tickSize())}`);
    // The button says what it will do: "Buy 10 ACME @ 101.25".
    const quantity = Number(quantityInput.value);
    const price = parsePrice(priceInput.value);
    const words = [side() === 'buy' ? 'Buy' : 'Sell'];
    if (Number.isInteger(quantity) && quantity > 0) words.push(formatQuantity(quantity));
    if (symbol !== '') words.push(symbol);
    if (market) words.push('at market');
    else if (price !== undefined) words.push(`@ ${formatPrice(price)}`);
    setText(submit, `${basket ? 'Add to basket: ' : ''}${words.join(' ')}`);
    submit.className = `submit ${side()}`;
    submit.disabled = !connected || symbol === '';
    basketStart.hidden = basket !== undefined;
    basketStart.disabled = !connected;
    basketOpen.hidden = basket === undefined;
    if (basket) {
      setText(
        basketTitle,
        `Transaction ${basket.transaction}: ${basket.orders.length} order${basket.orders.length === 1 ? '' : 's'} held by the broker`,
      );
      basketCommit.disabled = !connected || basket.orders.length === 0;
      basketAbort.disabled = !connected;
    }
  }

  function setPriceValue(price: Cents): void {
    priceInput.value = priceInputValue(price);
    refresh();
  }

  function step(steps: number): void {
    const current = parsePrice(priceInput.value);
    if (current === undefined) return;
    priceTouched = true;
    setPriceValue(stepPrice(current, tickSize(), steps));
  }

  /** The order the fields describe, or a reason it cannot be sent. */
  function readOrder(): OrderRequest | string {
    if (symbol === '') return 'Choose a symbol.';
    const quantity = Number(quantityInput.value);
    if (!Number.isInteger(quantity) || quantity < 1) return 'Quantity must be a whole number of at least 1.';
    const base = { clientOrderId: desk.nextClientOrderId(), symbol, side: side(), quantity };
    if (type() === 'market') return { ...base, type: 'market' };
    const price = parsePrice(priceInput.value);
    if (price === undefined || price <= 0) return 'Enter a limit price in dollars and cents, such as 101.25.';
    const tick = tickSize();
    if (!isOnTick(price, tick)) {
      const below = roundToTick(price, tick, 'down');
      return `${formatPrice(price)} is off the ${formatPrice(tick)} grid: try ${formatPrice(below)} or ${formatPrice(below + tick)}.`;
    }
    return { ...base, type: 'limit', price };
  }

  async function send(): Promise<void> {
    const order = readOrder();
    if (typeof order === 'string') {
      setText(error, order);
      return;
    }
    setText(error, '');
    const label = describeOrder(order);
    try {
      if (basket) {
        const { transaction } = basket;
        basket.orders.push(order);
        renderBasket();
        setText(status, `SEND ${order.clientOrderId} inside ${transaction}: waiting for its RECEIPT…`);
        await desk.addToBasket(transaction, order);
        setText(status, `RECEIPT: the broker holds ${label}; nothing trades before COMMIT.`);
      } else {
        setText(status, `SEND ${order.clientOrderId}: waiting for the broker's RECEIPT…`);
        await desk.place(order);
        setText(status, `RECEIPT for ${label}: the market has it. Its fate shows in the blotter.`);
      }
    } catch (failure) {
      setText(error, `Not sent: ${failure instanceof Error ? failure.message : String(failure)}.`);
      setText(status, '');
    }
  }

  function renderBasket(): void {
    basketList.replaceChildren(
      ...(basket?.orders ?? []).map((order) =>
        h('li', { 'data-testid': 'basket-row' }, describeOrder(order)),
      ),
    );
    refresh();
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void send();
  });
  form.addEventListener('change', refresh);
  quantityInput.addEventListener('input', refresh);
  priceInput.addEventListener('input', () => {
    priceTouched = true;
    refresh();
  });
  // Off the grid after typing? Snap to the nearest tick when leaving the field.
  priceInput.addEventListener('blur', () => {
    const price = parsePrice(priceInput.value);
    if (price !== undefined && price > 0) setPriceValue(roundToTick(price, tickSize()));
  });
  priceInput.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowUp' || event.key === 'ArrowDown') {
      event.preventDefault();
      step(event.key === 'ArrowUp' ? 1 : -1);
    }
  });
  priceUp.addEventListener('click', () => step(1));
  priceDown.addEventListener('click', () => step(-1));
  symbolSelect.addEventListener('change', () => options.onSymbol(symbolSelect.value));

  basketStart.addEventListener('click', () => {
    try {
      basket = { transaction: desk.startBasket(), orders: [] };
      setText(error, '');
      setText(status, `BEGIN ${basket.transaction}: orders sent now wait in the broker for COMMIT.`);
    } catch (failure) {
      setText(error, `No basket: ${failure instanceof Error ? failure.message : String(failure)}.`);
    }
    renderBasket();
  });
  basketCommit.addEventListener('click', () => {
    if (!basket) return;
    const { transaction, orders } = basket;
    try {
      desk.commitBasket(transaction);
      setText(
        status,
        `COMMIT ${transaction}: ${orders.length} orders go to the market together, all or nothing.`,
      );
    } catch (failure) {
      setText(error, `Not committed: ${failure instanceof Error ? failure.message : String(failure)}.`);
    }
    basket = undefined;
    renderBasket();
  });
  basketAbort.addEventListener('click', () => {
    if (!basket) return;
    const { transaction } = basket;
    try {
      desk.abortBasket(transaction);
      setText(status, `ABORT ${transaction}: the broker discarded its orders; none reached the market.`);
    } catch (failure) {
      setText(error, `Not aborted: ${failure instanceof Error ? failure.message : String(failure)}.`);
    }
    basket = undefined;
    renderBasket();
  });

  refresh();
  basketOpen.hidden = true;

  return {
    setInstruments(list) {
      instruments.clear();
      for (const instrument of list) instruments.set(instrument.symbol, instrument);
      symbolSelect.replaceChildren(
        ...list.map((instrument) =>
          h('option', { value: instrument.symbol }, `${instrument.symbol} · ${instrument.name}`),
        ),
      );
      symbolSelect.value = symbol;
      refresh();
    },
    setSymbol(next) {
      if (next === symbol) return;
      symbol = next;
      symbolSelect.value = next;
      priceTouched = false;
      priceInput.value = '';
      setText(error, '');
      refresh();
    },
    setPrice(price) {
      priceTouched = true;
      typeLimit[0].checked = true;
      setPriceValue(roundToTick(price, tickSize()));
    },
    offerPrice(offeredSymbol, price) {
      if (offeredSymbol !== symbol || priceTouched || priceInput.value !== '') return;
      setPriceValue(roundToTick(price, tickSize()));
    },
    setConnected(value) {
      connected = value;
      refresh();
    },
    connectionLost() {
      if (basket) {
        setText(status, `The connection dropped: the broker discarded ${basket.transaction} and its orders.`);
        basket = undefined;
        renderBasket();
      }
    },
  };
}

function radio(
  name: string,
  value: string,
  testid: string,
  checked = false,
): [HTMLInputElement, HTMLLabelElement] {
  const id = `ticket-${name}-${value}`;
  const input = h('input', { type: 'radio', name, value, id, checked, 'data-testid': testid });
  const label = h('label', { for: id, class: `choice ${value}` }, value[0]!.toUpperCase() + value.slice(1));
  return [input, label];
}

function describeOrder(order: OrderRequest): string {
  const price = order.type === 'market' ? 'at market' : `@ ${formatPrice(order.price ?? 0)}`;
  return `${order.side} ${formatQuantity(order.quantity)} ${order.symbol} ${price}`;
}
