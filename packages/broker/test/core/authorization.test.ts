import { describe, expect, it } from 'vitest';
import { Broker } from '../../src/core/broker';
import { DEFAULT_DESTINATION_RULES, type DestinationRule, findRule } from '../../src/core/destinations';
import { BrokerErrorCode } from '../../src/core/errors';
import { connectClient, settle } from '../support/fake-transport';

const allowed = [
  ['send', '/topic/chat'],
  ['send', '/queue/jobs'],
  ['subscribe', '/topic/chat'],
  ['subscribe', '/topic/market/AAPL'],
  ['subscribe', '/topic/game/state'],
  ['subscribe', '/queue/jobs'],
  ['subscribe', '/user/queue/fills'],
] as const;

const refused = [
  ['send', '/topic/market/AAPL'],
  ['send', '/topic/game/state'],
  ['send', '/user/queue/fills'],
  ['subscribe', '/app/orders'],
] as const;

async function attempt(broker: Broker, action: 'send' | 'subscribe', destination: string) {
  broker.registerAppHandler('/app/', () => {});
  const client = await connectClient(broker);
  if (action === 'send') client.send('SEND', { destination, receipt: 'r' }, 'x');
  else client.send('SUBSCRIBE', { id: '1', destination, receipt: 'r' });
  await settle();
  return client;
}

describe('the default destination rules', () => {
  for (const [action, destination] of allowed) {
    it(`let a client ${action} ${destination}`, async () => {
      const client = await attempt(new Broker(), action, destination);
      expect(client.received('ERROR')).toEqual([]);
      expect(client.received('RECEIPT')).toHaveLength(1);
    });
  }

  for (const [action, destination] of refused) {
    it(`refuse a client that would ${action} ${destination}`, async () => {
      const client = await attempt(new Broker(), action, destination);
      expect(client.error()).toMatchObject({ code: BrokerErrorCode.FORBIDDEN, receiptId: 'r', close: 1008 });
    });
  }

  it('let a client send to an /app/ destination that has a handler', async () => {
    const client = await attempt(new Broker(), 'send', '/app/orders');
    expect(client.received('RECEIPT')).toHaveLength(1);
  });

  it('do not bind the server: it publishes to its own topics', async () => {
    const broker = new Broker();
    const client = await connectClient(broker);
    client.send('SUBSCRIBE', { id: '1', destination: '/topic/market/AAPL' });
    broker.publish('/topic/market/AAPL', '187.3');
    await settle();
    expect(client.bodies()).toEqual(['187.3']);
  });
});

describe('custom destination rules', () => {
  it('are tried in order, the first matching prefix deciding', async () => {
    const rules: DestinationRule[] = [
      { prefix: '/topic/public/', clientSend: true, clientSubscribe: true, slowConsumer: 'error' },
      { prefix: '/topic/', clientSend: false, clientSubscribe: true, slowConsumer: 'error' },
    ];
    const open = await attempt(new Broker({ destinationRules: rules }), 'send', '/topic/public/x');
    expect(open.received('RECEIPT')).toHaveLength(1);
    const closed = await attempt(new Broker({ destinationRules: rules }), 'send', '/topic/private/x');
    expect(closed.error().code).toBe(BrokerErrorCode.FORBIDDEN);
  });

  it('refuse any destination no rule matches', async () => {
    const rules: DestinationRule[] = [
      { prefix: '/topic/', clientSend: true, clientSubscribe: true, slowConsumer: 'error' },
    ];
    const client = await attempt(new Broker({ destinationRules: rules }), 'subscribe', '/queue/x');
    expect(client.error().code).toBe(BrokerErrorCode.FORBIDDEN);
  });

  it('may let clients send to their own user destination', async () => {
    const rules: DestinationRule[] = [
      { prefix: '/user/queue/', clientSend: true, clientSubscribe: true, slowConsumer: 'error' },
    ];
    const broker = new Broker({ destinationRules: rules });
    const alice = await connectClient(broker, { login: 'alice', passcode: 'alice' });
    const bob = await connectClient(broker, { login: 'bob', passcode: 'bob' });
    alice.send('SUBSCRIBE', { id: '1', destination: '/user/queue/notes' });
    bob.send('SUBSCRIBE', { id: '1', destination: '/user/queue/notes' });
    alice.send('SEND', { destination: '/user/queue/notes' }, 'note to self');
    await settle();
    expect(alice.bodies()).toEqual(['note to self']);
    expect(bob.messages()).toEqual([]);
  });
});

describe('findRule', () => {
  it('returns the first rule whose prefix starts the destination', () => {
    expect(findRule(DEFAULT_DESTINATION_RULES, '/topic/market/X')?.slowConsumer).toBe('conflate');
    expect(findRule(DEFAULT_DESTINATION_RULES, '/topic/chat')?.slowConsumer).toBe('error');
    expect(findRule(DEFAULT_DESTINATION_RULES, '/exchange/x')).toBeUndefined();
  });
});
