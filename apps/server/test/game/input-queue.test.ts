import { describe, expect, it } from 'vitest';
import { InputQueue, InputRejection } from '../../src/services/game/inputs';

function keys(seq: number, action = false) {
  return { seq, up: true, down: false, left: false, right: false, action };
}

describe('an input queue', () => {
  it('hands out one input per tick, oldest first', () => {
    const queue = new InputQueue(4);
    for (const seq of [1, 2, 3]) expect(queue.offer(keys(seq))).toBeUndefined();
    expect([queue.take()?.input.seq, queue.take()?.input.seq, queue.take()?.input.seq]).toEqual([1, 2, 3]);
  });

  it('refuses inputs beyond its slack until ticks have taken some', () => {
    const queue = new InputQueue(2);
    expect([keys(1), keys(2), keys(3)].map((input) => queue.offer(input))).toEqual([
      undefined,
      undefined,
      InputRejection.FLOOD,
    ]);
    queue.take();
    expect(queue.offer(keys(4))).toBeUndefined();
  });

  it('refuses a sequence number not above the last accepted', () => {
    const queue = new InputQueue(4);
    queue.offer(keys(5));
    expect(queue.offer(keys(5))).toBe(InputRejection.OUT_OF_ORDER);
    expect(queue.offer(keys(4))).toBe(InputRejection.OUT_OF_ORDER);
    expect(queue.offer(keys(9))).toBeUndefined();
  });

  it('repeats the held keys, without the dash, in a tick no input arrived for', () => {
    const queue = new InputQueue(4);
    expect(queue.take()).toBeUndefined();
    queue.offer(keys(1, true));
    expect(queue.take()).toEqual({ input: keys(1, true), fresh: true });
    expect(queue.take()).toEqual({ input: keys(1, false), fresh: false });
  });

  it('starts afresh after a reset, for a new connection numbering from 1', () => {
    const queue = new InputQueue(4);
    queue.offer(keys(50));
    queue.reset();
    expect(queue.take()).toBeUndefined();
    expect(queue.offer(keys(1))).toBeUndefined();
  });
});
