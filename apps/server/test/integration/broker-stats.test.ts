/** `/topic/broker/stats` on the real server: a snapshot at once, then one update a second. */
import type { BrokerStatsPayload } from '@stomping-ground/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../support/app';
import { expectSessionError, header, nextMessage, ProbePool, subscribe, text } from '../support/raw';

let server: RunningServer;
const pool = new ProbePool(() => server);

beforeAll(async () => {
  server = await startServer({ market: { enabled: false, updatesPerSecond: 0 } });
});
afterAll(() => server.close());
afterEach(() => pool.closeAll());

describe('the broker stats topic on the server', () => {
  it('sends a snapshot on subscribe, then an update each second that counts a new session', async () => {
    const watcher = await pool.client('ws');
    await subscribe(watcher, 'stats', '/topic/broker/stats');
    const snapshot = await nextMessage(watcher);
    expect(header(snapshot, 'snapshot')).toBe('true');
    expect(JSON.parse(text(snapshot))).toMatchObject({ sessions: 1, connections: 1 });

    await pool.client('tcp');
    // The next update or the one after (one may have been measured before the TCP login).
    let update: BrokerStatsPayload | undefined;
    for (let i = 0; i < 3 && update?.sessions !== 2; i++) {
      update = JSON.parse(text(await nextMessage(watcher, 2_500))) as BrokerStatsPayload;
    }
    expect(update).toMatchObject({ sessions: 2, connections: 2 });
    expect(update!.messagesOutPerSecond).toBeGreaterThan(0);
  });

  it('refuses a client SEND', async () => {
    const client = await pool.client('ws');
    client.send({ command: 'SEND', headers: [['destination', '/topic/broker/stats']], body: '{}' });
    await expectSessionError(client, 'ws', { code: 'STOMP_ERR_FORBIDDEN', close: 1008 });
  });
});
