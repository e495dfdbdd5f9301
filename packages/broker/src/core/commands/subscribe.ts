/**
 * SUBSCRIBE and UNSUBSCRIBE (STOMP 1.2, "SUBSCRIBE", "UNSUBSCRIBE"): a subscription is filed with
 * the router, which then hands it messages through the session (`delivery.ts`).
 */
import { escapeHeader, type Frame, getHeader } from '@stomping-ground/protocol';
import { type Destination, DestinationKind, userRouteKey } from '../destinations';
import { BrokerError, BrokerErrorCode } from '../errors';
import { copyBytes, forwardedHeaders, OutboundMessage } from '../message';
import type { Session } from '../session';
import type { Connected } from '../session-state';
import { AckMode, isAckMode, Subscription } from '../subscription';
import { authorize } from './authorize';
import { offer } from './delivery';
import { required } from './headers';

const textEncoder = new TextEncoder();

export function onSubscribe(session: Session, connected: Connected, frame: Frame): void {
  const { version } = session;
  const name = required(frame, 'destination');
  // STOMP 1.2, "SUBSCRIBE id Header": required since 1.1. A 1.0 subscription without one is known
  // by its destination, as 1.0 brokers did.
  const id = getHeader(frame.headers, 'id') ?? (version === '1.0' ? name : required(frame, 'id'));
  // STOMP 1.2, "SUBSCRIBE ack Header": auto when absent.
  const ack = getHeader(frame.headers, 'ack') ?? AckMode.AUTO;
  if (!isAckMode(ack)) {
    throw new BrokerError(BrokerErrorCode.INVALID_HEADER, 'ack must be auto, client or client-individual');
  }
  const { destination, rule } = authorize(session.options.destinationRules, name, 'subscribe');
  if (destination.kind === DestinationKind.APP) {
    throw new BrokerError(BrokerErrorCode.FORBIDDEN, `${name} takes SENDs only: handlers answer elsewhere`);
  }
  const { subscriptions } = connected;
  // STOMP 1.2, "SUBSCRIBE id Header": unique within the connection.
  if (subscriptions.has(id)) {
    throw new BrokerError(BrokerErrorCode.DUPLICATE_SUBSCRIPTION, `subscription ${id} already exists`);
  }
  const max = session.options.limits.maxSubscriptionsPerSession;
  if (subscriptions.size >= max) {
    throw new BrokerError(BrokerErrorCode.LIMIT, `a session may hold at most ${max} subscriptions`);
  }
  // Asked before the subscription is filed, so a provider that throws leaves nothing behind.
  const snapshot = snapshotFor(session, connected, destination);
  const subscription = new Subscription({
    id,
    destination,
    routeKey: destination.kind === DestinationKind.USER ? userRouteKey(connected.login, name) : name,
    ack,
    rule,
    owner: session,
    subscriptionLine: `subscription:${version === '1.0' ? id : escapeHeader(id, version)}\n`,
  });
  subscriptions.set(id, subscription);
  let watched: Promise<void> | undefined;
  try {
    watched = session.host.router.add(subscription);
  } catch (error) {
    subscriptions.delete(id);
    throw error;
  }
  // In a cluster the RECEIPT waits until other nodes' messages for it reach this node.
  if (watched !== undefined) session.receipts.hold(watched);
  // Nothing can be published between `add` and here (one synchronous turn), so the snapshot is
  // the subscription's first MESSAGE, and every later publish comes after it. It goes through
  // `offer` like any topic message, so the destination's slow-consumer policy applies to it too.
  if (snapshot !== undefined) offer(session, connected, subscription, snapshot);
}

/** The current state a provider registered with `Broker.registerSnapshot` has for a new subscription. */
function snapshotFor(
  session: Session,
  connected: Connected,
  destination: Destination,
): OutboundMessage | undefined {
  if (destination.kind !== DestinationKind.TOPIC && destination.kind !== DestinationKind.USER)
    return undefined;
  const snapshot = session.host.snapshots.take({
    login: connected.login,
    sessionId: session.id,
    destination: destination.name,
  });
  if (snapshot === undefined) return undefined;
  const body =
    typeof snapshot.body === 'string' ? textEncoder.encode(snapshot.body) : copyBytes(snapshot.body);
  return new OutboundMessage(
    destination.name,
    session.host.ids.nextMessageId(),
    forwardedHeaders(snapshot.headers ?? []),
    body,
  );
}

export function onUnsubscribe(session: Session, connected: Connected, frame: Frame): void {
  // STOMP 1.0 let a client unsubscribe by destination.
  const id =
    getHeader(frame.headers, 'id') ??
    (session.version === '1.0' ? getHeader(frame.headers, 'destination') : undefined) ??
    required(frame, 'id');
  const subscription = connected.subscriptions.get(id);
  if (subscription === undefined) {
    throw new BrokerError(BrokerErrorCode.UNKNOWN_SUBSCRIPTION, `no subscription ${id}`);
  }
  connected.subscriptions.delete(id);
  connected.conflated.delete(subscription);
  for (const key of subscription.unacked.keys()) connected.ackIndex.delete(key);
  // Unacknowledged queue messages go back to the queue, for another subscriber.
  session.host.router.remove(subscription);
}
