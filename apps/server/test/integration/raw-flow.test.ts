/**
 * Time and flow over real sockets: heart-beats both ways, the CONNECT deadline, and readers too slow
 * for what is published to them.
 */

import { BrokerErrorCode, CloseCode } from '@stomping-ground/broker';
import type { Frame } from '@stomping-ground/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../support/app';
import type { StompProbe } from '../support/probe';
import {
  expectSessionError,
  header,
  ProbePool,
  sendWithReceipt,
  subscribe,
  TRANSPORTS,
  within,
} from '../support/raw';

const HEART_BEAT_MS = 100;

describe('heart-beats and the CONNECT deadline', () => {
  let server: RunningServer;
  const pool = new ProbePool(() => server);

  beforeAll(async () => {
    server = await startServer({
      heartBeat: { canSend: HEART_BEAT_MS, wantsToReceive: HEART_BEAT_MS },
      connectTimeoutMs: 300,
    });
  });

  afterEach(() => pool.closeAll());

  afterAll(async () => {
    await server.close();
  });

  function connectWithHeartBeat(probe: StompProbe, heartBeat: string): Promise<Frame> {
    return probe.connect([
      ['login', 'guest'],
      ['passcode', 'guest'],
      ['heart-beat', heartBeat],
    ]);
  }

  describe.each(TRANSPORTS)('over raw %s', (kind) => {
    it('closes a client that promised heart-beats and went silent, and keeps one that sends them', async () => {
      const keeper = await pool.probe(kind);
      await connectWithHeartBeat(keeper, `${HEART_BEAT_MS},${HEART_BEAT_MS}`);
      const beating = setInterval(() => keeper.sendRaw('\n'), HEART_BEAT_MS / 2);
      try {
        const silent = await pool.probe(kind);
        const started = performance.now();
        const connected = await connectWithHeartBeat(silent, `${HEART_BEAT_MS},${HEART_BEAT_MS}`);
        expect(header(connected, 'heart-beat')).toBe(`${HEART_BEAT_MS},${HEART_BEAT_MS}`);

        await expectSessionError(silent, kind, {
          code: BrokerErrorCode.HEARTBEAT_TIMEOUT,
          close: CloseCode.PROTOCOL_ERROR,
        });
        // Not before twice the interval (plus a grace); well within a few seconds.
        const elapsed = performance.now() - started;
        expect(elapsed).toBeGreaterThanOrEqual(2 * HEART_BEAT_MS);
        expect(elapsed).toBeLessThan(5_000);

        // The keeper connected first, so its silence would have been punished first: it is still served.
        await sendWithReceipt(keeper, 'SUBSCRIBE', [
          ['id', '1'],
          ['destination', '/topic/flow.alive'],
        ]);
      } finally {
        clearInterval(beating);
      }
    });

    it('sends EOL heart-beats to a client that asked for them, and none to one that did not', async () => {
      const quiet = await pool.probe(kind);
      await connectWithHeartBeat(quiet, '0,0');
      const asking = await pool.probe(kind);
      // It cannot send any, so the server does not expect any either.
      await connectWithHeartBeat(asking, `0,${HEART_BEAT_MS}`);

      await asking.waitFor(() => asking.heartbeats >= 5, 3_000, 'five heart-beats');
      expect(quiet.heartbeats).toBe(0);
      await sendWithReceipt(quiet, 'BEGIN', [['transaction', 't']]);
      await sendWithReceipt(asking, 'BEGIN', [['transaction', 't']]);
    });

    it('closes a connection that sends no CONNECT in time', async () => {
      const probe = await pool.probe(kind);
      await expectSessionError(probe, kind, {
        code: BrokerErrorCode.CONNECT_TIMEOUT,
        close: CloseCode.POLICY_VIOLATION,
      });
    });
  });
});

/**
 * A reader that stops reading over real TCP. The broker's bound is on what waits to be written
 * (`maxOutboundBytes`, 1 MiB); before that fills, the kernel's socket buffers on both ends take
 * several MiB, which the test cannot shrink. So it publishes 64 KiB messages one by one until the
 * broker has acted on the slow reader (bounded by `MAX_MESSAGES`, 32 MiB), waiting each time until
 * a second, fast reader has the message: the fast reader never falls behind, and only the slow one
 * fills up. Each test has its own server, so the broker's counts are its own.
 */
describe('slow consumers over TCP', () => {
  const BODY = new Uint8Array(64 * 1024).fill(0x2a);
  const MAX_MESSAGES = 512;
  let server: RunningServer;
  const pool = new ProbePool(() => server);

  beforeEach(async () => {
    server = await startServer();
  });

  afterEach(async () => {
    await pool.closeAll();
    await server.close();
  });

  function messages(probe: StompProbe): Frame[] {
    return probe.frames.filter((frame) => frame.command === 'MESSAGE');
  }

  function seqs(probe: StompProbe): number[] {
    return messages(probe).map((frame) => Number(header(frame, 'seq')));
  }

  function upTo(count: number): number[] {
    return Array.from({ length: count }, (_, i) => i);
  }

  async function readers(destination: string): Promise<{ slow: StompProbe; fast: StompProbe }> {
    const slow = await pool.client('tcp');
    const fast = await pool.client('tcp');
    await subscribe(slow, 'slow', destination);
    await subscribe(fast, 'fast', destination);
    slow.pause();
    return { slow, fast };
  }

  /**
   * Publishes messages `seq` = from, from + 1, … until `done(count published so far)` holds, which is
   * checked before each one; returns the count.
   */
  async function flood(
    destination: string,
    fast: StompProbe,
    done: (published: number) => boolean,
    from = 0,
  ): Promise<number> {
    let published = from;
    while (!done(published)) {
      if (published >= MAX_MESSAGES) throw new Error(`the broker did not act after ${published} messages`);
      server.app.broker.publish(destination, BODY, [['seq', String(published)]]);
      published++;
      await fast.waitFor(() => messages(fast).length === published, 5_000, `message ${published - 1}`);
    }
    return published;
  }

  it('closes a slow reader of a plain topic with an ERROR, and the fast reader gets everything', async () => {
    const destination = '/topic/flow.chat';
    const { slow, fast } = await readers(destination);
    const sessions = () => server.app.broker.stats().sessions;
    expect(sessions()).toBe(2);

    const closedAt = await flood(destination, fast, () => sessions() < 2);
    const total = await flood(destination, fast, (published) => published === closedAt + 5, closedAt);
    expect(seqs(fast)).toEqual(upTo(total));

    // Reading again, the slow reader finds what was written before the ERROR, the ERROR, and the end.
    slow.resume();
    await within(slow.closed, 5_000, 'the slow reader to be closed');
    const error = slow.frames.at(-1)!;
    expect(error.command).toBe('ERROR');
    expect(header(error, 'code')).toBe(BrokerErrorCode.SLOW_CONSUMER);
    expect(header(error, 'message')).toBeTruthy();
    // This policy never skips: what it did get has no gaps, and it stopped short of the rest.
    const got = seqs(slow);
    expect(got).toEqual(upTo(got.length));
    expect(got.length).toBeLessThan(closedAt);
  });

  it('keeps a slow reader of /topic/market/ and gives it the latest value once it reads again', async () => {
    const destination = '/topic/market/FLOW';
    const { slow, fast } = await readers(destination);
    const stats = () => server.app.broker.stats();
    // MESSAGE frames not written: held back for the slow reader, or replaced by a newer value.
    const withheld = (published: number) => 2 * published - stats().totals.messagesOut;

    const published = await flood(destination, fast, (count) => withheld(count) >= 10);
    expect(stats().sessions).toBe(2);
    expect(seqs(fast)).toEqual(upTo(published));

    slow.resume();
    const latest = published - 1;
    await slow.waitFor(() => seqs(slow).at(-1) === latest, 5_000, 'the latest value');
    const got = seqs(slow);
    // Values were skipped, never reordered, and the last one is the newest.
    expect(got.length).toBeLessThan(published);
    expect(got.every((seq, i) => i === 0 || seq > got[i - 1]!)).toBe(true);
    expect(slow.frames.some((frame) => frame.command === 'ERROR')).toBe(false);
    // Still a live session.
    await sendWithReceipt(slow, 'UNSUBSCRIBE', [['id', 'slow']]);
  });
});
