/** Reads a `/topic/broker/stats` body, refusing anything that is not the contract's shape. */
import type { BrokerStatsPayload } from '@stomping-ground/protocol';

const FIELDS = ['sessions', 'connections', 'messagesInPerSecond', 'messagesOutPerSecond', 'at'] as const;

export function parseStatsPayload(body: string): BrokerStatsPayload | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  for (const field of FIELDS) {
    const number = record[field];
    if (typeof number !== 'number' || !Number.isFinite(number) || number < 0) return undefined;
  }
  return value as BrokerStatsPayload;
}

/** A whole number with thousands separators: `12,345`. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
