import { describe, expect, it } from 'vitest';
import { ReceiptGate } from '../../src/core/receipts';
import { settle } from '../support/fake-transport';

describe('the receipt gate', () => {
  it('runs an action at once when nothing is held', () => {
    const gate = new ReceiptGate(() => {});
    const log: string[] = [];
    gate.run(() => log.push('now'));
    expect(log).toEqual(['now']);
    expect(gate.isHolding).toBe(false);
  });

  it('keeps actions behind held work, in order, whatever the work’s outcome', async () => {
    const gate = new ReceiptGate(() => {});
    const log: string[] = [];
    let fail!: (error: Error) => void;
    gate.hold(new Promise((_resolve, reject) => (fail = reject)));
    gate.run(() => log.push('first'));
    gate.run(() => log.push('second'));
    await settle();
    expect(log).toEqual([]);
    fail(new Error('handled elsewhere'));
    await settle();
    expect(log).toEqual(['first', 'second']);
    expect(gate.isHolding).toBe(false);
    gate.run(() => log.push('third'));
    expect(log).toEqual(['first', 'second', 'third']);
  });

  it('reports a deferred action that throws and keeps going', async () => {
    const errors: unknown[] = [];
    const gate = new ReceiptGate((error) => errors.push(error));
    const log: string[] = [];
    gate.hold(Promise.resolve());
    gate.run(() => {
      throw new Error('boom');
    });
    gate.run(() => log.push('after'));
    await settle();
    expect(errors).toHaveLength(1);
    expect(log).toEqual(['after']);
  });
});
