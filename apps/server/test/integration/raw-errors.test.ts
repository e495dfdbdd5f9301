/**
 * Every way a session ends in an ERROR, over raw WebSocket and raw TCP against the real server: the
 * ERROR carries a `message`, the `code`, the `receipt-id` of the frame at fault and a readable body,
 * then the connection closes (over WebSocket with the close code `closeCodeFor` picks).
 */

import { BrokerErrorCode, CloseCode } from '@stomping-ground/broker';
import { StompErrorCode } from '@stomping-ground/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../support/app';
import { expectSessionError, header, ProbePool, TRANSPORTS } from '../support/raw';

/** Small, so that a frame over the limit is cheap to write. */
const MAX_FRAME_BYTES = 4096;

let server: RunningServer;
const pool = new ProbePool(() => server);

beforeAll(async () => {
  server = await startServer({ maxFrameBytes: MAX_FRAME_BYTES, preLoginMaxFrameBytes: MAX_FRAME_BYTES });
});

afterEach(() => pool.closeAll());

afterAll(async () => {
  await server.close();
});

interface ErrorCase {
  readonly title: string;
  /** Log in as guest first (default), or send `fault` as the connection's first bytes. */
  readonly loggedIn?: boolean;
  /** Raw frames sent before the one at fault, after login. */
  readonly before?: readonly string[];
  readonly fault: string;
  readonly code: string;
  readonly close: number;
  readonly receiptId?: string;
}

const cases: readonly ErrorCase[] = [
  {
    title: 'an unknown command',
    // The decoder still reads the headers of a frame whose command it does not know, so the ERROR
    // carries its receipt (STOMP 1.2, "ERROR": receipt-id is the receipt of the frame at fault).
    fault: 'FLY\nreceipt:r-unknown\n\n\0',
    code: StompErrorCode.UNKNOWN_COMMAND,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-unknown',
  },
  {
    title: 'a SEND without destination',
    fault: 'SEND\nreceipt:r-send\n\nbody\0',
    code: BrokerErrorCode.MISSING_HEADER,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-send',
  },
  {
    title: 'a SUBSCRIBE without id in STOMP 1.2',
    fault: 'SUBSCRIBE\ndestination:/topic/errors\nreceipt:r-sub\n\n\0',
    code: BrokerErrorCode.MISSING_HEADER,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-sub',
  },
  {
    title: 'a second SUBSCRIBE with the same id',
    before: ['SUBSCRIBE\nid:same\ndestination:/topic/errors.a\n\n\0'],
    fault: 'SUBSCRIBE\nid:same\ndestination:/topic/errors.b\nreceipt:r-dup\n\n\0',
    code: BrokerErrorCode.DUPLICATE_SUBSCRIPTION,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-dup',
  },
  {
    title: 'a SUBSCRIBE with an ack mode that does not exist',
    fault: 'SUBSCRIBE\nid:1\ndestination:/topic/errors\nack:sometimes\nreceipt:r-ackmode\n\n\0',
    code: BrokerErrorCode.INVALID_HEADER,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-ackmode',
  },
  {
    title: 'an UNSUBSCRIBE of a subscription that does not exist',
    fault: 'UNSUBSCRIBE\nid:nope\nreceipt:r-unsub\n\n\0',
    code: BrokerErrorCode.UNKNOWN_SUBSCRIPTION,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-unsub',
  },
  {
    title: 'an ACK of an unknown id',
    fault: 'ACK\nid:12345\nreceipt:r-ack\n\n\0',
    code: BrokerErrorCode.UNKNOWN_ACK,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-ack',
  },
  {
    title: 'a NACK of an unknown id',
    fault: 'NACK\nid:12345\nreceipt:r-nack\n\n\0',
    code: BrokerErrorCode.UNKNOWN_ACK,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-nack',
  },
  {
    title: 'a COMMIT of an unknown transaction',
    fault: 'COMMIT\ntransaction:never-begun\nreceipt:r-commit\n\n\0',
    code: BrokerErrorCode.UNKNOWN_TRANSACTION,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-commit',
  },
  {
    title: 'an ABORT of a transaction already committed',
    before: ['BEGIN\ntransaction:t\n\n\0', 'COMMIT\ntransaction:t\n\n\0'],
    fault: 'ABORT\ntransaction:t\nreceipt:r-abort\n\n\0',
    code: BrokerErrorCode.UNKNOWN_TRANSACTION,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-abort',
  },
  {
    title: 'a BEGIN of a transaction already open',
    before: ['BEGIN\ntransaction:t\n\n\0'],
    fault: 'BEGIN\ntransaction:t\nreceipt:r-begin\n\n\0',
    code: BrokerErrorCode.DUPLICATE_TRANSACTION,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-begin',
  },
  {
    title: 'a SEND to a destination of no known kind',
    fault: 'SEND\ndestination:/exchange/errors\nreceipt:r-dest\n\n\0',
    code: BrokerErrorCode.INVALID_DESTINATION,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-dest',
  },
  {
    title: 'a client SEND to a /topic/market/ destination',
    fault: 'SEND\ndestination:/topic/market/ACME\nreceipt:r-market\n\n{"price":1}\0',
    code: BrokerErrorCode.FORBIDDEN,
    close: CloseCode.POLICY_VIOLATION,
    receiptId: 'r-market',
  },
  {
    title: 'a client SEND to a /topic/game/ destination',
    fault: 'SEND\ndestination:/topic/game/lobby\nreceipt:r-game\n\nmove\0',
    code: BrokerErrorCode.FORBIDDEN,
    close: CloseCode.POLICY_VIOLATION,
    receiptId: 'r-game',
  },
  {
    title: 'a client SEND to a user destination',
    fault: 'SEND\ndestination:/user/queue/errors\nreceipt:r-user\n\nx\0',
    code: BrokerErrorCode.FORBIDDEN,
    close: CloseCode.POLICY_VIOLATION,
    receiptId: 'r-user',
  },
  {
    title: 'a SUBSCRIBE to an /app/ destination',
    fault: 'SUBSCRIBE\nid:1\ndestination:/app/errors\nreceipt:r-app-sub\n\n\0',
    code: BrokerErrorCode.FORBIDDEN,
    close: CloseCode.POLICY_VIOLATION,
    receiptId: 'r-app-sub',
  },
  {
    title: 'a SEND to an /app/ destination no handler serves',
    fault: 'SEND\ndestination:/app/nobody-home\nreceipt:r-app\n\nhello\0',
    code: BrokerErrorCode.NO_HANDLER,
    close: CloseCode.POLICY_VIOLATION,
    receiptId: 'r-app',
  },
  {
    // The body limit equals the frame limit, so the frame (head and body) passes its limit first;
    // the decoder reports the limit a byte-by-byte reader meets first, whatever the chunking.
    title: 'a body over the size limit',
    fault: `SEND\ndestination:/topic/errors\nreceipt:r-body\n\n${'x'.repeat(MAX_FRAME_BYTES + 1)}\0`,
    code: StompErrorCode.FRAME_TOO_LARGE,
    close: CloseCode.TOO_BIG,
    receiptId: 'r-body',
  },
  {
    title: 'a content-length over the size limit',
    fault: `SEND\ndestination:/topic/errors\nreceipt:r-length\ncontent-length:${MAX_FRAME_BYTES + 1}\n\n${'x'.repeat(MAX_FRAME_BYTES + 1)}\0`,
    code: StompErrorCode.BODY_TOO_LARGE,
    close: CloseCode.TOO_BIG,
    receiptId: 'r-length',
  },
  {
    title: 'a frame over the size limit whose body alone is within it',
    fault: `SEND\ndestination:/topic/errors\nreceipt:r-frame\n\n${'x'.repeat(MAX_FRAME_BYTES - 10)}\0`,
    code: StompErrorCode.FRAME_TOO_LARGE,
    close: CloseCode.TOO_BIG,
    receiptId: 'r-frame',
  },
  {
    title: 'a content-length that is not a number',
    fault: 'SEND\ndestination:/topic/errors\nreceipt:r-nan\ncontent-length:five\n\nhello\0',
    code: StompErrorCode.INVALID_CONTENT_LENGTH,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-nan',
  },
  {
    title: 'a body longer than its content-length',
    fault: 'SEND\ndestination:/topic/errors\nreceipt:r-nul\ncontent-length:2\n\nhello\0',
    code: StompErrorCode.MISSING_NUL,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-nul',
  },
  {
    title: 'a frame only a server sends',
    fault: 'MESSAGE\ndestination:/topic/errors\nmessage-id:1\nsubscription:1\nreceipt:r-message\n\n\0',
    code: BrokerErrorCode.UNEXPECTED_COMMAND,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-message',
  },
  {
    title: 'a second CONNECT',
    fault: 'CONNECT\naccept-version:1.2\nhost:localhost\n\n\0',
    code: BrokerErrorCode.ALREADY_CONNECTED,
    close: CloseCode.PROTOCOL_ERROR,
  },
  {
    title: 'a frame other than CONNECT before login',
    loggedIn: false,
    fault: 'SEND\ndestination:/topic/errors\nreceipt:r-early\n\ntoo soon\0',
    code: BrokerErrorCode.NOT_CONNECTED,
    close: CloseCode.PROTOCOL_ERROR,
    receiptId: 'r-early',
  },
  {
    title: 'a known user with the wrong passcode',
    loggedIn: false,
    fault: 'CONNECT\naccept-version:1.2\nhost:localhost\nlogin:alice\npasscode:bob\n\n\0',
    code: BrokerErrorCode.AUTH_FAILED,
    close: CloseCode.POLICY_VIOLATION,
  },
  {
    title: 'a known user with no passcode at all',
    loggedIn: false,
    fault: 'CONNECT\naccept-version:1.2\nhost:localhost\nlogin:alice\n\n\0',
    code: BrokerErrorCode.AUTH_FAILED,
    close: CloseCode.POLICY_VIOLATION,
  },
  {
    title: 'a CONNECT with a malformed heart-beat',
    loggedIn: false,
    fault: 'CONNECT\naccept-version:1.2\nhost:localhost\nheart-beat:soon\n\n\0',
    code: StompErrorCode.INVALID_HEART_BEAT,
    close: CloseCode.PROTOCOL_ERROR,
  },
  {
    title: 'a frame before login over the pre-login size limit',
    loggedIn: false,
    fault: `CONNECT\naccept-version:1.2\nhost:localhost\n\n${'x'.repeat(MAX_FRAME_BYTES + 1)}\0`,
    code: StompErrorCode.FRAME_TOO_LARGE,
    close: CloseCode.TOO_BIG,
  },
];

describe.each(TRANSPORTS)('over raw %s', (kind) => {
  it.each(cases)('ends the session with an ERROR for $title', async (errorCase) => {
    const probe = await pool.probe(kind);
    if (errorCase.loggedIn !== false) {
      const connected = await probe.connect([
        ['login', 'guest'],
        ['passcode', 'guest'],
      ]);
      expect(connected.command).toBe('CONNECTED');
    }
    for (const frame of errorCase.before ?? []) probe.sendRaw(frame);
    probe.sendRaw(errorCase.fault);
    await expectSessionError(probe, kind, {
      code: errorCase.code,
      close: errorCase.close,
      receiptId: errorCase.receiptId,
    });
  });

  it('refuses an accept-version it does not speak and lists the versions it does', async () => {
    const probe = await pool.probe(kind);
    probe.sendRaw('CONNECT\naccept-version:2.0,3.1\nhost:localhost\nlogin:guest\npasscode:guest\n\n\0');
    const error = await expectSessionError(probe, kind, {
      code: StompErrorCode.UNSUPPORTED_VERSION,
      close: CloseCode.PROTOCOL_ERROR,
    });
    expect(header(error, 'version')?.split(',')).toEqual(expect.arrayContaining(['1.0', '1.1', '1.2']));
  });

  it('ignores whatever follows the faulty frame in the same write', async () => {
    const probe = await pool.probe(kind);
    await probe.connect();
    probe.sendRaw(
      'SUBSCRIBE\nid:1\nreceipt:r-1\n\n\0' + // no destination
        'SUBSCRIBE\nid:2\ndestination:/topic/errors\nreceipt:r-2\n\n\0',
    );
    await expectSessionError(probe, kind, {
      code: BrokerErrorCode.MISSING_HEADER,
      close: CloseCode.PROTOCOL_ERROR,
      receiptId: 'r-1',
    });
    expect(probe.frames.map((frame) => frame.command)).toEqual(['CONNECTED', 'ERROR']);
  });
});
