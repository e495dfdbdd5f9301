/**
 * Frames, commands and headers: the shapes every other module speaks.
 *
 * Headers are an ordered list of `[name, value]` pairs, as on the wire, so a repeated header
 * keeps every occurrence; readers take the first (STOMP 1.2, "Repeated Header Entries").
 */

/** Frames a client sends (STOMP 1.2, "Client Frames"). */
export const ClientCommand = {
  CONNECT: 'CONNECT',
  STOMP: 'STOMP',
  SEND: 'SEND',
  SUBSCRIBE: 'SUBSCRIBE',
  UNSUBSCRIBE: 'UNSUBSCRIBE',
  ACK: 'ACK',
  NACK: 'NACK',
  BEGIN: 'BEGIN',
  COMMIT: 'COMMIT',
  ABORT: 'ABORT',
  DISCONNECT: 'DISCONNECT',
} as const;
export type ClientCommand = (typeof ClientCommand)[keyof typeof ClientCommand];

/** Frames a server sends (STOMP 1.2, "Server Frames"). */
export const ServerCommand = {
  CONNECTED: 'CONNECTED',
  MESSAGE: 'MESSAGE',
  RECEIPT: 'RECEIPT',
  ERROR: 'ERROR',
} as const;
export type ServerCommand = (typeof ServerCommand)[keyof typeof ServerCommand];

export type Command = ClientCommand | ServerCommand;

const COMMANDS: ReadonlySet<string> = new Set<string>([
  ...Object.values(ClientCommand),
  ...Object.values(ServerCommand),
]);

export function isCommand(value: string): value is Command {
  return COMMANDS.has(value);
}

export function isClientCommand(value: string): value is ClientCommand {
  return Object.hasOwn(ClientCommand, value);
}

export type Header = readonly [name: string, value: string];
export type Headers = readonly Header[];

/** A decoded frame. The body is a view of the bytes received; copy it to keep it past the next chunk's reuse. */
export interface Frame {
  readonly command: Command;
  readonly headers: Headers;
  readonly body: Uint8Array;
}

/** A frame to encode: the body may be text or bytes and may be left out. */
export interface FrameInit {
  readonly command: Command;
  readonly headers?: Headers;
  readonly body?: Uint8Array | string;
}

/** The first value of `name`: repeated headers keep the first (STOMP 1.2, "Repeated Header Entries"). */
export function getHeader(headers: Headers, name: string): string | undefined {
  for (let i = 0; i < headers.length; i++) {
    const header = headers[i]!;
    if (header[0] === name) return header[1];
  }
  return undefined;
}

/** The protocol versions this codec speaks, oldest first. */
export const StompVersion = {
  V1_0: '1.0',
  V1_1: '1.1',
  V1_2: '1.2',
} as const;
export type StompVersion = (typeof StompVersion)[keyof typeof StompVersion];

export const SUPPORTED_VERSIONS: readonly StompVersion[] = ['1.0', '1.1', '1.2'];
