/**
 * Reading what clients SEND to `/app/market/…`: the body is read as JSON and checked against the
 * contract's schema (`OrderRequestSchema`, `CancelRequestSchema`), so that a bad order becomes a
 * `rejected` event with a reason, never an exception. Whether the values make sense (a known symbol,
 * a price on the tick grid) is the exchange's business; the schemas only check shapes.
 */
import {
  type CancelRequest,
  CancelRequestSchema,
  ClientOrderIdSchema,
  type OrderRequest,
  OrderRequestSchema,
  type RejectReason,
} from '@stomping-ground/contracts';
import * as v from 'valibot';

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

/**
 * The reason a field's refusal carries: a quantity or a price that is not a number is refused with
 * the same reason as one the exchange finds out of range; anything else is `malformed`.
 */
const REASON_BY_FIELD: Readonly<Record<string, RejectReason>> = {
  quantity: 'bad-quantity',
  price: 'bad-price',
};

export function parseOrderRequest(body: Uint8Array): Parsed<OrderRequest> {
  const object = parseObject(body);
  if (!object.ok) return object;
  const result = v.safeParse(OrderRequestSchema, object.value);
  if (result.success) return { ok: true, value: result.output };
  // The schema checks fields in the contract's order; the first that does not fit is the answer.
  const [issue] = result.issues;
  const field = issue.path?.[0]?.key;
  const clientOrderId = object.value.clientOrderId;
  return {
    ok: false,
    clientOrderId: v.is(ClientOrderIdSchema, clientOrderId) ? clientOrderId : '',
    reason: (typeof field === 'string' ? REASON_BY_FIELD[field] : undefined) ?? 'malformed',
    message: issue.message,
  };
}

export function parseCancelRequest(body: Uint8Array): Parsed<CancelRequest> {
  const object = parseObject(body);
  if (!object.ok) return object;
  const result = v.safeParse(CancelRequestSchema, object.value);
  if (result.success) return { ok: true, value: result.output };
  return { ok: false, clientOrderId: '', reason: 'malformed', message: result.issues[0].message };
}

/** The body as a JSON object: UTF-8 text, JSON, and an object rather than an array or a scalar. */
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
