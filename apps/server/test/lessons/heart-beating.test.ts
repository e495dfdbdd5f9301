/**
 * The claims of docs/heart-beating.md: the negotiation examples in its table, seen from both
 * sides, and the CONNECTED frame carrying the server's own offer rather than the outcome.
 */
import {
  formatHeartBeat,
  type HeartBeat,
  negotiateHeartBeat,
  parseHeartBeat,
} from '@stomping-ground/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../support/app';
import { header, ProbePool } from '../support/raw';

/** The server's default offer (STOMP_HEARTBEAT=1000,1000). */
const SERVER: HeartBeat = { canSend: 1000, wantsToReceive: 1000 };

/** The lesson's table: the client's header, then what the server sends and expects, in ms. */
const EXAMPLES: ReadonlyArray<{ client: string; serverSends: number; serverExpects: number }> = [
  { client: '10000,10000', serverSends: 10_000, serverExpects: 10_000 },
  { client: '0,0', serverSends: 0, serverExpects: 0 },
  { client: '5000,20000', serverSends: 20_000, serverExpects: 5000 },
  { client: '0,1000', serverSends: 1000, serverExpects: 0 },
  { client: '30000,0', serverSends: 0, serverExpects: 30_000 },
  { client: '100,100', serverSends: 1000, serverExpects: 1000 },
];

describe('heart-beating.md: negotiateHeartBeat', () => {
  it.each(EXAMPLES)(
    'a client offering $client: the server sends every $serverSends, expects every $serverExpects',
    (example) => {
      const client = parseHeartBeat(example.client);
      expect(negotiateHeartBeat(SERVER, client)).toEqual({
        sendEvery: example.serverSends,
        expectEvery: example.serverExpects,
      });
      // The client, running the same rule on CONNECTED, agrees from its side.
      expect(negotiateHeartBeat(client, SERVER)).toEqual({
        sendEvery: example.serverExpects,
        expectEvery: example.serverSends,
      });
    },
  );
});

describe('heart-beating.md: the CONNECTED frame', () => {
  let server: RunningServer;
  const pool = new ProbePool(() => server);

  beforeAll(async () => {
    server = await startServer({ heartBeat: SERVER });
  });

  afterAll(async () => {
    await pool.closeAll();
    await server.close();
  });

  it("carries the server's own offer, not the negotiated intervals", async () => {
    const probe = await pool.probe('tcp');
    const connected = await probe.connect([['heart-beat', '5000,20000']]);
    expect(header(connected, 'heart-beat')).toBe(formatHeartBeat(SERVER));
  });
});
