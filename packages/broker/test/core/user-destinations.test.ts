import { describe, expect, it, vi } from 'vitest';
import { Broker } from '../../src/core/broker';
import { BrokerErrorCode } from '../../src/core/errors';
import { silentObserver } from '../../src/core/observer';
import { connectClient, header, settle } from '../support/fake-transport';

describe('user destinations', () => {
  it('reach every session of the login subscribed to the destination', async () => {
    const broker = new Broker();
    const laptop = await connectClient(broker, { login: 'alice', passcode: 'alice' });
    const phone = await connectClient(broker, { login: 'alice', passcode: 'alice' });
    laptop.send('SUBSCRIBE', { id: 'f', destination: '/user/queue/fills' });
    phone.send('SUBSCRIBE', { id: 'f', destination: '/user/queue/fills' });
    broker.sendToUser('alice', '/user/queue/fills', 'filled 10 AAPL');
    await settle();
    expect(laptop.bodies()).toEqual(['filled 10 AAPL']);
    expect(phone.bodies()).toEqual(['filled 10 AAPL']);
    expect(header(laptop.last('MESSAGE'), 'destination')).toBe('/user/queue/fills');
  });

  it('never reach another login, whatever it subscribes to', async () => {
    const broker = new Broker();
    const alice = await connectClient(broker, { login: 'alice', passcode: 'alice' });
    const bob = await connectClient(broker, { login: 'bob', passcode: 'bob' });
    alice.send('SUBSCRIBE', { id: 'f', destination: '/user/queue/fills' });
    bob.send('SUBSCRIBE', { id: 'f', destination: '/user/queue/fills' });
    broker.sendToUser('alice', '/user/queue/fills', 'for alice');
    broker.sendToUser('bob', '/queue/fills', 'for bob');
    await settle();
    expect(alice.bodies()).toEqual(['for alice']);
    expect(bob.bodies()).toEqual(['for bob']);
  });

  it('cannot be named for another user by a client', async () => {
    const broker = new Broker();
    const bob = await connectClient(broker, { login: 'bob', passcode: 'bob' });
    bob.send('SUBSCRIBE', { id: 'spy', destination: '/user/alice/queue/fills', receipt: 'r' });
    await settle();
    expect(bob.error()).toMatchObject({ code: BrokerErrorCode.INVALID_DESTINATION, receiptId: 'r' });
  });

  it('refuse SENDs from clients', async () => {
    const broker = new Broker();
    const client = await connectClient(broker);
    client.send('SEND', { destination: '/user/queue/fills', receipt: 'r' }, 'forged fill');
    await settle();
    expect(client.error()).toMatchObject({ code: BrokerErrorCode.FORBIDDEN, receiptId: 'r' });
  });

  it('keep nothing for a login that is not listening, and count the message as dropped', async () => {
    const messageDropped = vi.fn();
    const broker = new Broker({ observer: { ...silentObserver, messageDropped } });
    broker.sendToUser('nobody', '/user/queue/fills', 'lost');
    expect(messageDropped).toHaveBeenCalledWith('no-subscriber');
    const late = await connectClient(broker, { login: 'nobody', passcode: 'chosen' });
    late.send('SUBSCRIBE', { id: '1', destination: '/user/queue/fills' });
    await settle();
    expect(late.messages()).toEqual([]);
  });

  it('are named /user/queue/… or /queue/… by the server, and nothing else', () => {
    const broker = new Broker();
    expect(() => broker.sendToUser('alice', '/topic/fills', 'x')).toThrow(RangeError);
    expect(() => broker.sendToUser('alice', '/user/topic/fills', 'x')).toThrow(RangeError);
    expect(() => broker.sendToUser('alice', '/user/queue/', 'x')).toThrow(RangeError);
  });

  it('stop when the subscription ends', async () => {
    const broker = new Broker();
    const alice = await connectClient(broker, { login: 'alice', passcode: 'alice' });
    alice.send('SUBSCRIBE', { id: 'f', destination: '/user/queue/fills' });
    alice.send('UNSUBSCRIBE', { id: 'f' });
    broker.sendToUser('alice', '/queue/fills', 'late');
    await settle();
    expect(alice.messages()).toEqual([]);
    expect(broker.stats().destinations.userDestinations).toBe(0);
  });
});
