/**
 * SEND (STOMP 1.2, "SEND"): a message to a topic, a queue, or an `/app/` handler. Inside a
 * transaction it is held until COMMIT (`transactions.ts`); otherwise it is routed at once.
 */
import { type Frame, getHeader, type Headers, StompError } from '@stomping-ground/protocol';
import type { AppHandler, AppMessage } from '../app-handlers';
import type { QueueBatch } from '../broker-link';
import { type Destination, DestinationKind } from '../destinations';
import { BrokerError, BrokerErrorCode } from '../errors';
import { copyBytes, forwardedHeaders, OutboundMessage } from '../message';
import type { Session } from '../session';
import type { Connected } from '../session-state';
import { authorize } from './authorize';
import { required } from './headers';

export function onSend(session: Session, connected: Connected, frame: Frame): void {
  const name = required(frame, 'destination');
  const { destination } = authorize(session.options.destinationRules, name, 'send');
  const handler = destination.kind === DestinationKind.APP ? handlerFor(session, name) : undefined;
  const headers = forwardedHeaders(frame.headers);
  // The body is a view of the decoder's chunk: copy it, so keeping it (in a queue, a transaction,
  // a conflation slot, an app handler) does not pin the chunk.
  const body = copyBytes(frame.body);
  const transaction = getHeader(frame.headers, 'transaction');
  if (transaction !== undefined) {
    connected.transactions.add(transaction, { kind: 'send', destination, headers, body });
    return;
  }
  session.host.totals.messagesIn++;
  const receipt = getHeader(frame.headers, 'receipt');
  if (handler !== undefined) {
    runHandler(session, connected, handler, appMessage(connected, name, headers, body), receipt);
  } else {
    route(session, connected, destination, headers, body, receipt);
  }
}

/**
 * Delivers a SEND. `queueBatch`, during a COMMIT, takes its queue messages, so that they are
 * kept together, all or none.
 */
export function route(
  session: Session,
  connected: Connected,
  destination: Destination,
  headers: Headers,
  body: Uint8Array,
  receipt: string | undefined,
  queueBatch?: QueueBatch,
): void {
  const { router, ids } = session.host;
  const message = new OutboundMessage(destination.name, ids.nextMessageId(), headers, body);
  switch (destination.kind) {
    case DestinationKind.TOPIC:
      router.publishTopic(message);
      return;
    case DestinationKind.QUEUE: {
      if (queueBatch !== undefined) {
        queueBatch.add(message);
        return;
      }
      // In a cluster the message is stored in Redis first: the RECEIPT (this one and every later
      // one, STOMP being a stream) waits until it is, so a receipted message survives any one node.
      session.holdReceiptsFor(router.sendToQueue(message), receipt);
      return;
    }
    case DestinationKind.USER:
      // Only reachable when a rule lets clients send to /user/: it resolves to the sender's own login.
      if (!router.publishUser(connected.login, message)) session.observer.messageDropped('no-subscriber');
      return;
    case DestinationKind.APP:
      throw new Error('app destinations are handled, not routed');
  }
}

export function handlerFor(session: Session, destination: string): AppHandler {
  const handler = session.host.appRoutes.resolve(destination);
  if (handler === undefined) {
    throw new BrokerError(BrokerErrorCode.NO_HANDLER, `nothing handles ${destination}`);
  }
  return handler;
}

export function appMessage(
  connected: Connected,
  destination: string,
  headers: Headers,
  body: Uint8Array,
): AppMessage {
  const { login, sessionId } = connected.context;
  return { destination, headers, body, login, sessionId };
}

/** Calls a handler for one SEND; when it returns a promise, later receipts wait for it. */
function runHandler(
  session: Session,
  connected: Connected,
  handler: AppHandler,
  message: AppMessage,
  receipt: string | undefined,
): void {
  let result: void | Promise<void>;
  try {
    result = handler(message, connected.context);
  } catch (error) {
    handlerFailed(session, error, message.destination, receipt);
    return;
  }
  if (isPromiseLike(result)) {
    session.receipts.hold(
      Promise.resolve(result).catch((error: unknown) =>
        handlerFailed(session, error, message.destination, receipt),
      ),
    );
  }
}

/**
 * A handler's fault closes the session like any other: a `StompError` or `BrokerError` reaches the
 * client with its code; anything else is logged here and the client only learns which destination
 * failed (no stack on the wire).
 */
export function handlerFailed(
  session: Session,
  error: unknown,
  destination: string,
  receipt: string | undefined,
): void {
  if (error instanceof StompError || error instanceof BrokerError) {
    session.logger.warn({ err: error, destination }, 'an app handler refused a message');
    session.fail(error, receipt);
    return;
  }
  session.logger.error({ err: error, destination }, 'an app handler failed');
  session.fail(new BrokerError(BrokerErrorCode.INTERNAL, `internal error handling ${destination}`), receipt);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}
