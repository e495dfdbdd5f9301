import { describe, expect, it } from 'vitest';
import {
  formatPercentChange,
  formatPrice,
  formatQuantity,
  formatSignedPrice,
  formatVolume,
  parsePrice,
  priceInputValue,
} from '../src/money';

describe('money', () => {
  it('formats integer cents as a price with two decimals', () => {
    expect(formatPrice(12345)).toBe('123.45');
    expect(formatPrice(5)).toBe('0.05');
    expect(formatPrice(0)).toBe('0.00');
    expect(formatPrice(123456789)).toBe('1,234,567.89');
    expect(formatPrice(-40)).toBe('−0.40');
  });

  it('signs a change, with a true minus sign', () => {
    expect(formatSignedPrice(125)).toBe('+1.25');
    expect(formatSignedPrice(-125)).toBe('−1.25');
    expect(formatSignedPrice(0)).toBe('0.00');
  });

  it('shows a change as a percentage of the base', () => {
    expect(formatPercentChange(184, 10000)).toBe('+1.84%');
    expect(formatPercentChange(-50, 10000)).toBe('−0.50%');
    expect(formatPercentChange(0, 10000)).toBe('0.00%');
    expect(formatPercentChange(10, 0)).toBe('');
  });

  it('groups quantities and compacts volumes', () => {
    expect(formatQuantity(1234567)).toBe('1,234,567');
    expect(formatQuantity(-300)).toBe('−300');
    expect(formatVolume(950)).toBe('950');
    expect(formatVolume(12_345)).toBe('12.3K');
    expect(formatVolume(4_560_000)).toBe('4.56M');
  });

  it('reads a typed price into cents, and refuses what is not one', () => {
    expect(parsePrice('123.45')).toBe(12345);
    expect(parsePrice('123.4')).toBe(12340);
    expect(parsePrice('123')).toBe(12300);
    expect(parsePrice(' 1,234.50 ')).toBe(123450);
    expect(parsePrice('.5')).toBe(50);
    expect(parsePrice('12.345')).toBeUndefined();
    expect(parsePrice('-1')).toBeUndefined();
    expect(parsePrice('abc')).toBeUndefined();
    expect(parsePrice('')).toBeUndefined();
  });

  it('writes a price back into the input without grouping', () => {
    expect(priceInputValue(123450)).toBe('1234.50');
  });
});
