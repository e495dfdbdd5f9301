/**
 * MESSAGE out (STOMP 1.2, "MESSAGE"): what the router hands a subscription is written here, within
 * the session's budgets. This is the hot path of a fan-out: the shared part of a MESSAGE was
 * encoded once per publish (`OutboundMessage`), and only the subscription's own head is added.
 *
 * A reader that falls behind (its socket's backlog over `maxOutboundBytes`) is handled by its
 * destination's slow-consumer policy: a `conflate` destination keeps only its newest value for it;
 * an `error` destination still gets everything while the publisher is slowed (`FlowControl`), and
 * a reader that stays behind is dropped with `STOMP_ERR_SLOW_CONSUMER`.
 */
import { SlowConsumerPolicy } from '../destinations';
import { BrokerError, BrokerErrorCode } from '../errors';
import { messageHead, type OutboundMessage } from '../message';
import type { Session } from '../session';
import type { Connected } from '../session-state';
import { AckMode, type Subscription } from '../subscription';

const textEncoder = new TextEncoder();

/** A client-ack subscription with as many messages awaiting acknowledgement as it may have (its prefetch). */
function windowFull(subscription: Subscription, maxUnacked: number): boolean {
  return subscription.ack !== AckMode.AUTO && subscription.unacked.size >= maxUnacked;
}

/** Whether a queue may hand this subscription a message now (within prefetch and outbound budget). */
export function canTake(session: Session, connected: Connected, subscription: Subscription): boolean {
  const limits = session.options.limits;
  if (windowFull(subscription, limits.maxUnackedPerSubscription)) return false;
  if (session.outbound.backlogBytes > limits.maxOutboundBytes) {
    // The queue keeps the message; it tries again when this socket drains.
    markBackpressured(session, connected);
    return false;
  }
  return true;
}

/**
 * A topic or user-destination message for one of this session's subscriptions. Below the
 * high-water mark it is written at once. Above it, a `conflate` destination keeps only its latest
 * value; an `error` destination still gets it (nothing is skipped) while the client that published
 * it waits for this reader to drain (`FlowControl`), and only a reader that stays behind for
 * `slowConsumerGraceMs`, or whose backlog would outgrow the high-water mark plus one largest
 * frame, gets `STOMP_ERR_SLOW_CONSUMER`.
 */
export function offer(
  session: Session,
  connected: Connected,
  subscription: Subscription,
  message: OutboundMessage,
): void {
  const limits = session.options.limits;
  const { conflated } = connected;
  // Values held back earlier go first, so a reader never sees an older value after a newer one.
  if (conflated.size > 0) releaseConflated(session, connected);
  const backlog = session.outbound.backlogBytes;
  const congested = backlog > limits.maxOutboundBytes;
  const full = windowFull(subscription, limits.maxUnackedPerSubscription);
  const name = subscription.destination.name;
  if (subscription.rule.slowConsumer === SlowConsumerPolicy.CONFLATE) {
    if (!congested && !full && !conflated.has(subscription)) {
      writeMessage(session, connected, subscription, message, false);
      return;
    }
    if (conflated.has(subscription)) session.observer.messageDropped('conflated');
    else session.observer.slowConsumer('conflated', name);
    conflated.set(subscription, message);
    markBackpressured(session, connected);
    return;
  }
  if (full) {
    dropSlowReader(
      session,
      name,
      `${subscription.unacked.size} messages on ${name} await acknowledgement, the most allowed`,
    );
    return;
  }
  if (congested) {
    const now = session.now();
    const hardLimit = limits.maxOutboundBytes + connected.frameLimit;
    if (backlog + message.body.length > hardLimit) {
      dropSlowReader(
        session,
        name,
        `${backlog} bytes already wait to be written to this connection; the most is ${hardLimit}`,
      );
      return;
    }
    if (
      connected.behindSince !== undefined &&
      now - connected.behindSince > session.options.slowConsumerGraceMs
    ) {
      dropSlowReader(session, name, behindDetail(session, connected, now));
      return;
    }
  }
  const written = writeMessage(session, connected, subscription, message, false);
  if (backlog + written > limits.maxOutboundBytes) fallBehind(session, connected, name);
}

/** Queues the MESSAGE frame; returns its size in bytes. */
export function writeMessage(
  session: Session,
  connected: Connected,
  subscription: Subscription,
  message: OutboundMessage,
  redelivered: boolean,
): number {
  const { version } = session;
  let ack: string | undefined;
  if (subscription.ack !== AckMode.AUTO) {
    // STOMP 1.2, "MESSAGE": in the client modes a MESSAGE carries an `ack` header for the ACK's `id`.
    // 1.0 and 1.1 acknowledge by `message-id` instead.
    const key = version === '1.2' ? `${++connected.ackSequence}` : message.messageId;
    subscription.unacked.set(key, { key, message });
    if (version === '1.2') {
      connected.ackIndex.set(key, subscription);
      ack = key;
    }
  }
  let head: Uint8Array;
  if (ack === undefined && !redelivered) {
    subscription.plainHead ??= textEncoder.encode(
      messageHead(subscription.subscriptionLine, undefined, false),
    );
    head = subscription.plainHead;
  } else {
    head = textEncoder.encode(messageHead(subscription.subscriptionLine, ack, redelivered));
  }
  const tail = message.tail(version);
  session.outbound.write([head, tail], message.binary);
  const bytes = head.length + tail.length;
  const totals = session.host.totals;
  totals.messagesOut++;
  totals.framesOut++;
  totals.bytesOut += bytes;
  session.observer.frameOut('MESSAGE', bytes);
  return bytes;
}

/** This reader is over its high-water mark with messages that must not be skipped. */
function fallBehind(session: Session, connected: Connected, destination: string): void {
  if (connected.behindSince === undefined) {
    connected.behindSince = session.now();
    connected.behindOn = destination;
  }
  session.host.flow.readerBehind(session);
  markBackpressured(session, connected);
}

export function behindDetail(session: Session, connected: Connected, now: number): string {
  return `more than ${session.options.limits.maxOutboundBytes} bytes have waited to be written to this connection for ${Math.round(now - (connected.behindSince ?? now))} ms`;
}

export function dropSlowReader(session: Session, destination: string, detail: string): void {
  session.observer.slowConsumer('closed', destination);
  session.fail(new BrokerError(BrokerErrorCode.SLOW_CONSUMER, `too slow reading ${destination}`, { detail }));
}

/** Sends held-back values while the socket has room and their subscriptions' windows allow. */
export function releaseConflated(session: Session, connected: Connected): void {
  const limits = session.options.limits;
  for (const [subscription, message] of connected.conflated) {
    if (session.outbound.backlogBytes > limits.maxOutboundBytes) return;
    if (windowFull(subscription, limits.maxUnackedPerSubscription)) continue;
    connected.conflated.delete(subscription);
    writeMessage(session, connected, subscription, message, false);
  }
}

function markBackpressured(session: Session, connected: Connected): void {
  if (connected.backpressured) return;
  connected.backpressured = true;
  session.updateTicking();
}

/** The socket may have drained: release held-back values and let queues try this session again. */
export function releaseBackpressure(session: Session, connected: Connected): void {
  const backlog = session.outbound.backlogBytes;
  const highWater = session.options.limits.maxOutboundBytes;
  // Publishers waiting for this reader go on once it is half-way drained, not at every dip below the mark.
  if (connected.behindSince !== undefined && backlog <= highWater / 2) {
    connected.behindSince = undefined;
    session.host.flow.readerClear(session);
  }
  if (backlog > highWater) return;
  connected.backpressured = false;
  releaseConflated(session, connected);
  if (connected.conflated.size > 0) connected.backpressured = true;
  for (const subscription of connected.subscriptions.values()) subscription.queue?.dispatch();
  session.updateTicking();
}
