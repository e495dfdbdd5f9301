/**
 * The broker's own wire contract: what the server says about itself. The landing page reads it to
 * show who is connected and how busy the broker is.
 */
import * as v from 'valibot';
import { record } from './schema';

export const BrokerDestination = {
  /**
   * `BrokerStatsPayload`, once a second; a subscriber gets the latest at once (snapshot on
   * subscribe). Server-owned: clients may subscribe, not send. Conflated for a slow reader.
   */
  stats: '/topic/broker/stats',
} as const;

/** A count or a rate: a number, never negative. */
const Figure = v.pipe(v.number(), v.minValue(0));

export const BrokerStatsPayloadSchema = record({
  /** Sessions that completed CONNECT: the people (and programs) logged in now. */
  sessions: Figure,
  /** Open connections, including those still before CONNECT. */
  connections: Figure,
  /** Messages accepted (client SENDs and server publishes) per second, over the last interval. */
  messagesInPerSecond: Figure,
  /** MESSAGE frames sent to subscribers per second, over the last interval. */
  messagesOutPerSecond: Figure,
  /** When this was measured, in milliseconds since the epoch. */
  at: Figure,
  /**
   * In a cluster, how many nodes the figures add up (every node that reported within the last few
   * seconds); absent on a server running on its own.
   */
  nodes: v.exactOptional(Figure),
});
export type BrokerStatsPayload = v.InferOutput<typeof BrokerStatsPayloadSchema>;
