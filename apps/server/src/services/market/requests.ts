/**
 * Reading what clients SEND to `/app/market/…`: JSON bodies checked field by field, so that a bad
 * order becomes a `rejected` event with a reason, never an exception. Whether the values make sense
 * (a known symbol, a price on the tick grid) is the exchange's business; this only checks shapes.
 */
import type { CancelRequest, OrderRequest, RejectReason } from '@stomping-ground/protocol';

export const MAX_CLIENT_ORDER_ID_LENGTH = 64;

/**
 * One request to the market, as the service applies it: who sent what where. A basket is the
 * orders one transaction SENT to `/app/market/orders`, committed together; anything else has one
 * body. In a cluster this is what travels from the node that received it to the market's owner.
 */
export interface MarketRequest {
  readonly login: string;
  readonly sessionId: string;
  /** `/app/market/orders`, `/app/market/cancel` or `/app/market/refresh`. */
  readonly destination: string;
  readonly bodies: readonly Uint8Array[];
  readonly basket: boolean;
}

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | {
      readonly ok: false;
      /** The request's `clientOrderId` when it had a usable one, so the client can match the reject. */
      readonly clientOrderId: string;
      readonly reason: RejectReason;
      readonly message: string;
    };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function parseOrderRequest(body: Uint8Array): Parsed<OrderRequest> {
  const object = parseObject(body);
  if (!object.ok) return object;
  const fields = object.value;
  const clientOrderId = usableId(fields.clientOrderId) ?? '';
  const refuse = (reason: RejectReason, message: string): Parsed<OrderRequest> => ({
    ok: false,
    clientOrderId,
    reason,
    message,
  });
  if (clientOrderId === '') {
    return refuse(
      'malformed',
      `clientOrderId must be a string of 1 to ${MAX_CLIENT_ORDER_ID_LENGTH} characters`,
    );
  }
  const { symbol, side, type, quantity, price } = fields;
  if (typeof symbol !== 'string') return refuse('malformed', 'symbol must be a string');
  if (side !== 'buy' && side !== 'sell') return refuse('malformed', 'side must be "buy" or "sell"');
  if (type !== 'limit' && type !== 'market') return refuse('malformed', 'type must be "limit" or "market"');
  if (typeof quantity !== 'number') return refuse('bad-quantity', 'quantity must be a number');
  if (price !== undefined && typeof price !== 'number') {
    return refuse('bad-price', 'price must be a number of cents');
  }
  return {
    ok: true,
    value: { clientOrderId, symbol, side, type, quantity, ...(price === undefined ? {} : { price }) },
  };
}

export function parseCancelRequest(body: Uint8Array): Parsed<CancelRequest> {
  const object = parseObject(body);
  if (!object.ok) return object;
  const orderId = object.value.orderId;
  if (typeof orderId !== 'string' || orderId === '') {
    return {
      ok: false,
      clientOrderId: '',
      reason: 'malformed',
      message: 'orderId must be a non-empty string',
    };
  }
  return { ok: true, value: { orderId } };
}

function parseObject(body: Uint8Array): Parsed<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(strictUtf8.decode(body));
  } catch {
    return { ok: false, clientOrderId: '', reason: 'malformed', message: 'the body is not JSON text' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, clientOrderId: '', reason: 'malformed', message: 'the body must be a JSON object' };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

function usableId(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_CLIENT_ORDER_ID_LENGTH
    ? value
    : undefined;
}
