import { describe, expect, it } from 'vitest';
import type { LatencySettings } from '../src/net/latency-simulator';
import { RateMeter } from '../src/net/rate-meter';
import { SimulatedSocket } from '../src/net/simulated-socket';
import { FakeScheduler } from './support/fake-scheduler';

/** Just enough of a WebSocket: events to dispatch by hand, and a record of what was sent. */
class FakeWebSocket extends EventTarget {
  readonly url = 'ws://test/ws';
  readonly protocol = 'v12.stomp';
  binaryType = 'blob';
  readyState = 1;
  readonly sent: unknown[] = [];

  send(data: unknown): void {
    this.sent.push(data);
  }

  close(): void {
    this.readyState = 3;
  }

  receive(data: string): void {
    const event = new Event('message') as Event & { data: string };
    Object.defineProperty(event, 'data', { value: data });
    this.dispatchEvent(event);
  }
}

function setup(settings: LatencySettings) {
  const scheduler = new FakeScheduler();
  const raw = new FakeWebSocket();
  const meters = { in: new RateMeter(), out: new RateMeter() };
  const socket = new SimulatedSocket(raw as unknown as WebSocket, () => settings, meters, scheduler);
  const seen: string[] = [];
  socket.onmessage = (event) => seen.push((event as { data: string }).data);
  socket.onclose = () => seen.push('(closed)');
  return { scheduler, raw, socket, seen, meters };
}

describe('SimulatedSocket', () => {
  it('passes frames straight through with no latency', () => {
    const { raw, socket, seen } = setup({ latencyMs: 0, jitterMs: 0 });
    socket.send('SEND');
    raw.receive('MESSAGE');
    expect(raw.sent).toEqual(['SEND']);
    expect(seen).toEqual(['MESSAGE']);
  });

  it('holds frames each way for the latency, counting them when they cross the wire', () => {
    const { raw, socket, seen, scheduler, meters } = setup({ latencyMs: 50, jitterMs: 0 });
    socket.send('SEND');
    raw.receive('MESSAGE');
    expect(raw.sent).toEqual([]);
    expect(seen).toEqual([]);
    // Received bytes are counted on arrival, sent ones when they leave.
    expect(meters.in.totals).toEqual({ messages: 1, bytes: 7 });
    expect(meters.out.totals).toEqual({ messages: 0, bytes: 0 });
    scheduler.advance(50);
    expect(raw.sent).toEqual(['SEND']);
    expect(seen).toEqual(['MESSAGE']);
    expect(meters.out.totals).toEqual({ messages: 1, bytes: 4 });
  });

  it('delivers the close after the messages that came before it', () => {
    const { raw, seen, scheduler } = setup({ latencyMs: 30, jitterMs: 0 });
    raw.receive('one');
    raw.receive('two');
    raw.dispatchEvent(new Event('close'));
    expect(seen).toEqual([]);
    scheduler.advance(30);
    expect(seen).toEqual(['one', 'two', '(closed)']);
  });

  it('drops outgoing frames still waiting when the socket closes', () => {
    const { raw, socket, scheduler } = setup({ latencyMs: 30, jitterMs: 0 });
    socket.send('late');
    raw.close();
    raw.dispatchEvent(new Event('close'));
    scheduler.advance(30);
    expect(raw.sent).toEqual([]);
  });

  it('passes binaryType and readyState through to the real socket', () => {
    const { raw, socket } = setup({ latencyMs: 0, jitterMs: 0 });
    socket.binaryType = 'arraybuffer';
    expect(raw.binaryType).toBe('arraybuffer');
    expect(socket.readyState).toBe(1);
    socket.close();
    expect(socket.readyState).toBe(3);
  });
});
