/**
 * What the inspector shows: one entry per frame, heart-beat, decoding fault or connection note.
 */
import type { Command, Headers } from '@stomping-ground/protocol';

/** Which way the bytes went, seen from this page: `out` was sent, `in` was received. */
export type Direction = 'in' | 'out';

interface EntryBase {
  /** Increases by one per entry, for the life of the inspector. */
  readonly id: number;
  /** Milliseconds since the epoch, when the entry was recorded. */
  readonly time: number;
}

export interface FrameEntry extends EntryBase {
  readonly kind: 'frame';
  readonly direction: Direction;
  readonly command: Command;
  readonly headers: Headers;
  /** The `destination` header, when the frame has one. */
  readonly destination: string | undefined;
  /** What the destination column shows: the destination (with its transaction, if any), or the header that identifies the frame. */
  readonly summary: string;
  /** Octets of the whole frame on the wire: command, headers, blank line, body and NUL. */
  readonly size: number;
  /** A copy of the body, cut to the inspector's `maxBodyBytes`. */
  readonly body: Uint8Array;
  /** The body's full length, which may be more than `body` holds. */
  readonly bodyBytes: number;
  /** True when the frame came in a binary WebSocket message rather than a text one. */
  readonly binaryMessage: boolean;
}

export interface HeartbeatEntry extends EntryBase {
  readonly kind: 'heartbeat';
  readonly direction: Direction;
  /** One EOL: a LF, or CR LF. */
  readonly size: number;
}

/** The bytes could not be read as STOMP: a `StompError` from the codec. */
export interface ErrorEntry extends EntryBase {
  readonly kind: 'error';
  readonly direction: Direction;
  readonly code: string;
  readonly message: string;
}

/** Not from the wire: a marker such as "WebSocket opened" or "closed 1006". */
export interface NoteEntry extends EntryBase {
  readonly kind: 'note';
  readonly text: string;
}

export type InspectorEntry = FrameEntry | HeartbeatEntry | ErrorEntry | NoteEntry;

/** The label an entry shows in the command column. */
export function entryLabel(entry: InspectorEntry): string {
  switch (entry.kind) {
    case 'frame':
      return entry.command;
    case 'heartbeat':
      return 'HEARTBEAT';
    case 'error':
      return 'DECODE ERROR';
    case 'note':
      return 'NOTE';
  }
}
