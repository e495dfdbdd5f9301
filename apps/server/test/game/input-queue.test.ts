import { describe, expect, it } from 'vitest';
import { InputQueue, InputRejection } from '../../src/services/game/inputs';

function keys(seq: number, action = false) {
  return { seq, up: true, down: false, left: false, right: false, action };
}

describe('an input queue', () => {
  it('hands out the one input that arrived since the last tick', () => {
    const queue = new InputQueue(4);
    queue.offer(keys(1));
    expect(queue.take()).toEqual({ input: keys(1), fresh: true });
    queue.offer(keys(2));
    expect(queue.take()).toEqual({ input: keys(2), fresh: true });
  });

  it('merges a burst into one step for the tick: the newest keys and seq, and a dash if any asked', () => {
    const queue = new InputQueue(4);
    queue.offer(keys(1, true));
    queue.offer({ ...keys(2), up: false, left: true });
    queue.offer({ ...keys(3), up: false, right: true });
    expect(queue.take()).toEqual({ input: { ...keys(3, true), up: false, right: true }, fresh: true });
    expect(queue.merged).toBe(2);
  });

  it('holds nothing back: after a burst the next tick has only what came since', () => {
    const queue = new InputQueue(4);
    for (const seq of [1, 2, 3]) queue.offer(keys(seq));
    queue.take();
    expect(queue.take()).toEqual({ input: keys(3, false), fresh: false });
    queue.offer(keys(4));
    expect(queue.take()).toEqual({ input: keys(4), fresh: true });
  });

  it('refuses inputs beyond its slack until a tick has taken them', () => {
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
