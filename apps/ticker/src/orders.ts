/**
 * The order desk: what placing, cancelling and basket trading look like on the wire.
 *
 * - One order: a SEND to `/app/market/orders` with a `receipt` header. The RECEIPT says the broker
 *   has handed it to the market service; the service's verdict (accepted, rejected, fills) comes as
 *   MESSAGEs on `/user/queue/orders`, private to this login.
 * - A basket: BEGIN opens a STOMP transaction; each order is a SEND with a `transaction` header,
 *   which the broker holds (its RECEIPT means "held", not "done"); COMMIT hands them all to the
 *   market service at once, to execute all or nothing; ABORT discards them.
 */

import { NotConnectedError, type StompConnection } from '@stomping-ground/client';
import { MarketDestination, type OrderRequest } from '@stomping-ground/contracts';
import type { BlotterAction } from './blotter-state';

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

export class OrderDesk {
  private orderCounter = 0;
  private basketCounter = 0;
  /** Unique across reloads: the time this page was opened, in base 36. */
  private readonly prefix = Date.now().toString(36);

  constructor(
    private readonly connection: StompConnection,
    private readonly dispatch: (action: BlotterAction) => void,
  ) {}

  /** A fresh `clientOrderId`: the server echoes it on every event of the order. */
  nextClientOrderId(): string {
    return `ord-${this.prefix}-${++this.orderCounter}`;
  }

  /** Sends one order; resolves when the broker's RECEIPT comes. */
  async place(request: OrderRequest): Promise<void> {
    if (!this.connection.connected) throw new NotConnectedError();
    this.dispatch({ type: 'submitted', request, time: Date.now() });
    try {
      await this.connection.sendWithReceipt(
        MarketDestination.placeOrder,
        JSON.stringify(request),
        request.clientOrderId,
        JSON_HEADERS,
      );
    } catch (error) {
      this.dispatch({ type: 'unconfirmed', clientOrderId: request.clientOrderId });
      throw error;
    }
    this.dispatch({ type: 'receipt', clientOrderId: request.clientOrderId });
  }

  /** Asks the market service to cancel an open order; its answer is a `cancelled` event. */
  async cancel(orderId: string): Promise<void> {
    await this.connection.sendWithReceipt(
      MarketDestination.cancelOrder,
      JSON.stringify({ orderId }),
      `cancel-${orderId}`,
      JSON_HEADERS,
    );
  }

  /** BEGIN: returns the transaction's name. */
  startBasket(): string {
    return this.connection.begin(`basket-${this.prefix}-${++this.basketCounter}`);
  }

  /** A SEND inside the transaction: the broker holds it until COMMIT or ABORT. */
  async addToBasket(transaction: string, request: OrderRequest): Promise<void> {
    if (!this.connection.connected) throw new NotConnectedError();
    this.dispatch({ type: 'submitted', request, transaction, time: Date.now() });
    // A connection lost before the RECEIPT takes the whole transaction with it ('connection-lost').
    await this.connection.sendWithReceipt(
      MarketDestination.placeOrder,
      JSON.stringify(request),
      request.clientOrderId,
      { ...JSON_HEADERS, transaction },
    );
    this.dispatch({ type: 'receipt', clientOrderId: request.clientOrderId });
  }

  commitBasket(transaction: string): void {
    this.connection.commit(transaction);
    this.dispatch({ type: 'committed', transaction });
  }

  abortBasket(transaction: string): void {
    this.connection.abort(transaction);
    this.dispatch({ type: 'aborted', transaction });
  }
}
