/**
 * The broker's own wire contract: what the server says about itself. The landing page reads it to
 * show who is connected and how busy the broker is.
 */

export const BrokerDestination = {
  /**
   * `BrokerStatsPayload`, once a second; a subscriber gets the latest at once (snapshot on
   * subscribe). Server-owned: clients may subscribe, not send. Conflated for a slow reader.
   */
  stats: '/topic/broker/stats',
} as const;

export interface BrokerStatsPayload {
  /** Sessions that completed CONNECT: the people (and programs) logged in now. */
  readonly sessions: number;
  /** Open connections, including those still before CONNECT. */
  readonly connections: number;
  /** Messages accepted (client SENDs and server publishes) per second, over the last interval. */
  readonly messagesInPerSecond: number;
  /** MESSAGE frames sent to subscribers per second, over the last interval. */
  readonly messagesOutPerSecond: number;
  /** When this was measured, in milliseconds since the epoch. */
  readonly at: number;
  /**
   * In a cluster, how many nodes the figures add up (every node that reported within the last few
   * seconds); absent on a server running on its own.
   */
  readonly nodes?: number;
}
