/**
 * What nodes tell each other about game rooms, on each node's own channel
 * (`GameKeys.nodeChannel`):
 *
 * - to a room's owner, what a session on another node sent: `join`, `resume`, `leave`, `input`
 *   (the SEND's body as it came), `closed` when that session's connection is gone, and `moved`
 *   when it went to a room elsewhere (take it out of this one);
 * - from a room's owner to a session's node: `entered` (the session is now in that room: forward
 *   its inputs there), `exited` (it is not any more), and `check` (is it still here, in that room?
 *   The node answers `closed` or `moved` when it is not: asked after a takeover, and now and then,
 *   since a node restarted under the same id looks alive but has lost its sessions).
 *
 * Inputs make most of the traffic (about 30 a second per player on another node), so the layout
 * is binary and small rather than JSON:
 *
 *     u8  kind
 *     4 × (u16 length, UTF-8): from (the sending node), login, session id, room id ('' when none)
 *     the rest: the body
 */

export const GameMessageKind = {
  JOIN: 1,
  RESUME: 2,
  LEAVE: 3,
  INPUT: 4,
  CLOSED: 5,
  ENTERED: 6,
  EXITED: 7,
  MOVED: 8,
  CHECK: 9,
} as const;
export type GameMessageKind = (typeof GameMessageKind)[keyof typeof GameMessageKind];

export interface GameMessage {
  readonly kind: GameMessageKind;
  /** The node that sent it. */
  readonly from: string;
  readonly login: string;
  readonly sessionId: string;
  /** The room concerned (for a `join`, the room picked for it); '' for none. */
  readonly roomId: string;
  readonly body: Uint8Array;
}

const KINDS = new Set<number>(Object.values(GameMessageKind));
const MAX_FIELD = 0xffff;
const EMPTY = new Uint8Array(0);

export function encodeGameMessage(message: GameMessage): Buffer {
  // Inputs make most of the traffic: the fields are written straight into the one buffer sent.
  const fields = [message.from, message.login, message.sessionId, message.roomId];
  let size = 1 + message.body.length;
  for (const field of fields) {
    const length = Buffer.byteLength(field, 'utf8');
    if (length > MAX_FIELD) throw new RangeError('a game message field is at most 65535 bytes');
    size += 2 + length;
  }
  const buffer = Buffer.allocUnsafe(size);
  let offset = buffer.writeUInt8(message.kind, 0);
  for (const field of fields) {
    const length = buffer.write(field, offset + 2, 'utf8');
    offset = buffer.writeUInt16BE(length, offset) + length;
  }
  buffer.set(message.body, offset);
  return buffer;
}

/** The message, or undefined when the payload is not one (counted by the caller, never thrown). */
export function decodeGameMessage(payload: Buffer): GameMessage | undefined {
  if (payload.length < 9 || !KINDS.has(payload[0]!)) return undefined;
  const fields: string[] = [];
  let offset = 1;
  for (let i = 0; i < 4; i++) {
    if (offset + 2 > payload.length) return undefined;
    const length = payload.readUInt16BE(offset);
    offset += 2;
    if (offset + length > payload.length) return undefined;
    fields.push(payload.toString('utf8', offset, offset + length));
    offset += length;
  }
  const [from, login, sessionId, roomId] = fields as [string, string, string, string];
  const body = offset === payload.length ? EMPTY : new Uint8Array(payload.subarray(offset));
  return { kind: payload[0] as GameMessageKind, from, login, sessionId, roomId, body };
}
