import { describe, expect, it } from 'vitest';
import { InputSequencer } from '../src/netcode/input-sequencer';

describe('InputSequencer', () => {
  it('numbers inputs 1, 2, 3, …', () => {
    const sequencer = new InputSequencer();
    expect([sequencer.take(0), sequencer.take(0), sequencer.take(0)]).toEqual([1, 2, 3]);
    expect(sequencer.next).toBe(4);
  });

  it('times an input from send to acknowledgement', () => {
    const sequencer = new InputSequencer();
    sequencer.take(1000);
    sequencer.take(1050);
    expect(sequencer.acknowledge(2, 1130)).toBe(80);
  });

  it('forgets everything up to the acknowledged input', () => {
    const sequencer = new InputSequencer();
    for (let i = 0; i < 5; i++) sequencer.take(i * 50);
    sequencer.acknowledge(3, 300);
    expect(sequencer.inFlight).toBe(2);
    // 3 again (an older snapshot) has nothing left to time.
    expect(sequencer.acknowledge(3, 320)).toBeUndefined();
  });

  it('continues after the given acknowledgement when reset for a resumed seat', () => {
    const sequencer = new InputSequencer();
    sequencer.take(0);
    sequencer.reset(40);
    expect(sequencer.take(0)).toBe(41);
    expect(sequencer.inFlight).toBe(1);
  });
});
