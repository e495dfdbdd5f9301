import { describe, expect, it } from 'vitest';
import { Broker } from '../../src/core/broker';
import { connectClient, settle } from '../support/fake-transport';

describe('hasSubscribers', () => {
  it('says whether a topic has a subscriber now, as they come and go', async () => {
    const broker = new Broker();
    expect(broker.hasSubscribers('/topic/game/rooms/r1/state')).toBe(false);
    const client = await connectClient(broker);
    client.send('SUBSCRIBE', { id: 's', destination: '/topic/game/rooms/r1/state' });
    await settle();
    expect(broker.hasSubscribers('/topic/game/rooms/r1/state')).toBe(true);
    expect(broker.hasSubscribers('/topic/game/rooms/r2/state')).toBe(false);
    client.send('UNSUBSCRIBE', { id: 's' });
    await settle();
    expect(broker.hasSubscribers('/topic/game/rooms/r1/state')).toBe(false);
    client.send('SUBSCRIBE', { id: 't', destination: '/topic/game/rooms/r1/state' });
    await settle();
    client.connection.closed();
    expect(broker.hasSubscribers('/topic/game/rooms/r1/state')).toBe(false);
  });
});
