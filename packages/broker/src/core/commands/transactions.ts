/**
 * BEGIN, COMMIT and ABORT (STOMP 1.2, "BEGIN", "COMMIT", "ABORT"). The session's open transactions
 * (`../transactions.ts`) hold the SENDs, ACKs and NACKs that name them; COMMIT applies them all
 * together, ABORT drops them.
 */
import { type Frame, getHeader } from '@stomping-ground/protocol';
import type { AppHandler, AppMessage } from '../app-handlers';
import { DestinationKind } from '../destinations';
import type { Session } from '../session';
import type { Connected } from '../session-state';
import { settle } from './ack';
import { required } from './headers';
import { appMessage, handlerFailed, handlerFor, route } from './send';

export function onBegin(_session: Session, connected: Connected, frame: Frame): void {
  connected.transactions.begin(required(frame, 'transaction'));
}

export function onAbort(_session: Session, connected: Connected, frame: Frame): void {
  connected.transactions.abort(required(frame, 'transaction'));
}

/** STOMP 1.2, "COMMIT": everything the transaction holds takes effect, all together. */
export function onCommit(session: Session, connected: Connected, frame: Frame): void {
  const actions = connected.transactions.commit(required(frame, 'transaction'));
  const { router, totals } = session.host;

  // Check first, so that nothing happens unless everything can.
  const queueSends = new Map<string, { count: number; bytes: number }>();
  const handlers = new Map<string, AppHandler>();
  for (const action of actions) {
    if (action.kind !== 'send') continue;
    const { kind, name } = action.destination;
    if (kind === DestinationKind.QUEUE) {
      const sum = queueSends.get(name) ?? { count: 0, bytes: 0 };
      sum.count++;
      sum.bytes += action.body.length;
      queueSends.set(name, sum);
    } else if (kind === DestinationKind.APP && !handlers.has(name)) {
      handlers.set(name, handlerFor(session, name));
    }
  }
  const queueBatch = router.openQueueBatch(queueSends);

  const receipt = getHeader(frame.headers, 'receipt');
  const batches = new Map<AppHandler, AppMessage[]>();
  for (const action of actions) {
    if (action.kind === 'send') {
      totals.messagesIn++;
      const { destination, headers, body } = action;
      const handler = handlers.get(destination.name);
      if (handler === undefined) {
        route(session, connected, destination, headers, body, receipt, queueBatch);
      } else {
        const batch = batches.get(handler) ?? [];
        batch.push(appMessage(connected, destination.name, headers, body));
        batches.set(handler, batch);
      }
    } else if (connected.subscriptions.get(action.subscription.id) === action.subscription) {
      // An ACK already covered by a later cumulative ACK, or a subscription gone since (its messages
      // were given back to the queue), leaves nothing to do.
      settle(session, connected, action.subscription, action.key, action.kind === 'nack');
    }
  }
  // The queue messages are kept all or none (in a cluster, stored in one step); the RECEIPT waits.
  session.holdReceiptsFor(queueBatch.stored(), receipt);
  if (batches.size > 0) runBatches(session, connected, batches, receipt);
}

/**
 * Hands a committed transaction's `/app/` messages over: all of one handler's messages together to
 * its `commit`, or one by one, in order, to the handler itself. The COMMIT's receipt waits.
 */
function runBatches(
  session: Session,
  connected: Connected,
  batches: ReadonlyMap<AppHandler, AppMessage[]>,
  receipt: string | undefined,
): void {
  const { context } = connected;
  let current = '';
  const work = (async () => {
    for (const [handler, messages] of batches) {
      current = messages[0]!.destination;
      if (handler.commit !== undefined) {
        await handler.commit(messages, context);
        continue;
      }
      for (const message of messages) {
        current = message.destination;
        await handler(message, context);
      }
    }
  })();
  session.receipts.hold(work.catch((error: unknown) => handlerFailed(session, error, current, receipt)));
}
