/**
 * Prices and cash travel as integer cents (see the market contract), so arithmetic stays exact;
 * only here, at the edge of the screen, do they become text.
 */
import type { Cents } from '@stomping-ground/contracts';

const MINUS = '−'; // U+2212, the same width as a plus sign in most fonts

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `12345` → `123.45`; `-5` → `−0.05`. Thousands are grouped: `1,234.50`. */
export function formatPrice(cents: Cents): string {
  const sign = cents < 0 ? MINUS : '';
  const abs = Math.abs(Math.round(cents));
  const whole = Math.trunc(abs / 100);
  const fraction = String(abs % 100).padStart(2, '0');
  return `${sign}${grouped.format(whole)}.${fraction}`;
}

/** Always signed: `+1.25`, `−0.40`, `0.00`. */
export function formatSignedPrice(cents: Cents): string {
  return cents > 0 ? `+${formatPrice(cents)}` : formatPrice(cents);
}

/** `+1.84%` of `base`; empty when there is no base to compare with. */
export function formatPercentChange(change: Cents, base: Cents): string {
  if (base === 0) return '';
  const percent = (change / base) * 100;
  const text = Math.abs(percent).toFixed(2);
  if (text === '0.00') return '0.00%';
  return `${percent > 0 ? '+' : MINUS}${text}%`;
}

/** `1234567` → `1,234,567`. */
export function formatQuantity(quantity: number): string {
  const text = grouped.format(Math.abs(quantity));
  return quantity < 0 ? `${MINUS}${text}` : text;
}

/** Compact volume: `950`, `12.3K`, `4.56M`. */
export function formatVolume(volume: number): string {
  if (volume < 10_000) return grouped.format(volume);
  if (volume < 1_000_000) return `${(volume / 1000).toFixed(1)}K`;
  return `${(volume / 1_000_000).toFixed(2)}M`;
}

/** What a user typed (`123.4`, `1,234.50`, `0.5`) in cents, or undefined if it is not a price. */
export function parsePrice(text: string): Cents | undefined {
  const cleaned = text.trim().replaceAll(',', '');
  const match = /^(\d{1,9})(?:\.(\d{0,2}))?$|^\.(\d{1,2})$/.exec(cleaned);
  if (match === null) return undefined;
  const whole = Number(match[1] ?? '0');
  const fraction = (match[2] ?? match[3] ?? '').padEnd(2, '0');
  return whole * 100 + Number(fraction);
}

/** A price as the input field shows it: no grouping, always two decimals. */
export function priceInputValue(cents: Cents): string {
  return formatPrice(cents).replaceAll(',', '');
}

/** Cents to the plain number a chart library plots (dollars). */
export function centsToNumber(cents: Cents): number {
  return cents / 100;
}
