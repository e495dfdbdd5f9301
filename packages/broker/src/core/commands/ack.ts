/**
 * ACK and NACK (STOMP 1.2, "ACK", "NACK"): the client settles a MESSAGE it received on a
 * subscription in `client` or `client-individual` mode. Inside a transaction the settlement waits
 * for COMMIT (`transactions.ts`).
 */
import { type Frame, getHeader } from '@stomping-ground/protocol';
import { BrokerError, BrokerErrorCode } from '../errors';
import type { Session } from '../session';
import type { Connected } from '../session-state';
import type { Subscription } from '../subscription';
import { releaseConflated } from './delivery';
import { required } from './headers';

export function onAck(session: Session, connected: Connected, frame: Frame): void {
  acknowledge(session, connected, frame, false);
}

export function onNack(session: Session, connected: Connected, frame: Frame): void {
  acknowledge(session, connected, frame, true);
}

function acknowledge(session: Session, connected: Connected, frame: Frame, nack: boolean): void {
  const { subscription, key } = findDelivery(session, connected, frame);
  const transaction = getHeader(frame.headers, 'transaction');
  if (transaction !== undefined) {
    connected.transactions.add(transaction, { kind: nack ? 'nack' : 'ack', subscription, key });
    return;
  }
  settle(session, connected, subscription, key, nack);
}

/** Which delivery an ACK or NACK names: STOMP 1.2 by `id` (the MESSAGE's `ack`), 1.1 by `message-id` and `subscription`, 1.0 by `message-id`. */
function findDelivery(
  session: Session,
  connected: Connected,
  frame: Frame,
): { subscription: Subscription; key: string } {
  if (session.version === '1.2') {
    const key = required(frame, 'id');
    const subscription = connected.ackIndex.get(key);
    if (subscription === undefined || !subscription.unacked.has(key)) throw unknownAck(key);
    return { subscription, key };
  }
  const key = required(frame, 'message-id');
  const subscriptionId =
    session.version === '1.1' ? required(frame, 'subscription') : getHeader(frame.headers, 'subscription');
  if (subscriptionId !== undefined) {
    const subscription = connected.subscriptions.get(subscriptionId);
    if (subscription === undefined) {
      throw new BrokerError(BrokerErrorCode.UNKNOWN_SUBSCRIPTION, `no subscription ${subscriptionId}`);
    }
    if (!subscription.unacked.has(key)) throw unknownAck(key);
    return { subscription, key };
  }
  for (const subscription of connected.subscriptions.values()) {
    if (subscription.unacked.has(key)) return { subscription, key };
  }
  throw unknownAck(key);
}

/**
 * Applies an ACK or NACK. On a queue a NACK sends the messages back for redelivery, preferably to
 * another subscriber; on a topic or user destination there is nobody else, so a NACK just drops them.
 */
export function settle(
  session: Session,
  connected: Connected,
  subscription: Subscription,
  key: string,
  nack: boolean,
): void {
  const settled = subscription.settle(key);
  for (const delivery of settled) connected.ackIndex.delete(delivery.key);
  const queue = subscription.queue;
  if (queue !== undefined) {
    const messages = settled.map((delivery) => delivery.message);
    if (nack && settled.length > 0) {
      queue.requeue(messages, subscription);
    } else {
      queue.acknowledged(messages);
      queue.dispatch();
    }
  }
  // The prefetch window has room again: conflated values held back for it can go.
  if (connected.conflated.size > 0) releaseConflated(session, connected);
}

function unknownAck(key: string): BrokerError {
  return new BrokerError(BrokerErrorCode.UNKNOWN_ACK, `no message ${key} awaits acknowledgement`);
}
