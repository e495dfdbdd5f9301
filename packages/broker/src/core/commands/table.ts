/**
 * Which module handles which client command, once the session is connected (STOMP 1.2, "Client
 * Frames"). CONNECT and STOMP come before there is a `Connected` state (`connect.ts`); the server's
 * own commands are refused when a client sends them.
 */
import { type ClientCommand, type Frame, ServerCommand } from '@stomping-ground/protocol';
import type { Session } from '../session';
import type { Connected } from '../session-state';
import { onAck, onNack } from './ack';
import { onDisconnect } from './liveness';
import { onSend } from './send';
import { onSubscribe, onUnsubscribe } from './subscribe';
import { onAbort, onBegin, onCommit } from './transactions';

/** The commands a connected session handles. */
export type ConnectedCommand = Exclude<ClientCommand, 'CONNECT' | 'STOMP'>;

/** Handles one frame on a connected session; what it throws becomes the session's ERROR. */
export type ConnectedHandler = (session: Session, connected: Connected, frame: Frame) => void;

export const CONNECTED_COMMANDS = {
  SEND: onSend,
  SUBSCRIBE: onSubscribe,
  UNSUBSCRIBE: onUnsubscribe,
  ACK: onAck,
  NACK: onNack,
  BEGIN: onBegin,
  COMMIT: onCommit,
  ABORT: onAbort,
  DISCONNECT: onDisconnect,
} as const satisfies { readonly [C in ConnectedCommand]: ConnectedHandler };

export function isServerCommand(command: string): command is ServerCommand {
  return Object.hasOwn(ServerCommand, command);
}
