import { type Frame, StompError, StompErrorCode } from '@stomping-ground/protocol';
import { describe, expect, it } from 'vitest';
import { Broker } from '../../src/core/broker';
import { BrokerError, BrokerErrorCode, closeCodeFor, toProtocolFault } from '../../src/core/errors';
import { CloseCode } from '../../src/core/transport';
import { connectClient, header, settle, stomp, type TestClient, text } from '../support/fake-transport';

interface Case {
  readonly title: string;
  /** Frames sent after CONNECTED, before the one at fault. */
  readonly before?: ReadonlyArray<[Frame['command'], Record<string, string>, string?]>;
  /** The frame at fault, as raw text so that malformed frames can be written. */
  readonly fault: string;
  readonly code: string;
  readonly close: number;
  readonly receiptId?: string;
  readonly version?: string;
}

const cases: Case[] = [
  {
    title: 'a SEND without destination',
    fault: stomp('SEND', { receipt: 'r-1' }, 'x'),
    code: BrokerErrorCode.MISSING_HEADER,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-1',
  },
  {
    title: 'a SUBSCRIBE without id in STOMP 1.2',
    fault: stomp('SUBSCRIBE', { destination: '/topic/a', receipt: 'r-2' }),
    code: BrokerErrorCode.MISSING_HEADER,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-2',
  },
  {
    title: 'a SUBSCRIBE with an unknown ack mode',
    fault: stomp('SUBSCRIBE', { id: '1', destination: '/topic/a', ack: 'sometimes', receipt: 'r-3' }),
    code: BrokerErrorCode.INVALID_HEADER,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-3',
  },
  {
    title: 'a SEND to a destination of no known kind',
    fault: stomp('SEND', { destination: '/exchange/a', receipt: 'r-4' }),
    code: BrokerErrorCode.INVALID_DESTINATION,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-4',
  },
  {
    title: 'a SEND to a destination holding a control character',
    fault: stomp('SEND', { destination: '/topic/a\u0007b' }),
    code: BrokerErrorCode.INVALID_DESTINATION,
    close: CloseCode.PROTOCOL_ERROR,
  },
  {
    title: 'a second SUBSCRIBE with the same id',
    before: [['SUBSCRIBE', { id: 'same', destination: '/topic/a' }]],
    fault: stomp('SUBSCRIBE', { id: 'same', destination: '/topic/b', receipt: 'r-5' }),
    code: BrokerErrorCode.DUPLICATE_SUBSCRIPTION,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-5',
  },
  {
    title: 'an UNSUBSCRIBE of an unknown id',
    fault: stomp('UNSUBSCRIBE', { id: 'ghost', receipt: 'r-6' }),
    code: BrokerErrorCode.UNKNOWN_SUBSCRIPTION,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-6',
  },
  {
    title: 'an ACK of an id no MESSAGE carried',
    fault: stomp('ACK', { id: '999', receipt: 'r-7' }),
    code: BrokerErrorCode.UNKNOWN_ACK,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-7',
  },
  {
    title: 'a NACK without id',
    fault: stomp('NACK', { receipt: 'r-8' }),
    code: BrokerErrorCode.MISSING_HEADER,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-8',
  },
  {
    title: 'a COMMIT of a transaction never begun',
    fault: stomp('COMMIT', { transaction: 'tx', receipt: 'r-9' }),
    code: BrokerErrorCode.UNKNOWN_TRANSACTION,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-9',
  },
  {
    title: 'a SEND in a transaction never begun',
    fault: stomp('SEND', { destination: '/topic/a', transaction: 'tx', receipt: 'r-10' }),
    code: BrokerErrorCode.UNKNOWN_TRANSACTION,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-10',
  },
  {
    title: 'a BEGIN of a transaction already open',
    before: [['BEGIN', { transaction: 'tx' }]],
    fault: stomp('BEGIN', { transaction: 'tx', receipt: 'r-11' }),
    code: BrokerErrorCode.DUPLICATE_TRANSACTION,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-11',
  },
  {
    title: 'a BEGIN without transaction',
    fault: stomp('BEGIN', { receipt: 'r-12' }),
    code: BrokerErrorCode.MISSING_HEADER,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-12',
  },
  {
    title: 'a frame only a server sends',
    fault: stomp('MESSAGE', { destination: '/topic/a', receipt: 'r-13' }),
    code: BrokerErrorCode.UNEXPECTED_COMMAND,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-13',
  },
  {
    title: 'a command STOMP does not define',
    fault: 'PUBLISH\ndestination:/topic/a\n\n\0',
    code: StompErrorCode.UNKNOWN_COMMAND,
    close: CloseCode.PROTOCOL_ERROR,
  },
  {
    title: 'an undefined escape in a header, with the receipt read before it',
    fault: 'SEND\nreceipt:r-14\ndestination:/topic/a\\t\n\n\0',
    code: StompErrorCode.INVALID_ESCAPE,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-14',
  },
  {
    title: 'a body longer than its content-length',
    fault: 'SEND\ndestination:/topic/a\nreceipt:r-15\ncontent-length:2\n\nabc\0',
    code: StompErrorCode.MISSING_NUL,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-15',
  },
  {
    title: 'a SEND to a server-owned topic',
    fault: stomp('SEND', { destination: '/topic/market/AAPL', receipt: 'r-16' }, '1'),
    code: BrokerErrorCode.FORBIDDEN,
    close: CloseCode.POLICY_VIOLATION,
    receiptId: 'r-16',
  },
  {
    title: 'a SEND to an /app/ destination nobody handles',
    fault: stomp('SEND', { destination: '/app/nothing', receipt: 'r-17' }),
    code: BrokerErrorCode.NO_HANDLER,
    close: CloseCode.POLICY_VIOLATION,
    receiptId: 'r-17',
  },
];

async function expectRefused(client: TestClient, expected: Case): Promise<void> {
  await settle();
  const error = client.error();
  expect(error.code).toBe(expected.code);
  expect(error.receiptId).toBe(expected.receiptId);
  expect(error.close).toBe(expected.close);
}

describe('protocol errors', () => {
  for (const c of cases) {
    it(`answers ${c.title} with ERROR ${c.code} and close ${c.close}`, async () => {
      const client = await connectClient(new Broker());
      for (const [command, headers, body] of c.before ?? []) client.send(command, headers, body);
      client.raw(c.fault);
      await expectRefused(client, c);
    });
  }

  it('sends a short message header, text/plain content and a readable body', async () => {
    const client = await connectClient(new Broker());
    client.send('SEND', { destination: '/topic/market/X', receipt: 'r' });
    await settle();
    const error = client.last('ERROR');
    expect(header(error, 'message')).toBe('clients may not send to /topic/market/X');
    expect(header(error, 'content-type')).toBe('text/plain');
    expect(text(error.body)).toMatch(/clients may not send to \/topic\/market\/X\n$/);
  });

  it('sends nothing more and reads nothing more after the ERROR', async () => {
    const broker = new Broker();
    const listener = await connectClient(broker);
    listener.send('SUBSCRIBE', { id: '1', destination: '/topic/after' });
    const client = await connectClient(broker);
    client.raw(
      stomp('SEND', { receipt: 'bad' }) +
        stomp('SEND', { destination: '/topic/after', receipt: 'good' }, 'late'),
    );
    await settle();
    expect(client.commands()).toEqual(['CONNECTED', 'ERROR']);
    expect(listener.messages()).toEqual([]);
  });

  it('refuses a subscription past the per-session limit', async () => {
    const client = await connectClient(new Broker({ limits: { maxSubscriptionsPerSession: 2 } }));
    client.send('SUBSCRIBE', { id: '1', destination: '/topic/a' });
    client.send('SUBSCRIBE', { id: '2', destination: '/topic/b' });
    client.send('SUBSCRIBE', { id: '3', destination: '/topic/c', receipt: 'r' });
    await expectRefused(client, {
      title: '',
      fault: '',
      code: BrokerErrorCode.LIMIT,
      close: CloseCode.POLICY_VIOLATION,
      receiptId: 'r',
    });
  });

  it('refuses a frame too large for the post-login limits with close 1009', async () => {
    const client = await connectClient(new Broker({ limits: { postLogin: { maxBodyBytes: 100 } } }));
    client.send('SEND', { destination: '/topic/a', receipt: 'big' }, 'z'.repeat(200));
    await expectRefused(client, {
      title: '',
      fault: '',
      code: StompErrorCode.BODY_TOO_LARGE,
      close: CloseCode.TOO_BIG,
      receiptId: 'big',
    });
  });

  it('closes with 1011 when the transport refuses bytes', async () => {
    const broker = new Broker();
    const client = await connectClient(broker);
    client.transport.send = () => {
      throw new Error('socket destroyed');
    };
    client.send('SUBSCRIBE', { id: '1', destination: '/topic/a', receipt: 'r' });
    await settle();
    expect(client.closedWith?.code).toBe(CloseCode.SERVER_ERROR);
    expect(broker.sessionCount).toBe(0);
  });

  it('reports each ERROR to the observer with its code', async () => {
    const codes: string[] = [];
    const broker = new Broker({ observer: { ...noopObserver, protocolError: (code) => codes.push(code) } });
    const client = await connectClient(broker);
    client.send('UNSUBSCRIBE', { id: 'x' });
    await settle();
    expect(codes).toEqual([BrokerErrorCode.UNKNOWN_SUBSCRIPTION]);
  });
});

describe('closeCodeFor', () => {
  it('closes size faults with 1009 and other codec faults with 1002', () => {
    expect(closeCodeFor(new StompError(StompErrorCode.FRAME_TOO_LARGE, ''))).toBe(CloseCode.TOO_BIG);
    expect(closeCodeFor(new StompError(StompErrorCode.TOO_MANY_HEADERS, ''))).toBe(CloseCode.TOO_BIG);
    expect(closeCodeFor(new StompError(StompErrorCode.INVALID_UTF8, ''))).toBe(CloseCode.PROTOCOL_ERROR);
  });

  it('closes refusals of policy with 1008, a shutdown with 1001 and internal errors with 1011', () => {
    expect(closeCodeFor(new BrokerError(BrokerErrorCode.AUTH_FAILED, ''))).toBe(CloseCode.POLICY_VIOLATION);
    expect(closeCodeFor(new BrokerError(BrokerErrorCode.SLOW_CONSUMER, ''))).toBe(CloseCode.POLICY_VIOLATION);
    expect(closeCodeFor(new BrokerError(BrokerErrorCode.SHUTTING_DOWN, ''))).toBe(CloseCode.GOING_AWAY);
    expect(closeCodeFor(new BrokerError(BrokerErrorCode.INTERNAL, ''))).toBe(CloseCode.SERVER_ERROR);
  });

  it('turns anything that is not a protocol fault into an internal error without its details', () => {
    const fault = toProtocolFault(new TypeError('secret stack'));
    expect(fault).toBeInstanceOf(BrokerError);
    expect(fault.code).toBe(BrokerErrorCode.INTERNAL);
    expect(fault.message).not.toContain('secret');
  });

  it('has a distinct STOMP_ERR_ code for every session fault', () => {
    const codes = Object.values(BrokerErrorCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^STOMP_ERR_[A-Z_]+$/);
    const codecCodes = new Set<string>(Object.values(StompErrorCode));
    for (const code of codes) expect(codecCodes.has(code)).toBe(false);
  });
});

const noopObserver = {
  frameIn: () => {},
  frameOut: () => {},
  sessionOpened: () => {},
  sessionClosed: () => {},
  slowConsumer: () => {},
  protocolError: () => {},
  messageDropped: () => {},
  publisherPaused: () => {},
  connectionRefused: () => {},
};
