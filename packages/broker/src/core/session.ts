/**
 * One STOMP session per connection: the wiring between the frame decoder (bytes in), the outbound
 * writer (bytes out) and the command handlers, over one typed state (`session-state.ts`).
 *
 * What each client command does lives in `commands/`, one module per group, found through the
 * `CONNECTED_COMMANDS` table; they reach the session's parts through the fields below, which are
 * public for them and not exported from the package. What stays here:
 *
 * - input: chunks to the decoder, frames to their handler (or held while a CONNECT is decided);
 * - output: frames encoded and counted, RECEIPTs in order (`ReceiptGate`);
 * - endings: every fault, from the codec, a handler or a timer, ends in `fail`: one ERROR frame
 *   (STOMP 1.2, "ERROR") with a short `message`, the `receipt-id` of the frame at fault, a `code`
 *   and a readable body, then the transport is closed with a matching close code.
 */
import {
  type Command,
  encodeFrame,
  type Frame,
  FrameDecoder,
  getHeader,
  type Header,
  type Headers,
  StompErrorCode,
  type StompVersion,
  SUPPORTED_VERSIONS,
} from '@stomping-ground/protocol';
import type { AppRoutes } from './app-handlers';
import { onConnect } from './commands/connect';
import { canTake, offer, releaseBackpressure, writeMessage } from './commands/delivery';
import { tick, updateTicking } from './commands/liveness';
import { CONNECTED_COMMANDS, isServerCommand } from './commands/table';
import { BrokerError, BrokerErrorCode, closeCodeFor, type ProtocolFault, toProtocolFault } from './errors';
import type { FlowControl, FlowParty } from './flow-control';
import type { HeartbeatClock, Tickable } from './heartbeat-clock';
import type { IdSource } from './ids';
import type { Logger } from './logger';
import type { OutboundMessage } from './message';
import type { BrokerObserver } from './observer';
import type { ResolvedOptions } from './options';
import { Outbound } from './outbound';
import { ReceiptGate } from './receipts';
import type { Router } from './router';
import {
  CLOSED,
  CLOSING,
  type Connected,
  endsALogin,
  type SessionPhase,
  SessionState,
} from './session-state';
import type { SnapshotProviders } from './snapshots';
import type { BrokerTotals } from './stats';
import type { Subscription, SubscriptionOwner } from './subscription';
import { CloseCode, type Connection, type ConnectionInfo, type Transport } from './transport';

export { SessionState } from './session-state';

/** What a session needs from its broker. */
export interface SessionHost {
  readonly options: ResolvedOptions;
  readonly router: Router;
  readonly appRoutes: AppRoutes;
  readonly snapshots: SnapshotProviders;
  readonly clock: HeartbeatClock;
  readonly ids: IdSource;
  readonly totals: BrokerTotals;
  /** Publishers wait here for readers that fell behind. */
  readonly flow: FlowControl;
  /** The transport is gone: forget the session. */
  removed(session: Session): void;
  /** The session logged in: it no longer counts against the pre-login connection limits. */
  loggedIn(session: Session): void;
}

/**
 * Frames a client may pipeline behind its CONNECT while the authenticator decides. They are read
 * under the pre-login limits, since the client is not logged in yet.
 */
const MAX_HELD_FRAMES = 32;

export class Session implements SubscriptionOwner, Tickable, FlowParty {
  readonly id: string;
  readonly info: ConnectionInfo;
  readonly connection: Connection;
  readonly host: SessionHost;
  readonly transport: Transport;
  readonly options: ResolvedOptions;
  readonly observer: BrokerObserver;
  logger: Logger;
  readonly decoder: FrameDecoder;
  readonly outbound: Outbound;
  readonly receipts: ReceiptGate;

  phase: SessionPhase;
  /**
   * The negotiated version. Until CONNECT agrees one, frames go out as 1.0 does them, unescaped, as
   * CONNECTED always is ("Value Encoding"): an ERROR refusing a CONNECT must be readable by any client.
   */
  version: StompVersion = '1.0';
  /** Who logged in; kept after the session ends, for those told of its closing. */
  login: string | undefined;
  /** When a chunk last came: heart-beat timeouts count from here. */
  lastReadAt: number;
  /** The socket is not being read: this session published to readers that are behind. */
  private readingPaused = false;

  constructor(host: SessionHost, transport: Transport, info: ConnectionInfo, id: string) {
    this.id = id;
    this.info = info;
    this.host = host;
    this.transport = transport;
    this.options = host.options;
    this.observer = host.options.observer;
    this.logger = host.options.logger.child({
      session: id,
      transport: info.kind,
      remoteAddress: info.remoteAddress,
    });
    const now = host.options.clock.now();
    this.phase = { kind: SessionState.AWAIT_CONNECT, openedAt: now, held: undefined };
    this.lastReadAt = now;
    this.decoder = new FrameDecoder(
      { onFrame: this.onFrame, onHeartbeat: this.onHeartbeat },
      { limits: this.options.limits.preLogin },
    );
    this.outbound = new Outbound(transport, this.now, this.onSendFailed);
    this.receipts = new ReceiptGate((error) => this.fail(error));
    this.connection = {
      id,
      receive: (chunk) => this.receive(chunk),
      closed: () => this.transportClosed(),
      drained: () => this.drained(),
    };
    transport.limitInput?.(this.decoder.getLimits().maxFrameBytes);
    host.clock.add(this);
  }

  readonly now = (): number => this.options.clock.now();

  /** The phase, as the broker reports it. */
  get state(): SessionState {
    return this.phase.kind;
  }

  /** Bytes the decoder holds for a frame still arriving: at most the frame limit that applies, plus one. */
  get inputBufferedBytes(): number {
    return this.decoder.bufferedBytes;
  }

  /** A method rather than a comparison, so TypeScript does not keep a narrowing across calls that change the state. */
  isConnected(): boolean {
    return this.phase.kind === SessionState.CONNECTED;
  }

  // ── Input ──────────────────────────────────────────────────────────────────────────────────────

  receive(chunk: Uint8Array | string): void {
    const kind = this.phase.kind;
    if (kind !== SessionState.AWAIT_CONNECT && kind !== SessionState.CONNECTED) return;
    this.lastReadAt = this.now();
    this.host.totals.bytesIn += chunk.length;
    try {
      this.decoder.push(chunk);
    } catch (error) {
      // The decoder throws only codec faults, carrying the receipt of the frame when it was read.
      this.fail(error);
    }
  }

  private readonly onHeartbeat = (): void => {
    this.observer.frameIn('HEARTBEAT', 1);
  };

  private readonly onFrame = (frame: Frame): void => {
    const phase = this.phase;
    // After a fault or DISCONNECT the rest of the chunk is ignored.
    if (phase.kind !== SessionState.AWAIT_CONNECT && phase.kind !== SessionState.CONNECTED) return;
    this.host.totals.framesIn++;
    this.observer.frameIn(frame.command, frameSize(frame));
    if (phase.kind === SessionState.AWAIT_CONNECT && phase.held !== undefined) {
      if (phase.held.length >= MAX_HELD_FRAMES) {
        this.fail(
          new BrokerError(
            BrokerErrorCode.LIMIT,
            `at most ${MAX_HELD_FRAMES} frames may follow an unanswered CONNECT`,
          ),
          getHeader(frame.headers, 'receipt'),
        );
        return;
      }
      phase.held.push(frame);
      return;
    }
    this.process(frame);
  };

  /** Handles one frame; whatever it throws becomes the session's ERROR. */
  process(frame: Frame): void {
    const flow = this.host.flow;
    flow.begin(this);
    try {
      this.handle(frame);
    } catch (error) {
      this.fail(error, getHeader(frame.headers, 'receipt'));
    } finally {
      flow.end(this);
    }
  }

  private handle(frame: Frame): void {
    const command = frame.command;
    if (command === 'CONNECT' || command === 'STOMP') {
      onConnect(this, frame);
      return;
    }
    if (isServerCommand(command)) {
      throw new BrokerError(BrokerErrorCode.UNEXPECTED_COMMAND, `${command} is a frame only a server sends`);
    }
    const phase = this.phase;
    if (phase.kind !== SessionState.CONNECTED) {
      throw new BrokerError(BrokerErrorCode.NOT_CONNECTED, `${command} before CONNECT`, {
        detail: `the first frame of a session must be CONNECT or STOMP, not ${command}`,
      });
    }
    CONNECTED_COMMANDS[command](this, phase, frame);
    // STOMP 1.2, "Header receipt": any client frame other than CONNECT may ask for a RECEIPT.
    // DISCONNECT answers its own, once the session has stopped.
    const receipt = getHeader(frame.headers, 'receipt');
    if (receipt !== undefined && this.isConnected()) {
      // What the frame changed in the queue store (an ACK's removal, say) is on disk first.
      this.holdReceiptsFor(this.host.router.flushed(), receipt);
      this.sendReceipt(receipt);
    }
  }

  // ── Output ─────────────────────────────────────────────────────────────────────────────────────

  writeFrame(command: Command, headers: Headers, body?: string): void {
    const { bytes, binary } = encodeFrame(
      body === undefined ? { command, headers } : { command, headers, body },
      { version: this.version },
    );
    this.outbound.write(bytes, binary);
    this.host.totals.framesOut++;
    this.host.totals.bytesOut += bytes.length;
    this.observer.frameOut(command, bytes.length);
  }

  sendReceipt(receiptId: string): void {
    // STOMP 1.2, "RECEIPT": `receipt-id` is the value of the frame's `receipt` header.
    this.receipts.run(() => this.writeFrame('RECEIPT', [['receipt-id', receiptId]]));
  }

  /**
   * Later RECEIPTs wait until the queue store or the cluster has what a frame sent; if it cannot
   * take it, the session ends with that error, naming the frame's receipt.
   */
  holdReceiptsFor(stored: Promise<void> | undefined, receipt: string | undefined): void {
    if (stored !== undefined) this.receipts.hold(stored.catch((error: unknown) => this.fail(error, receipt)));
  }

  private readonly onSendFailed = (error: unknown): void => {
    this.logger.warn({ err: error }, 'the transport refused bytes; closing');
    this.end(CloseCode.SERVER_ERROR, 'send failed', 'transport-error');
  };

  // ── Delivery (SubscriptionOwner), see commands/delivery.ts ──────────────────────────────────────

  canTake(subscription: Subscription): boolean {
    const phase = this.phase;
    return phase.kind === SessionState.CONNECTED && canTake(this, phase, subscription);
  }

  deliver(subscription: Subscription, message: OutboundMessage, redelivered: boolean): void {
    const phase = this.phase;
    if (phase.kind === SessionState.CONNECTED) writeMessage(this, phase, subscription, message, redelivered);
  }

  offer(subscription: Subscription, message: OutboundMessage): void {
    const phase = this.phase;
    if (phase.kind === SessionState.CONNECTED) offer(this, phase, subscription, message);
  }

  /** Called by adapters when the socket's buffer has emptied. */
  drained(): void {
    const phase = this.phase;
    if (phase.kind === SessionState.CONNECTED && phase.backpressured) releaseBackpressure(this, phase);
  }

  // ── Flow control (FlowParty) ───────────────────────────────────────────────────────────────────

  /** Stops reading this client's socket: what it published waits on readers that are behind. */
  pauseReading(): void {
    if (this.readingPaused || this.isEnding()) return;
    this.readingPaused = true;
    this.observer.publisherPaused();
    this.transport.pause();
  }

  /** Reads this client's socket again; the silence while paused does not count against its heart-beats. */
  resumeReading(): void {
    if (!this.readingPaused) return;
    this.readingPaused = false;
    this.lastReadAt = this.now();
    if (this.isEnding()) return;
    this.transport.resume();
  }

  get isReadingPaused(): boolean {
    return this.readingPaused;
  }

  // ── Timing (Tickable), see commands/liveness.ts ─────────────────────────────────────────────────

  tick(now: number): void {
    tick(this, now);
  }

  // ── Endings ────────────────────────────────────────────────────────────────────────────────────

  /** The transport is being closed, or is closed: nothing more is written. */
  private isEnding(): boolean {
    return this.phase.kind === SessionState.CLOSING || this.phase.kind === SessionState.CLOSED;
  }

  /**
   * The one place a session fault is reported: one ERROR frame, then the close (STOMP 1.2, "ERROR":
   * the server closes the connection after sending it; "Connection Lingering": the transport flushes
   * what was sent before it closes). `receiptId` is the `receipt` of the frame at fault, used when the
   * error does not carry its own. The ERROR also carries a `code` header (`STOMP_ERR_…`), an
   * extension clients may ignore and tests and tools can branch on.
   */
  fail(error: unknown, receiptId?: string): void {
    if (this.isEnding()) return;
    const fault = toProtocolFault(error);
    if (fault === error) this.logger.debug({ code: fault.code, reason: fault.message }, 'protocol error');
    else this.logger.error({ err: error }, 'internal error');
    this.host.totals.errors++;
    this.observer.protocolError(fault.code);
    this.writeError(fault, fault.receiptId ?? receiptId);
    // The WebSocket adapter bounds the reason to what a close frame holds (`closeReason`).
    this.end(closeCodeFor(fault), fault.message, fault.code);
  }

  private writeError(fault: ProtocolFault, receiptId: string | undefined): void {
    const headers: Header[] = [
      ['message', oneLine(fault.message)],
      ['code', fault.code],
    ];
    if (receiptId !== undefined) headers.push(['receipt-id', receiptId]);
    // STOMP 1.2, "Protocol Negotiation": the ERROR lists the versions the server speaks.
    if (fault.code === StompErrorCode.UNSUPPORTED_VERSION)
      headers.push(['version', SUPPORTED_VERSIONS.join(',')]);
    headers.push(['content-type', 'text/plain']);
    const detail = fault instanceof BrokerError && fault.detail !== undefined ? fault.detail : fault.message;
    try {
      this.writeFrame('ERROR', headers, `${detail}\n`);
    } catch (error) {
      // Only a receipt id the version cannot carry gets here; the ERROR still goes out without it.
      this.logger.warn({ err: error }, 'ERROR frame sent without its receipt-id');
      this.writeFrame('ERROR', [headers[0]!, headers[1]!], `${detail}\n`);
    }
  }

  /** Ends the session from this side: no more input, output flushed, transport closed. */
  end(code: CloseCode, reason: string, why: string): void {
    const left = this.phase;
    if (this.isEnding()) return;
    this.phase = CLOSING;
    if (left.kind === SessionState.CONNECTED) this.release(left);
    else this.host.flow.forget(this);
    this.outbound.flush();
    this.outbound.close();
    this.host.clock.delete(this);
    if (endsALogin(left)) this.reportClosed(why);
    this.transport.close(code, reason);
  }

  /** The transport is gone (`Connection.closed`): idempotent. */
  private transportClosed(): void {
    const left = this.phase;
    if (left.kind === SessionState.CLOSED) return;
    this.phase = CLOSED;
    if (left.kind === SessionState.CONNECTED) this.release(left);
    else this.host.flow.forget(this);
    this.outbound.close();
    this.host.clock.delete(this);
    if (endsALogin(left)) this.reportClosed('transport-closed');
    this.host.removed(this);
  }

  private reportClosed(why: string): void {
    this.observer.sessionClosed(this.version, why);
    this.logger.debug({ why }, 'session closed');
  }

  /**
   * Gives back everything a connected session holds, as it leaves that state: its subscriptions
   * (queue messages go to others), its transactions, its place among readers that are behind.
   */
  release(connected: Connected): void {
    connected.transactions.clear();
    connected.conflated.clear();
    connected.backpressured = false;
    connected.behindSince = undefined;
    this.host.flow.forget(this);
    const subscriptions = [...connected.subscriptions.values()];
    connected.subscriptions.clear();
    connected.ackIndex.clear();
    for (const subscription of subscriptions) this.host.router.remove(subscription);
  }

  /** Joins the shared clock only while there is something to time. */
  updateTicking(): void {
    updateTicking(this);
  }

  /** Sends ERROR `STOMP_ERR_SHUTTING_DOWN` and closes with 1001. */
  shutdown(reason: string): void {
    this.fail(new BrokerError(BrokerErrorCode.SHUTTING_DOWN, 'server shutting down', { detail: reason }));
  }
}

/** A frame's size as the broker sees it (headers unescaped): close enough for metrics, cheap to count. */
function frameSize(frame: Frame): number {
  let size = frame.command.length + 2 + frame.body.length + 1;
  for (const [name, value] of frame.headers) size += name.length + value.length + 2;
  return size;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
