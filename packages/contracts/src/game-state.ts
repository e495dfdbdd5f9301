/**
 * The game's binary wire format: snapshots (server → client) and inputs (client → server), as
 * plain `Uint8Array`s, plus the JSON shapes that carry the same things for teaching.
 *
 * ## How a snapshot gets small
 *
 * A room of 100 players sends far too much if every client gets every player's full state 30
 * times a second (100 × ~20 bytes × 30 = 60 KB/s). Four choices bring it under 8 KB/s:
 *
 * 1. **Fewer snapshots than ticks.** The server steps at 30 Hz and snapshots at 15 Hz; clients
 *    draw other players a little in the past, interpolating between two snapshots, so the gaps
 *    do not show.
 * 2. **Quantisation.** Other players' positions travel in whole units (a pixel at zoom 1), and
 *    velocities not at all (interpolation needs none). Only the receiving player's own state, which
 *    its prediction replays inputs from, travels at the simulation's full 1/16-unit precision.
 * 3. **Deltas against what the client has.** Each input carries `ack`, the newest snapshot the
 *    client decoded; the server encodes the next snapshot against that one (its *baseline*). A
 *    player who moved 14 units since then costs two one-byte varints instead of two 16-bit numbers;
 *    one who did not move costs one byte; scores, flags and names are sent only when they change.
 *    Because the baseline is one the client confirmed, a lost or conflated snapshot breaks nothing:
 *    the next one is simply encoded against an older baseline.
 * 4. **Per-client messages.** Deltas against each client's own ack, and "the last input processed
 *    for you", make every player's snapshot different, so each goes to the player's own user
 *    destination rather than the room's topic. The shared part (everyone's positions) is encoded
 *    once per distinct baseline, not once per client.
 *
 * Spectators send no inputs and so cannot ack: the room's topic carries a keyframe (a snapshot with
 * no baseline) every second and, between them, deltas against the previous snapshot, like a video
 * stream's I- and P-frames. A spectator who misses one (a slow reader's messages are conflated)
 * waits for the next keyframe.
 *
 * ## Layouts (integers big-endian; varint = LEB128, zigzag for signed)
 *
 * Snapshot:
 *
 *     u8   0xFE                 tag: never valid UTF-8, so the broker always sends it as a binary frame
 *     u8   flags                bit 0: a "you" block follows the header
 *     u32  tick                 the simulation tick this is the state after
 *     u32  seq                  snapshot number in the room, from 1
 *     u32  baseline             the seq this is a delta against; 0 for a keyframe
 *     u32  lastInput            the last input seq the server applied for the receiver (0: none)
 *     you (if flags bit 0):     the receiver's own state, full precision
 *       varint id, u16 x·16, u16 y·16, i16 vx·16, i16 vy·16, varint score,
 *       u8 dashTicks, u8 dashCooldown, u8 stunTicks
 *     varint playerCount        every player in the room, ascending id
 *       varint (idGap << 2 | MOVED | DETAILS)     idGap = id − previous id − 1 (previous starts at −1)
 *       MOVED:   zigzag dx, zigzag dy             whole units, against the baseline (absolute if new)
 *       DETAILS: varint score, u8 flags, and for a player new since the baseline: varint length, UTF-8 name
 *     varint orbCount           the orbs that changed since the baseline (all of them in a keyframe)
 *       varint (idGap << 1 | PRESENT)
 *       PRESENT: varint x, varint y, u8 value     absent: the orb is gone (collected)
 *
 * A player of the baseline missing from the list has left. A new player always has both bits.
 *
 * Input (10 bytes):
 *
 *     u8   0xFD                 tag
 *     u32  seq                  the client's input sequence number
 *     u32  ack                  the newest snapshot seq the client decoded (0: none)
 *     u8   keys                 bit 0 up, 1 down, 2 left, 3 right, 4 action
 */
import * as v from 'valibot';
import { ByteReader, ByteWriter } from './bytes';
import { list, record } from './schema';
import { strictUtf8Decoder, utf8Encoder } from './utf8';

/** The first byte of each binary message. 0xF5–0xFF never start (or appear in) valid UTF-8. */
export const GameMessageTag = {
  INPUT: 0xfd,
  SNAPSHOT: 0xfe,
} as const;

/** `SnapshotPlayer.flags` bits. */
export const PlayerFlag = {
  DASHING: 1,
  STUNNED: 2,
  BOT: 4,
  /** A player whose connection dropped: the seat is kept for the grace period. */
  AWAY: 8,
} as const;

/** The receiver's own position and velocity travel as multiples of 1/this. */
export const SELF_PRECISION = 16;

/**
 * How many past snapshots a baseline may be: the server keeps this many, and `SnapshotReader`
 * remembers this many. An ack older than that gets a keyframe instead.
 */
export const SNAPSHOT_HISTORY = 32;

/** A whole number from 0 to 2^32 − 1: a sequence number or an ack, as a u32 field carries it. */
const U32Schema = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0xffffffff));

/**
 * One input, as a client sends it to `GameDestination.input(roomId)`, binary or JSON. A JSON one is
 * read with `parseInput`, which fills in `action` and `ack` when absent.
 */
export const PlayerInputSchema = record({
  /** Increases by one per input; the server applies each once, in order, at most one per tick. */
  seq: U32Schema,
  up: v.boolean(),
  down: v.boolean(),
  left: v.boolean(),
  right: v.boolean(),
  /** Dash. */
  action: v.optional(v.boolean()),
  /** The newest snapshot seq the client has decoded (0 or absent: none). */
  ack: v.optional(U32Schema),
});
export type PlayerInput = v.InferOutput<typeof PlayerInputSchema>;

const snapshotPlayerEntries = {
  id: v.number(),
  name: v.string(),
  /** World units: whole units in binary snapshots, 1/16 units in JSON ones. */
  x: v.number(),
  y: v.number(),
  score: v.number(),
  /** `PlayerFlag` bits. */
  flags: v.number(),
};

/** A player as everyone sees them. */
export const SnapshotPlayerSchema = record(snapshotPlayerEntries);
export type SnapshotPlayer = v.InferOutput<typeof SnapshotPlayerSchema>;

export const SnapshotOrbSchema = record({
  id: v.number(),
  /** Whole world units. */
  x: v.number(),
  y: v.number(),
  /** Points for collecting it. */
  value: v.number(),
});
export type SnapshotOrb = v.InferOutput<typeof SnapshotOrbSchema>;

/** What a snapshot says of a player's motion beyond its position: all of it is in its own `you`. */
const motionEntries = {
  /** Velocity, units per second. */
  vx: v.number(),
  vy: v.number(),
  /** Ticks left of the current dash (0: not dashing). */
  dashTicks: v.number(),
  /** Ticks until the next dash is allowed. */
  dashCooldown: v.number(),
  /** Ticks left without control after being bumped. */
  stunTicks: v.number(),
};

/**
 * The receiving player's own state, exact: what the client's prediction replays inputs from. It is
 * the simulation's whole player state (`@stomping-ground/game-sim` steps this very type).
 */
export const SnapshotSelfSchema = record({
  id: v.number(),
  x: v.number(),
  y: v.number(),
  score: v.number(),
  ...motionEntries,
});
export type SnapshotSelf = v.InferOutput<typeof SnapshotSelfSchema>;

export interface SnapshotWorld {
  readonly players: readonly SnapshotPlayer[];
  readonly orbs: readonly SnapshotOrb[];
}

export interface SnapshotHeader {
  readonly tick: number;
  readonly seq: number;
  /** 0: a keyframe, decodable alone. */
  readonly baseline: number;
  /** The last input seq applied for the receiver; 0 on the topic. */
  readonly lastInput: number;
}

export interface DecodedSnapshot extends SnapshotHeader, SnapshotWorld {
  readonly you: SnapshotSelf | null;
}

/** A player in a JSON snapshot: everything, at full precision, for everyone. */
export const GameSnapshotPlayerSchema = record({
  ...snapshotPlayerEntries,
  ...motionEntries,
  /** The last input seq the server applied for this player (0: none, or a bot). */
  lastInput: v.number(),
});
export type GameSnapshotPlayer = v.InferOutput<typeof GameSnapshotPlayerSchema>;

/**
 * The JSON snapshot on `GameDestination.snapshotsJson(roomId)`: the whole room, every time, for
 * everyone. Simple and readable, and many times the size of the binary one; the page shows both.
 */
export const GameSnapshotSchema = record({
  tick: v.number(),
  seq: v.number(),
  players: list(GameSnapshotPlayerSchema),
  orbs: list(SnapshotOrbSchema),
});
export type GameSnapshot = v.InferOutput<typeof GameSnapshotSchema>;

// ── Snapshots ───────────────────────────────────────────────────────────────────────────────────

const HAS_YOU = 1;
const MOVED = 1;
const DETAILS = 2;
const PRESENT = 1;
const HEADER_BYTES = 18;
const MAX_NAME_BYTES = 255;

/**
 * The shared part of a snapshot: `world` as a delta against `baseline` (the world of an earlier
 * snapshot the receiver has), or whole when there is none. Throws a `RangeError` if players or
 * orbs are not in ascending id order.
 */
export function encodeWorld(world: SnapshotWorld, baseline?: SnapshotWorld): Uint8Array {
  const writer = new ByteWriter(64 + world.players.length * 4 + world.orbs.length * 2);
  writePlayers(writer, world.players, baseline?.players ?? []);
  writeOrbs(writer, world.orbs, baseline?.orbs ?? []);
  return writer.finish();
}

function writePlayers(
  writer: ByteWriter,
  players: readonly SnapshotPlayer[],
  base: readonly SnapshotPlayer[],
): void {
  writer.varint(players.length);
  let previous = -1;
  let b = 0;
  for (const player of players) {
    checkOrder(player.id, previous);
    // Both lists ascend, so one pass finds each player's baseline entry.
    while (b < base.length && base[b]!.id < player.id) b++;
    const before = b < base.length && base[b]!.id === player.id ? base[b] : undefined;
    const moved = before === undefined || before.x !== player.x || before.y !== player.y;
    const details = before === undefined || before.score !== player.score || before.flags !== player.flags;
    writer.varint((player.id - previous - 1) * 4 + (moved ? MOVED : 0) + (details ? DETAILS : 0));
    if (moved) {
      writer.zigzag(player.x - (before?.x ?? 0));
      writer.zigzag(player.y - (before?.y ?? 0));
    }
    if (details) {
      writer.varint(player.score);
      writer.u8(player.flags);
      if (before === undefined) {
        const name = utf8Encoder.encode(player.name);
        if (name.length > MAX_NAME_BYTES)
          throw new RangeError(`a name is at most ${MAX_NAME_BYTES} UTF-8 bytes`);
        writer.varint(name.length);
        writer.bytes(name);
      }
    }
    previous = player.id;
  }
}

function writeOrbs(writer: ByteWriter, orbs: readonly SnapshotOrb[], base: readonly SnapshotOrb[]): void {
  // Orbs rarely change, so only the changes are listed: a count first, hence a second writer.
  const changes = new ByteWriter(32);
  let count = 0;
  let previous = -1;
  let i = 0;
  let b = 0;
  let lastId = -1;
  while (i < orbs.length || b < base.length) {
    const orb = orbs[i];
    const before = base[b];
    if (orb !== undefined) checkOrder(orb.id, lastId);
    if (orb !== undefined && (before === undefined || orb.id <= before.id)) {
      lastId = orb.id;
      const same = before?.id === orb.id;
      if (same) b++;
      i++;
      if (same && before.x === orb.x && before.y === orb.y && before.value === orb.value) continue;
      changes.varint((orb.id - previous - 1) * 2 + PRESENT);
      changes.varint(orb.x);
      changes.varint(orb.y);
      changes.u8(orb.value);
      previous = orb.id;
    } else {
      // In the baseline, gone now.
      b++;
      changes.varint((before!.id - previous - 1) * 2);
      previous = before!.id;
    }
    count++;
  }
  writer.varint(count);
  writer.bytes(changes.finish());
}

function checkOrder(id: number, previous: number): void {
  if (!Number.isInteger(id) || id <= previous) {
    throw new RangeError(`ids must be whole numbers in ascending order, got ${id} after ${previous}`);
  }
}

/** A whole snapshot message: the header, the receiver's own state if any, and an `encodeWorld` result. */
export function encodeSnapshot(
  header: SnapshotHeader,
  you: SnapshotSelf | null,
  world: Uint8Array,
): Uint8Array {
  const writer = new ByteWriter(HEADER_BYTES + 24 + world.length);
  writer.u8(GameMessageTag.SNAPSHOT);
  writer.u8(you === null ? 0 : HAS_YOU);
  writer.u32(header.tick);
  writer.u32(header.seq);
  writer.u32(header.baseline);
  writer.u32(header.lastInput);
  if (you !== null) {
    writer.varint(you.id);
    writer.u16(fixedPoint('x', you.x, 0, 0xffff));
    writer.u16(fixedPoint('y', you.y, 0, 0xffff));
    writer.i16(fixedPoint('vx', you.vx, -0x8000, 0x7fff));
    writer.i16(fixedPoint('vy', you.vy, -0x8000, 0x7fff));
    writer.varint(you.score);
    writer.u8(you.dashTicks);
    writer.u8(you.dashCooldown);
    writer.u8(you.stunTicks);
  }
  writer.bytes(world);
  return writer.finish();
}

/** `value` in 1/`SELF_PRECISION` steps, checked to fit: a `DataView` would silently wrap it. */
function fixedPoint(name: string, value: number, min: number, max: number): number {
  const steps = Math.round(value * SELF_PRECISION);
  if (!(steps >= min && steps <= max)) {
    throw new RangeError(`${name} = ${value} does not fit the snapshot's fixed-point field`);
  }
  return steps;
}

/** The fixed header of a snapshot, without decoding the rest. Throws a `RangeError` if it is not one. */
export function readSnapshotHeader(bytes: Uint8Array): SnapshotHeader {
  const reader = new ByteReader(bytes);
  if (reader.u8() !== GameMessageTag.SNAPSHOT) throw new RangeError('not a snapshot');
  reader.u8();
  return { tick: reader.u32(), seq: reader.u32(), baseline: reader.u32(), lastInput: reader.u32() };
}

/**
 * Decodes a snapshot. A delta (`baseline` ≠ 0) needs the snapshot it was encoded against, as
 * decoded earlier; a keyframe needs nothing. Throws a `RangeError` for a malformed message or a
 * missing or wrong baseline.
 */
export function decodeSnapshot(
  bytes: Uint8Array,
  baseline?: SnapshotWorld & { readonly seq: number },
): DecodedSnapshot {
  const reader = new ByteReader(bytes);
  if (reader.u8() !== GameMessageTag.SNAPSHOT) throw new RangeError('not a snapshot');
  const flags = reader.u8();
  const header = { tick: reader.u32(), seq: reader.u32(), baseline: reader.u32(), lastInput: reader.u32() };
  if (header.baseline !== 0 && baseline?.seq !== header.baseline) {
    throw new RangeError(`snapshot ${header.seq} needs snapshot ${header.baseline} to decode`);
  }
  const base = header.baseline === 0 ? undefined : baseline;
  let you: SnapshotSelf | null = null;
  if ((flags & HAS_YOU) !== 0) {
    you = {
      id: reader.varint(),
      x: reader.u16() / SELF_PRECISION,
      y: reader.u16() / SELF_PRECISION,
      vx: reader.i16() / SELF_PRECISION,
      vy: reader.i16() / SELF_PRECISION,
      score: reader.varint(),
      dashTicks: reader.u8(),
      dashCooldown: reader.u8(),
      stunTicks: reader.u8(),
    };
  }
  const players = readPlayers(reader, base?.players ?? []);
  const orbs = readOrbs(reader, base?.orbs ?? []);
  if (reader.remaining !== 0) throw new RangeError('bytes left over after the snapshot');
  return { ...header, you, players, orbs };
}

function readPlayers(reader: ByteReader, base: readonly SnapshotPlayer[]): SnapshotPlayer[] {
  const count = reader.varint();
  // Each entry takes at least a byte: a count beyond what is left is a lie, not a reason to allocate.
  if (count > reader.remaining) throw new RangeError('more players announced than bytes remain');
  const players: SnapshotPlayer[] = [];
  let previous = -1;
  let b = 0;
  for (let i = 0; i < count; i++) {
    const head = reader.varint();
    const id = previous + 1 + Math.floor(head / 4);
    while (b < base.length && base[b]!.id < id) b++;
    const before = b < base.length && base[b]!.id === id ? base[b] : undefined;
    if (before === undefined && (head & (MOVED | DETAILS)) !== (MOVED | DETAILS)) {
      throw new RangeError(`player ${id} is new but comes without its position and details`);
    }
    let x = before?.x ?? 0;
    let y = before?.y ?? 0;
    if ((head & MOVED) !== 0) {
      x += reader.zigzag();
      y += reader.zigzag();
    }
    let score = before?.score ?? 0;
    let flags = before?.flags ?? 0;
    let name = before?.name ?? '';
    if ((head & DETAILS) !== 0) {
      score = reader.varint();
      flags = reader.u8();
      if (before === undefined) name = decodeName(reader.take(reader.varint()));
    }
    players.push({ id, name, x, y, score, flags });
    previous = id;
  }
  return players;
}

function decodeName(bytes: Uint8Array): string {
  try {
    return strictUtf8Decoder.decode(bytes);
  } catch {
    throw new RangeError('a player name that is not UTF-8');
  }
}

function readOrbs(reader: ByteReader, base: readonly SnapshotOrb[]): SnapshotOrb[] {
  const count = reader.varint();
  if (count > reader.remaining) throw new RangeError('more orbs announced than bytes remain');
  const changed = new Map<number, SnapshotOrb | null>();
  let previous = -1;
  for (let i = 0; i < count; i++) {
    const head = reader.varint();
    const id = previous + 1 + Math.floor(head / 2);
    changed.set(
      id,
      (head & PRESENT) === 0 ? null : { id, x: reader.varint(), y: reader.varint(), value: reader.u8() },
    );
    previous = id;
  }
  const orbs: SnapshotOrb[] = [];
  for (const orb of base) {
    if (!changed.has(orb.id)) orbs.push(orb);
  }
  for (const orb of changed.values()) if (orb !== null) orbs.push(orb);
  return orbs.sort((a, b) => a.id - b.id);
}

/**
 * The client's side of delta decoding: remembers the last `SNAPSHOT_HISTORY` snapshots it decoded,
 * finds each new one's baseline among them, and says what to ack.
 *
 *     const reader = new SnapshotReader();
 *     const snapshot = reader.read(message.binaryBody); // undefined: baseline unknown, skip it
 *     sendInput({ ...keys, seq: ++seq, ack: reader.ack });
 */
export class SnapshotReader {
  private readonly history: DecodedSnapshot[] = [];
  private newest = 0;

  /** The newest snapshot seq decoded: what the next input should carry as `ack`. */
  get ack(): number {
    return this.newest;
  }

  /**
   * The decoded snapshot, or undefined when its baseline is not (or no longer) known or it is older
   * than one already read. Throws a `RangeError` for a malformed message.
   */
  read(bytes: Uint8Array): DecodedSnapshot | undefined {
    const header = readSnapshotHeader(bytes);
    if (header.seq <= this.newest) return undefined;
    let baseline: DecodedSnapshot | undefined;
    if (header.baseline !== 0) {
      baseline = this.history.find((snapshot) => snapshot.seq === header.baseline);
      if (baseline === undefined) return undefined;
    }
    const snapshot = decodeSnapshot(bytes, baseline);
    this.history.push(snapshot);
    if (this.history.length > SNAPSHOT_HISTORY) this.history.shift();
    this.newest = snapshot.seq;
    return snapshot;
  }

  /** Forgets everything (after joining another room: seqs start again). */
  reset(): void {
    this.history.length = 0;
    this.newest = 0;
  }
}

// ── Inputs ──────────────────────────────────────────────────────────────────────────────────────

const INPUT_BYTES = 10;
const Key = { up: 1, down: 2, left: 4, right: 8, action: 16 } as const;
const MAX_U32 = 0xffffffff;

/** The 10-byte binary form of an input. Throws a `RangeError` if `seq` or `ack` is not a u32. */
export function encodeInput(input: PlayerInput): Uint8Array {
  const writer = new ByteWriter(INPUT_BYTES);
  writer.u8(GameMessageTag.INPUT);
  writer.u32(checkU32('seq', input.seq));
  writer.u32(checkU32('ack', input.ack ?? 0));
  writer.u8(
    (input.up ? Key.up : 0) |
      (input.down ? Key.down : 0) |
      (input.left ? Key.left : 0) |
      (input.right ? Key.right : 0) |
      (input.action === true ? Key.action : 0),
  );
  return writer.finish();
}

function checkU32(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_U32) {
    throw new RangeError(`${name} must be a whole number from 0 to 2^32 − 1, got ${value}`);
  }
  return value;
}

/**
 * An input from a message body, binary (first byte `GameMessageTag.INPUT`) or JSON. Undefined for
 * anything malformed: input comes from clients, and a bad one is dropped, never thrown.
 */
export function decodeInput(body: Uint8Array): PlayerInput | undefined {
  if (body.length > 0 && body[0] === GameMessageTag.INPUT) {
    if (body.length !== INPUT_BYTES) return undefined;
    const reader = new ByteReader(body, 1);
    const seq = reader.u32();
    const ack = reader.u32();
    const keys = reader.u8();
    if (keys > 0x1f) return undefined;
    return {
      seq,
      ack,
      up: (keys & Key.up) !== 0,
      down: (keys & Key.down) !== 0,
      left: (keys & Key.left) !== 0,
      right: (keys & Key.right) !== 0,
      action: (keys & Key.action) !== 0,
    };
  }
  if (body.length > 512) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(strictUtf8Decoder.decode(body));
  } catch {
    return undefined;
  }
  return parseInput(value);
}

/**
 * Checks a JSON value against `PlayerInputSchema`; undefined if it does not fit. Unknown fields are
 * dropped, and an absent `action` or `ack` becomes `false` or 0.
 */
export function parseInput(value: unknown): PlayerInput | undefined {
  const result = v.safeParse(PlayerInputSchema, value);
  if (!result.success) return undefined;
  const { seq, up, down, left, right, action, ack } = result.output;
  return { seq, up, down, left, right, action: action ?? false, ack: ack ?? 0 };
}
