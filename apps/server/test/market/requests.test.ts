import { describe, expect, it } from 'vitest';
import { parseCancelRequest, parseOrderRequest } from '../../src/services/market/requests';

const encode = (text: string) => new TextEncoder().encode(text);
const order = (fields: Record<string, unknown>) =>
  parseOrderRequest(
    encode(
      JSON.stringify({
        clientOrderId: 'c1',
        symbol: 'ACME',
        side: 'buy',
        type: 'limit',
        quantity: 1,
        ...fields,
      }),
    ),
  );

describe('reading an order request', () => {
  it('takes a well-formed limit order as it is', () => {
    expect(order({ price: 4200 })).toEqual({
      ok: true,
      value: { clientOrderId: 'c1', symbol: 'ACME', side: 'buy', type: 'limit', quantity: 1, price: 4200 },
    });
  });

  it.each([
    ['text that is not JSON', encode('{"clientOrderId":'), '', 'malformed'],
    ['bytes that are not UTF-8', new Uint8Array([0x7b, 0xff, 0x7d]), '', 'malformed'],
    ['a JSON array', encode('[1,2]'), '', 'malformed'],
    ['JSON null', encode('null'), '', 'malformed'],
  ])('refuses %s as malformed', (_title, body, clientOrderId, reason) => {
    expect(parseOrderRequest(body)).toMatchObject({ ok: false, clientOrderId, reason });
  });

  it.each([
    ['no clientOrderId', { clientOrderId: undefined }, '', 'malformed'],
    ['an empty clientOrderId', { clientOrderId: '' }, '', 'malformed'],
    ['a clientOrderId of 65 characters', { clientOrderId: 'x'.repeat(65) }, '', 'malformed'],
    ['a numeric symbol', { symbol: 7 }, 'c1', 'malformed'],
    ['an unknown side', { side: 'short' }, 'c1', 'malformed'],
    ['an unknown type', { type: 'stop' }, 'c1', 'malformed'],
    ['a quantity in a string', { quantity: '10' }, 'c1', 'bad-quantity'],
    ['no quantity', { quantity: undefined }, 'c1', 'bad-quantity'],
    ['a price in a string', { price: '42.00' }, 'c1', 'bad-price'],
  ])(
    'refuses an order with %s, echoing the clientOrderId it could read',
    (_title, fields, clientOrderId, reason) => {
      const parsed = order(fields);
      expect(parsed).toMatchObject({ ok: false, clientOrderId, reason });
      expect(!parsed.ok && parsed.message).toBeTruthy();
    },
  );
});

describe('reading a cancel request', () => {
  it('takes an orderId', () => {
    expect(parseCancelRequest(encode('{"orderId":"o7"}'))).toEqual({ ok: true, value: { orderId: 'o7' } });
  });

  it.each(['{}', '{"orderId":7}', '{"orderId":""}', 'o7'])('refuses %s as malformed', (body) => {
    expect(parseCancelRequest(encode(body))).toMatchObject({ ok: false, reason: 'malformed' });
  });
});
