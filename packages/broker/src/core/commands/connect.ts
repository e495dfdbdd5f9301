/**
 * CONNECT and STOMP (STOMP 1.2, "Connecting"): the version is negotiated, the authenticator asked,
 * and on its yes the session becomes `Connected` with the heart-beats both sides agreed.
 *
 * The authenticator may answer later (a promise): frames the client pipelines behind its CONNECT
 * meanwhile are held (`AwaitConnect.held`) and handled in order once it is connected.
 */
import {
  type Frame,
  formatHeartBeat,
  getHeader,
  type Header,
  type HeartBeat,
  NO_HEART_BEAT,
  negotiateHeartBeat,
  negotiateVersion,
  parseHeartBeat,
  type StompVersion,
} from '@stomping-ground/protocol';
import type { AuthResult, Credentials } from '../auth';
import { BrokerError, BrokerErrorCode } from '../errors';
import type { Session } from '../session';
import { type Connected, SessionState } from '../session-state';
import { Transactions } from '../transactions';

export function onConnect(session: Session, frame: Frame): void {
  const phase = session.phase;
  if (phase.kind !== SessionState.AWAIT_CONNECT) {
    throw new BrokerError(BrokerErrorCode.ALREADY_CONNECTED, `${frame.command} on a connected session`);
  }
  // STOMP 1.2, "Protocol Negotiation". Headers of CONNECT are never escaped ("Value Encoding").
  const version = chooseVersion(getHeader(frame.headers, 'accept-version'), session.info.subprotocolVersion);
  session.version = version;
  // Frames pipelined in the same chunk are read the new version's way from the next one on.
  session.decoder.version = version;
  // STOMP 1.2, "Heart-beating": 1.0 has none.
  const heartBeat =
    version === '1.0' ? NO_HEART_BEAT : parseHeartBeat(getHeader(frame.headers, 'heart-beat'));

  // STOMP 1.2, "ERROR": a refused CONNECT's ERROR names its receipt too.
  const receipt = getHeader(frame.headers, 'receipt');
  const credentials: Credentials = {
    login: getHeader(frame.headers, 'login'),
    passcode: getHeader(frame.headers, 'passcode'),
    host: getHeader(frame.headers, 'host'),
    remoteAddress: session.info.remoteAddress,
  };
  phase.held = [];
  let verdict: Promise<AuthResult>;
  try {
    verdict = Promise.resolve(session.options.authenticator(credentials));
  } catch (error) {
    verdict = Promise.reject(error);
  }
  verdict.then(
    (result) => onAuthenticated(session, result, heartBeat, receipt),
    (error: unknown) => {
      if (session.phase.kind !== SessionState.AWAIT_CONNECT) return;
      session.logger.error({ err: error }, 'the authenticator failed');
      session.fail(new BrokerError(BrokerErrorCode.INTERNAL, 'authentication is unavailable'), receipt);
    },
  );
}

function onAuthenticated(
  session: Session,
  result: AuthResult,
  clientHeartBeat: HeartBeat,
  receipt: string | undefined,
): void {
  const phase = session.phase;
  // The session may have timed out or lost its transport meanwhile.
  if (phase.kind !== SessionState.AWAIT_CONNECT) return;
  if (!result.ok) {
    session.fail(
      new BrokerError(BrokerErrorCode.AUTH_FAILED, 'authentication failed', { detail: result.reason }),
      receipt,
    );
    return;
  }
  const held = phase.held ?? [];
  try {
    becomeConnected(session, result.login, clientHeartBeat, result.headers ?? []);
  } catch (error) {
    session.fail(error);
    return;
  }
  for (const frame of held) {
    if (!session.isConnected()) break;
    session.process(frame);
  }
}

function becomeConnected(
  session: Session,
  login: string,
  clientHeartBeat: HeartBeat,
  extraHeaders: readonly Header[],
): void {
  const { options } = session;
  const { sendEvery, expectEvery } = negotiateHeartBeat(options.heartBeat, clientHeartBeat);
  session.decoder.setLimits(options.limits.postLogin);
  const connected: Connected = {
    kind: SessionState.CONNECTED,
    login,
    context: { login, sessionId: session.id },
    sendEvery,
    expectEvery,
    frameLimit: session.decoder.getLimits().maxFrameBytes,
    subscriptions: new Map(),
    ackIndex: new Map(),
    conflated: new Map(),
    transactions: new Transactions(options.limits),
    ackSequence: 0,
    backpressured: false,
    behindSince: undefined,
    behindOn: '',
  };
  session.phase = connected;
  session.login = login;
  session.lastReadAt = session.now();
  session.transport.limitInput?.(connected.frameLimit);
  session.host.loggedIn(session);
  session.logger = session.logger.child({ login });

  // STOMP 1.2, "CONNECTED Frame".
  const headers: Header[] = [
    ['version', session.version],
    ['server', options.serverName],
    ['session', session.id],
  ];
  if (session.version !== '1.0') headers.push(['heart-beat', formatHeartBeat(options.heartBeat)]);
  headers.push(['user-name', login], ...extraHeaders);
  session.writeFrame('CONNECTED', headers);

  session.host.totals.sessionsOpened++;
  session.observer.sessionOpened(session.version);
  session.logger.debug({ version: session.version, sendEvery, expectEvery }, 'connected');
  session.updateTicking();
}

/**
 * The version to speak: the WebSocket subprotocol's, when the client also lists it in
 * `accept-version`; otherwise the highest both sides speak (STOMP 1.2, "Protocol Negotiation").
 * `accept-version` absent means 1.0. Throws `STOMP_ERR_UNSUPPORTED_VERSION` when there is none.
 */
export function chooseVersion(
  acceptVersion: string | undefined,
  subprotocolVersion?: StompVersion,
): StompVersion {
  if (subprotocolVersion !== undefined) {
    const offered =
      acceptVersion === undefined ? ['1.0'] : acceptVersion.split(',').map((token) => token.trim());
    if (offered.includes(subprotocolVersion)) return subprotocolVersion;
  }
  return negotiateVersion(acceptVersion);
}
