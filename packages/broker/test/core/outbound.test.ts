import { describe, expect, it } from 'vitest';
import { Outbound } from '../../src/core/outbound';
import { FakeTransport, settle } from '../support/fake-transport';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('the outbound writer', () => {
  it('coalesces every frame written in one turn into one send', async () => {
    const transport = new FakeTransport();
    const outbound = new Outbound(
      transport,
      () => 0,
      () => {},
    );
    outbound.write(bytes('\n'), false);
    outbound.write([bytes('a'), bytes('b')], false);
    expect(transport.sent).toEqual([]);
    expect(outbound.pendingBytes).toBe(3);
    await settle();
    expect(transport.sent).toHaveLength(1);
    expect(new TextDecoder().decode(transport.sent[0]!.bytes)).toBe('\nab');
    expect(outbound.pendingBytes).toBe(0);
  });

  it('keeps text and binary apart, in order', async () => {
    const transport = new FakeTransport();
    const outbound = new Outbound(
      transport,
      () => 0,
      () => {},
    );
    outbound.write(bytes('\n'), false);
    outbound.write(Uint8Array.of(0xff), true);
    outbound.write(Uint8Array.of(0xfe), true);
    outbound.write(bytes('\n'), false);
    await settle();
    expect(transport.sent.map((chunk) => [chunk.binary, [...chunk.bytes]])).toEqual([
      [false, [10]],
      [true, [0xff, 0xfe]],
      [false, [10]],
    ]);
  });

  it('counts the transport’s buffer and its own queue as the backlog', () => {
    const transport = new FakeTransport();
    transport.bufferedAmount = 100;
    const outbound = new Outbound(
      transport,
      () => 0,
      () => {},
    );
    outbound.write(bytes('12345'), false);
    expect(outbound.backlogBytes).toBe(105);
  });

  it('records when it last wrote', () => {
    let now = 10;
    const outbound = new Outbound(
      new FakeTransport(),
      () => now,
      () => {},
    );
    expect(outbound.lastWriteAt).toBe(10);
    now = 50;
    outbound.write(bytes('\n'), false);
    outbound.flush();
    expect(outbound.lastWriteAt).toBe(50);
  });

  it('drops writes once closed', async () => {
    const transport = new FakeTransport();
    const outbound = new Outbound(
      transport,
      () => 0,
      () => {},
    );
    outbound.write(bytes('lost'), false);
    outbound.close();
    outbound.write(bytes('lost too'), false);
    await settle();
    expect(transport.sent).toEqual([]);
  });

  it('reports a transport that throws and stops writing', () => {
    const transport = new FakeTransport();
    transport.close(1000, '');
    const failures: unknown[] = [];
    const outbound = new Outbound(
      transport,
      () => 0,
      (error) => failures.push(error),
    );
    outbound.write(bytes('x'), false);
    outbound.flush();
    expect(failures).toHaveLength(1);
    outbound.write(bytes('y'), false);
    outbound.flush();
    expect(failures).toHaveLength(1);
  });
});
