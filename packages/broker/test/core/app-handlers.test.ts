import { StompError, StompErrorCode } from '@stomping-ground/protocol';
import { describe, expect, it, vi } from 'vitest';
import type { AppHandler, AppMessage } from '../../src/core/app-handlers';
import { Broker } from '../../src/core/broker';
import { BrokerError, BrokerErrorCode } from '../../src/core/errors';
import { silentLogger } from '../../src/core/logger';
import { CloseCode } from '../../src/core/transport';
import { connectClient, header, settle, text } from '../support/fake-transport';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('app handlers', () => {
  it('receive a SEND to their destination with the sender’s login, session, headers and body', async () => {
    const broker = new Broker();
    const seen: AppMessage[] = [];
    broker.registerAppHandler('/app/orders', (message) => {
      seen.push(message);
    });
    const client = await connectClient(broker, { login: 'alice', passcode: 'alice' });
    client.send(
      'SEND',
      { destination: '/app/orders', 'content-type': 'application/json', receipt: 'r' },
      '{"qty":1}',
    );
    await settle();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      destination: '/app/orders',
      login: 'alice',
      sessionId: client.connection.id,
    });
    expect(text(seen[0]!.body)).toBe('{"qty":1}');
    expect(seen[0]!.headers).toEqual([['content-type', 'application/json']]);
    expect(header(client.last('RECEIPT'), 'receipt-id')).toBe('r');
  });

  it('are found by exact destination first, then by the longest prefix', async () => {
    const broker = new Broker();
    const calls: string[] = [];
    broker.registerAppHandler('/app/', (m) => void calls.push(`any ${m.destination}`));
    broker.registerAppHandler('/app/game/', (m) => void calls.push(`game ${m.destination}`));
    broker.registerAppHandler('/app/game/join', (m) => void calls.push(`join ${m.destination}`));
    const client = await connectClient(broker);
    for (const destination of ['/app/game/join', '/app/game/move', '/app/chat'])
      client.send('SEND', { destination });
    await settle();
    expect(calls).toEqual(['join /app/game/join', 'game /app/game/move', 'any /app/chat']);
  });

  it('reply to the sender’s user destination', async () => {
    const broker = new Broker();
    broker.registerAppHandler('/app/echo', (message, context) => {
      context.reply('/user/queue/echo', message.body, [['echoed', 'yes']]);
    });
    const alice = await connectClient(broker, { login: 'alice', passcode: 'alice' });
    const bob = await connectClient(broker, { login: 'bob', passcode: 'bob' });
    for (const client of [alice, bob]) client.send('SUBSCRIBE', { id: 'e', destination: '/user/queue/echo' });
    alice.send('SEND', { destination: '/app/echo' }, 'ping');
    await settle();
    expect(alice.bodies()).toEqual(['ping']);
    expect(header(alice.last('MESSAGE'), 'echoed')).toBe('yes');
    expect(bob.messages()).toEqual([]);
  });

  it('publish to topics and send to other users through their context', async () => {
    const broker = new Broker();
    broker.registerAppHandler('/app/trade', (_message, context) => {
      context.publish('/topic/market/trades', 'trade');
      context.sendToUser('bob', '/queue/fills', 'you sold');
    });
    const alice = await connectClient(broker, { login: 'alice', passcode: 'alice' });
    const bob = await connectClient(broker, { login: 'bob', passcode: 'bob' });
    bob.send('SUBSCRIBE', { id: 't', destination: '/topic/market/trades' });
    bob.send('SUBSCRIBE', { id: 'f', destination: '/user/queue/fills' });
    alice.send('SEND', { destination: '/app/trade' });
    await settle();
    expect(bob.bodies()).toEqual(['trade', 'you sold']);
  });

  it('delay the SEND’s RECEIPT until the handler’s promise settles', async () => {
    const broker = new Broker();
    const gate = deferred();
    broker.registerAppHandler('/app/slow', async (_message, context) => {
      await gate.promise;
      context.reply('/queue/done', 'done');
    });
    const client = await connectClient(broker);
    client.send('SUBSCRIBE', { id: 'd', destination: '/user/queue/done' });
    client.send('SEND', { destination: '/app/slow', receipt: 'slow' });
    client.send('SEND', { destination: '/topic/other', receipt: 'after' });
    await settle();
    expect(client.received('RECEIPT')).toEqual([]);
    gate.resolve();
    await settle();
    expect(client.commands().slice(1)).toEqual(['MESSAGE', 'RECEIPT', 'RECEIPT']);
    expect(client.received('RECEIPT').map((frame) => header(frame, 'receipt-id'))).toEqual(['slow', 'after']);
  });

  it('hold the DISCONNECT’s RECEIPT until pending handlers finish', async () => {
    const broker = new Broker();
    const gate = deferred();
    broker.registerAppHandler('/app/slow', () => gate.promise);
    const client = await connectClient(broker);
    client.send('SEND', { destination: '/app/slow' });
    client.send('DISCONNECT', { receipt: 'bye' });
    await settle();
    expect(client.closedWith).toBeUndefined();
    gate.resolve();
    await settle();
    expect(header(client.last('RECEIPT'), 'receipt-id')).toBe('bye');
    expect(client.closedWith?.code).toBe(CloseCode.NORMAL);
  });

  it('pass a StompError or BrokerError thrown by a handler to the client with its code', async () => {
    const broker = new Broker();
    broker.registerAppHandler('/app/strict', (message) => {
      if (text(message.body) === 'stomp') throw new StompError(StompErrorCode.UNENCODABLE_FRAME, 'cannot');
      throw new BrokerError(BrokerErrorCode.FORBIDDEN, 'market closed');
    });
    const a = await connectClient(broker);
    a.send('SEND', { destination: '/app/strict', receipt: 'a' }, 'broker');
    const b = await connectClient(broker);
    b.send('SEND', { destination: '/app/strict', receipt: 'b' }, 'stomp');
    await settle();
    expect(a.error()).toMatchObject({
      code: BrokerErrorCode.FORBIDDEN,
      message: 'market closed',
      receiptId: 'a',
    });
    expect(b.error()).toMatchObject({ code: StompErrorCode.UNENCODABLE_FRAME, receiptId: 'b' });
  });

  it('turn any other failure into an internal error naming the destination, logged and without its stack', async () => {
    const errors: Array<{ bindings: object; message: string | undefined }> = [];
    const logger = {
      ...silentLogger,
      error: (bindings: object, message?: string) => void errors.push({ bindings, message }),
    };
    logger.child = () => logger;
    const broker = new Broker({ logger });
    broker.registerAppHandler('/app/buggy', () => {
      throw new TypeError('undefined is not a function at secret.ts:42');
    });
    broker.registerAppHandler('/app/rejects', async () => {
      throw new Error('secret database password');
    });
    const a = await connectClient(broker);
    a.send('SEND', { destination: '/app/buggy', receipt: 'x' });
    const b = await connectClient(broker);
    b.send('SEND', { destination: '/app/rejects' });
    await settle();
    expect(a.error()).toEqual({
      code: BrokerErrorCode.INTERNAL,
      message: 'internal error handling /app/buggy',
      receiptId: 'x',
      close: CloseCode.SERVER_ERROR,
    });
    expect(b.error().message).toBe('internal error handling /app/rejects');
    for (const client of [a, b]) expect(text(client.last('ERROR').body)).not.toMatch(/secret/);
    expect(errors.map((entry) => entry.message)).toEqual(['an app handler failed', 'an app handler failed']);
  });

  it('can be unregistered', async () => {
    const broker = new Broker();
    const handler = vi.fn();
    const unregister = broker.registerAppHandler('/app/temp', handler);
    unregister();
    unregister();
    const client = await connectClient(broker);
    client.send('SEND', { destination: '/app/temp' });
    await settle();
    expect(handler).not.toHaveBeenCalled();
    expect(client.error().code).toBe(BrokerErrorCode.NO_HANDLER);
  });

  it('are registered only under /app/ and only once per destination', () => {
    const broker = new Broker();
    expect(() => broker.registerAppHandler('/topic/x', () => {})).toThrow(RangeError);
    broker.registerAppHandler('/app/x', () => {});
    expect(() => broker.registerAppHandler('/app/x', () => {})).toThrow(RangeError);
    broker.registerAppHandler('/app/p/', () => {});
    expect(() => broker.registerAppHandler('/app/p/', () => {})).toThrow(RangeError);
  });

  it('cannot be subscribed to', async () => {
    const broker = new Broker();
    broker.registerAppHandler('/app/x', () => {});
    const client = await connectClient(broker);
    client.send('SUBSCRIBE', { id: '1', destination: '/app/x' });
    await settle();
    expect(client.error().code).toBe(BrokerErrorCode.FORBIDDEN);
  });
});

describe('app handlers in transactions', () => {
  it('receive all of a transaction’s messages together through commit, at COMMIT', async () => {
    const broker = new Broker();
    const batches: string[][] = [];
    const handler: AppHandler = Object.assign(
      () => {
        throw new Error('commit should be used');
      },
      { commit: (messages: readonly AppMessage[]) => void batches.push(messages.map((m) => text(m.body))) },
    );
    broker.registerAppHandler('/app/basket/', handler);
    const client = await connectClient(broker);
    client.send('BEGIN', { transaction: 'basket' });
    client.send('SEND', { destination: '/app/basket/buy', transaction: 'basket' }, 'AAPL');
    client.send('SEND', { destination: '/app/basket/buy', transaction: 'basket' }, 'MSFT');
    client.send('SEND', { destination: '/app/basket/sell', transaction: 'basket' }, 'TSLA');
    await settle();
    expect(batches).toEqual([]);
    client.send('COMMIT', { transaction: 'basket', receipt: 'done' });
    await settle();
    expect(batches).toEqual([['AAPL', 'MSFT', 'TSLA']]);
    expect(header(client.last('RECEIPT'), 'receipt-id')).toBe('done');
  });

  it('call a handler without commit once per message, in order, each after the last settles', async () => {
    const broker = new Broker();
    const log: string[] = [];
    broker.registerAppHandler('/app/step', async (message) => {
      log.push(`start ${text(message.body)}`);
      await Promise.resolve();
      log.push(`end ${text(message.body)}`);
    });
    const client = await connectClient(broker);
    client.send('BEGIN', { transaction: 't' });
    client.send('SEND', { destination: '/app/step', transaction: 't' }, '1');
    client.send('SEND', { destination: '/app/step', transaction: 't' }, '2');
    client.send('COMMIT', { transaction: 't', receipt: 'c' });
    await settle();
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
    expect(header(client.last('RECEIPT'), 'receipt-id')).toBe('c');
  });

  it('answer a failing commit with an ERROR carrying the COMMIT’s receipt', async () => {
    const broker = new Broker();
    const handler: AppHandler = Object.assign(() => {}, {
      commit: async () => {
        throw new BrokerError(BrokerErrorCode.FORBIDDEN, 'basket rejected');
      },
    });
    broker.registerAppHandler('/app/basket', handler);
    const client = await connectClient(broker);
    client.send('BEGIN', { transaction: 't' });
    client.send('SEND', { destination: '/app/basket', transaction: 't' }, 'x');
    client.send('COMMIT', { transaction: 't', receipt: 'c' });
    await settle();
    expect(client.error()).toMatchObject({ code: BrokerErrorCode.FORBIDDEN, receiptId: 'c' });
    expect(client.received('RECEIPT')).toEqual([]);
  });

  it('refuse an /app/ SEND without a handler as soon as it is sent', async () => {
    const client = await connectClient(new Broker());
    client.send('BEGIN', { transaction: 't' });
    client.send('SEND', { destination: '/app/none', transaction: 't', receipt: 's' });
    await settle();
    expect(client.error()).toMatchObject({ code: BrokerErrorCode.NO_HANDLER, receiptId: 's' });
  });
});
