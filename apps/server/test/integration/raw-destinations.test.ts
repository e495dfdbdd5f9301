/**
 * User destinations, `/app/` handlers and server-owned topics, over real sockets: what one login
 * can reach of another's, what a handler's reply reaches, and who may write where.
 */

import { BrokerError, BrokerErrorCode, CloseCode } from '@stomping-ground/broker';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../support/app';
import type { StompProbe } from '../support/probe';
import {
  expectSessionError,
  header,
  nextFrame,
  nextMessage,
  ProbePool,
  sendWithReceipt,
  subscribe,
  text,
} from '../support/raw';

let server: RunningServer;
const pool = new ProbePool(() => server);
/** Settles the pending `/app/slow` call. */
let releaseSlow: (() => void) | undefined;
let slowCalled: (() => void) | undefined;

beforeAll(async () => {
  server = await startServer();
  const { broker } = server.app;
  broker.registerAppHandler('/app/echo', (message) =>
    broker.sendToUser(message.login, '/user/queue/echo', message.body),
  );
  broker.registerAppHandler('/app/slow', (message) => {
    slowCalled?.();
    return new Promise<void>((resolve) => {
      releaseSlow = () => {
        broker.sendToUser(message.login, '/user/queue/echo', 'slow done');
        resolve();
      };
    });
  });
  broker.registerAppHandler('/app/broken', () => {
    throw new Error('secret internals');
  });
  broker.registerAppHandler('/app/refusing', () => {
    throw new BrokerError(BrokerErrorCode.FORBIDDEN, 'not today');
  });
});

afterEach(() => pool.closeAll());

afterAll(async () => {
  await server.close();
});

describe('user destinations', () => {
  it("delivers sendToUser to every session of that login and to nobody else's", async () => {
    const aliceWs = await pool.client('ws', 'alice', 'alice');
    const aliceTcp = await pool.client('tcp', 'alice', 'alice');
    const bob = await pool.client('ws', 'bob', 'bob');
    for (const probe of [aliceWs, aliceTcp, bob]) await subscribe(probe, 'x', '/user/queue/x');

    server.app.broker.sendToUser('alice', '/user/queue/x', 'for alice', [['kind', 'private']]);
    for (const probe of [aliceWs, aliceTcp]) {
      const message = await nextMessage(probe);
      expect(text(message)).toBe('for alice');
      expect(header(message, 'destination')).toBe('/user/queue/x');
      expect(header(message, 'subscription')).toBe('x');
      expect(header(message, 'kind')).toBe('private');
    }
    // The shorthand `/queue/x` names the same user destination; bob's first message is his own.
    server.app.broker.sendToUser('bob', '/queue/x', 'for bob');
    expect(text(await nextMessage(bob))).toBe('for bob');
  });

  it("does not let bob read alice's user queue through any destination he may subscribe to", async () => {
    const alice = await pool.client('tcp', 'alice', 'alice');
    await subscribe(alice, 'x', '/user/queue/x');
    const bob = await pool.client('ws', 'bob', 'bob');
    const spellings = [
      '/user/queue/x',
      '/queue/x',
      '/topic/x',
      '/user/queue/alice/x',
      '/user/queue/alice/queue/x',
      '/user/queue/x/alice',
      '/user/queue/alice',
      '/user/queue/../alice/queue/x',
      '/queue/user/alice/queue/x',
      '/topic/user/alice/queue/x',
    ];
    for (const [index, destination] of spellings.entries()) await subscribe(bob, `s${index}`, destination);
    // Anyone may claim a free name with a passcode, but not a fixed account's, and names are exact.
    const lookalikes = [await pool.client('tcp', 'Alice', 'mine'), await pool.client('ws', 'ALICE', 'mine')];
    for (const probe of lookalikes) await subscribe(probe, 'x', '/user/queue/x');

    server.app.broker.sendToUser('alice', '/user/queue/x', 'secret');
    server.app.broker.sendToUser('alice', '/queue/x', 'secret too');
    expect(text(await nextMessage(alice))).toBe('secret');
    expect(text(await nextMessage(alice))).toBe('secret too');

    // Each one's next message is a marker sent after the secrets, so none of them got a secret.
    server.app.broker.sendToUser('bob', '/user/queue/x', 'marker');
    const marker = await nextMessage(bob);
    expect([text(marker), header(marker, 'subscription')]).toEqual(['marker', 's0']);
    for (const [probe, login] of [
      [lookalikes[0]!, 'Alice'],
      [lookalikes[1]!, 'ALICE'],
    ] as const) {
      server.app.broker.sendToUser(login, '/user/queue/x', `marker for ${login}`);
      expect(text(await nextMessage(probe))).toBe(`marker for ${login}`);
    }
  });

  it.each(['/user/alice/queue/x', '/user//queue/x', '/user/queue/', '/user/alice/x'])(
    'refuses a SUBSCRIBE to %s, which names no destination of this broker',
    async (destination) => {
      const bob = await pool.client('ws', 'bob', 'bob');
      bob.send({
        command: 'SUBSCRIBE',
        headers: [
          ['id', 'spy'],
          ['destination', destination],
          ['receipt', 'r-spy'],
        ],
      });
      await expectSessionError(bob, 'ws', {
        code: BrokerErrorCode.INVALID_DESTINATION,
        close: CloseCode.PROTOCOL_ERROR,
        receiptId: 'r-spy',
      });
    },
  );

  it("refuses a SEND into alice's user queue", async () => {
    const bob = await pool.client('tcp', 'bob', 'bob');
    bob.send({
      command: 'SEND',
      headers: [
        ['destination', '/user/queue/x'],
        ['receipt', 'r-push'],
      ],
      body: 'spoof',
    });
    await expectSessionError(bob, 'tcp', {
      code: BrokerErrorCode.FORBIDDEN,
      close: CloseCode.POLICY_VIOLATION,
      receiptId: 'r-push',
    });
  });
});

describe('app destinations', () => {
  async function echoClient(kind: 'ws' | 'tcp', login: string): Promise<StompProbe> {
    const probe = await pool.client(kind, login, login);
    await subscribe(probe, 'echo', '/user/queue/echo');
    return probe;
  }

  it.each(['ws', 'tcp'] as const)(
    "over %s, a handler's reply reaches the sender's user queue and the SEND gets its RECEIPT",
    async (kind) => {
      const alice = await echoClient(kind, 'alice');
      const bob = await echoClient(kind === 'ws' ? 'tcp' : 'ws', 'bob');
      alice.send({
        command: 'SEND',
        headers: [
          ['destination', '/app/echo'],
          ['receipt', 'r-echo'],
        ],
        body: 'ping',
      });
      const reply = await nextFrame(alice);
      expect(reply.command).toBe('MESSAGE');
      expect(text(reply)).toBe('ping');
      expect(header(reply, 'destination')).toBe('/user/queue/echo');
      const receipt = await nextFrame(alice);
      expect(receipt.command).toBe('RECEIPT');
      expect(header(receipt, 'receipt-id')).toBe('r-echo');

      // Bob, listening on the same name, only gets his own replies.
      await sendWithReceipt(bob, 'SEND', [['destination', '/app/echo']], 'pong');
      expect(text(await nextMessage(bob))).toBe('pong');
    },
  );

  it('sends the RECEIPT of a SEND to an asynchronous handler only once the handler is done', async () => {
    const alice = await echoClient('ws', 'alice');
    await subscribe(alice, 'side', '/topic/destinations.side');
    const called = new Promise<void>((resolve) => {
      slowCalled = resolve;
    });
    alice.send({
      command: 'SEND',
      headers: [
        ['destination', '/app/slow'],
        ['receipt', 'r-slow'],
      ],
      body: 'take your time',
    });
    await called;
    // While the handler runs, the session still delivers; the RECEIPT is not in front of this.
    server.app.broker.publish('/topic/destinations.side', 'meanwhile');
    expect(text(await nextMessage(alice))).toBe('meanwhile');
    expect(alice.frames.some((frame) => header(frame, 'receipt-id') === 'r-slow')).toBe(false);

    releaseSlow!();
    expect(text(await nextMessage(alice))).toBe('slow done');
    const receipt = await nextFrame(alice);
    expect([receipt.command, header(receipt, 'receipt-id')]).toEqual(['RECEIPT', 'r-slow']);
  });

  it('ends the session with STOMP_ERR_INTERNAL when a handler throws, without its details', async () => {
    const probe = await pool.client('tcp');
    probe.send({
      command: 'SEND',
      headers: [
        ['destination', '/app/broken'],
        ['receipt', 'r-broken'],
      ],
    });
    const error = await expectSessionError(probe, 'tcp', {
      code: BrokerErrorCode.INTERNAL,
      close: CloseCode.SERVER_ERROR,
      receiptId: 'r-broken',
    });
    expect(`${JSON.stringify(error.headers)}${text(error)}`).not.toContain('secret internals');
  });

  it('passes on the code of a BrokerError a handler throws, with the WebSocket close that goes with it', async () => {
    const probe = await pool.client('ws');
    probe.send({
      command: 'SEND',
      headers: [
        ['destination', '/app/refusing'],
        ['receipt', 'r-refused'],
      ],
    });
    await expectSessionError(probe, 'ws', {
      code: BrokerErrorCode.FORBIDDEN,
      close: CloseCode.POLICY_VIOLATION,
      receiptId: 'r-refused',
    });
  });
});

describe('server-owned topics', () => {
  it.each(['/topic/market/ACME', '/topic/game/lobby'])(
    'lets clients subscribe to %s and receive what the server publishes there',
    async (destination) => {
      const probe = await pool.client('ws');
      await subscribe(probe, 'feed', destination);
      server.app.broker.publish(destination, '{"tick":1}', [['content-type', 'application/json']]);
      const message = await nextMessage(probe);
      expect(text(message)).toBe('{"tick":1}');
      expect(header(message, 'content-type')).toBe('application/json');
    },
  );
});
