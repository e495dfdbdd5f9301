/**
 * Whether a session is alive, and how it stops: the CONNECT timeout, heart-beats both ways
 * (STOMP 1.2, "Heart-beating"), DISCONNECT (STOMP 1.2, "DISCONNECT"), and the timer that keeps a
 * DISCONNECT from waiting forever. A session is on the broker's shared clock only while one of
 * these has something to time.
 */
import { type Frame, getHeader, HEARTBEAT_BYTES } from '@stomping-ground/protocol';
import { BrokerError, BrokerErrorCode } from '../errors';
import type { Session } from '../session';
import { type Connected, SessionState } from '../session-state';
import { CloseCode } from '../transport';
import { behindDetail, dropSlowReader, releaseBackpressure } from './delivery';

export function tick(session: Session, now: number): void {
  const phase = session.phase;
  const { options } = session;
  switch (phase.kind) {
    case SessionState.AWAIT_CONNECT:
      if (now - phase.openedAt >= options.connectTimeoutMs) {
        session.fail(
          new BrokerError(
            BrokerErrorCode.CONNECT_TIMEOUT,
            `no CONNECT within ${options.connectTimeoutMs} ms`,
          ),
        );
      }
      return;
    case SessionState.CONNECTED:
      tickConnected(session, phase, now);
      return;
    case SessionState.DISCONNECTING:
      // A DISCONNECT waiting on app handlers does not wait forever.
      if (now - phase.since >= options.connectTimeoutMs)
        session.end(CloseCode.NORMAL, 'disconnect', 'disconnect');
      return;
    case SessionState.CLOSING:
    case SessionState.CLOSED:
      return;
  }
}

function tickConnected(session: Session, connected: Connected, now: number): void {
  const { options, outbound } = session;
  const { expectEvery, sendEvery } = connected;
  // STOMP 1.2, "Heart-beating": the peer is considered dead after silence well past the
  // agreed interval; here, twice the interval plus a grace for network jitter.
  if (
    expectEvery > 0 &&
    !session.isReadingPaused &&
    now - session.lastReadAt > 2 * expectEvery + options.heartBeatGraceMs
  ) {
    session.fail(
      new BrokerError(
        BrokerErrorCode.HEARTBEAT_TIMEOUT,
        `nothing received for ${Math.round(now - session.lastReadAt)} ms`,
        { detail: `heart-beats were agreed every ${expectEvery} ms` },
      ),
    );
    return;
  }
  // Send one tick early rather than one tick late.
  if (
    sendEvery > 0 &&
    outbound.isIdle &&
    now - outbound.lastWriteAt >= sendEvery - options.timerResolutionMs
  ) {
    outbound.write(HEARTBEAT_BYTES, false);
    session.host.totals.bytesOut += 1;
    session.observer.frameOut('HEARTBEAT', 1);
  }
  if (connected.backpressured) releaseBackpressure(session, connected);
  if (connected.behindSince !== undefined && now - connected.behindSince > options.slowConsumerGraceMs) {
    dropSlowReader(session, connected.behindOn, behindDetail(session, connected, now));
  }
}

/** Joins the shared clock only while there is something to time. */
export function updateTicking(session: Session): void {
  const phase = session.phase;
  const watched =
    phase.kind === SessionState.AWAIT_CONNECT ||
    phase.kind === SessionState.DISCONNECTING ||
    (phase.kind === SessionState.CONNECTED &&
      (phase.sendEvery > 0 || phase.expectEvery > 0 || phase.backpressured));
  if (watched) session.host.clock.add(session);
  else session.host.clock.delete(session);
}

/**
 * STOMP 1.2, "DISCONNECT": the RECEIPT goes out once everything before it is done (app handlers
 * included), then the connection is closed. Subscriptions end at once, so queue messages move on.
 */
export function onDisconnect(session: Session, connected: Connected, frame: Frame): void {
  const receipt = getHeader(frame.headers, 'receipt');
  session.phase = { kind: SessionState.DISCONNECTING, since: session.now() };
  session.release(connected);
  session.updateTicking();
  session.receipts.run(() => {
    if (session.phase.kind !== SessionState.DISCONNECTING) return;
    if (receipt !== undefined) session.writeFrame('RECEIPT', [['receipt-id', receipt]]);
    session.end(CloseCode.NORMAL, 'disconnect', 'disconnect');
  });
}
