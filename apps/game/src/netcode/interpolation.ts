/**
 * Entity interpolation: how the page shows *other* players smoothly although their positions
 * arrive only a few times a second, late, and unevenly.
 *
 * The trick is to show the past. The page keeps the last few snapshots in a buffer and draws the
 * world as it was `delay` milliseconds ago (about 100 ms: one and a half snapshot intervals at 15 Hz). That
 * moment almost always lies between two snapshots already received, so each remote player is drawn
 * at a straight-line blend of where those two snapshots put it:
 *
 *   renderTime = serverNow − delay
 *   t = (renderTime − from.time) / (to.time − from.time)
 *   x = from.x + (to.x − from.x) · t
 *
 * The cost is that remote players are shown `delay` ms behind the server; the gain is motion
 * without jumps, even when a snapshot arrives late. When the buffer runs dry (jitter longer than the
 * delay, or a stalled connection) the newest snapshot is held rather than guessed ahead.
 *
 * Times here are in the server's clock (its tick × tick length), which `ServerClock` maps from
 * the page's clock, so gaps in arrival caused by the network do not distort the motion.
 */

export interface Timed<T> {
  /** Server time of the snapshot, in milliseconds. */
  readonly time: number;
  readonly value: T;
}

export const SampleStatus = {
  /** The render time lies between two snapshots: a true interpolation. */
  INTERPOLATING: 'interpolating',
  /** The render time is older than anything kept (just joined): the oldest snapshot is shown. */
  WAITING: 'waiting',
  /** The render time is past the newest snapshot: nothing newer has arrived, the newest is held. */
  STARVED: 'starved',
} as const;
export type SampleStatus = (typeof SampleStatus)[keyof typeof SampleStatus];

export interface Sample<T> {
  readonly from: Timed<T>;
  readonly to: Timed<T>;
  /** How far from `from` to `to` the render time lies, in [0, 1]. */
  readonly t: number;
  readonly status: SampleStatus;
}

export interface BufferDepth {
  /** How far the newest snapshot lies ahead of the render time (negative when starved). */
  readonly ms: number;
  /** Snapshots received that the render time has not reached yet. */
  readonly snapshots: number;
}

export class InterpolationBuffer<T> {
  private readonly snapshots: Timed<T>[] = [];

  /** `capacity`: snapshots kept at most, a safety net; pruning by render time keeps far fewer. */
  constructor(private readonly capacity = 64) {}

  get size(): number {
    return this.snapshots.length;
  }

  get newest(): Timed<T> | undefined {
    return this.snapshots.at(-1);
  }

  /**
   * Adds a snapshot. One that is not newer than the newest kept is ignored: over one ordered
   * connection that only happens after a reconnect, and then the buffer is cleared first.
   */
  push(time: number, value: T): boolean {
    const newest = this.newest;
    if (newest !== undefined && time <= newest.time) return false;
    this.snapshots.push({ time, value });
    if (this.snapshots.length > this.capacity) this.snapshots.shift();
    return true;
  }

  clear(): void {
    this.snapshots.length = 0;
  }

  /**
   * The two snapshots around `renderTime` and how far between them it lies. Snapshots older than
   * the earlier of the two are dropped: the render time only moves forward.
   */
  sample(renderTime: number): Sample<T> | undefined {
    const list = this.snapshots;
    const first = list[0];
    if (first === undefined) return undefined;
    if (renderTime < first.time) return { from: first, to: first, t: 0, status: SampleStatus.WAITING };

    // The last snapshot at or before the render time.
    let index = 0;
    while (index + 1 < list.length && list[index + 1]!.time <= renderTime) index++;
    if (index > 0) list.splice(0, index);

    const from = list[0]!;
    const to = list[1];
    if (to === undefined) return { from, to: from, t: 0, status: SampleStatus.STARVED };
    const t = (renderTime - from.time) / (to.time - from.time);
    return { from, to, t: Math.min(1, Math.max(0, t)), status: SampleStatus.INTERPOLATING };
  }

  depth(renderTime: number): BufferDepth {
    const newest = this.newest;
    if (newest === undefined) return { ms: 0, snapshots: 0 };
    let ahead = 0;
    for (const snapshot of this.snapshots) if (snapshot.time > renderTime) ahead++;
    return { ms: newest.time - renderTime, snapshots: ahead };
  }
}

export interface Positioned {
  readonly id: number;
  readonly x: number;
  readonly y: number;
}

/**
 * Blends two lists of entities by id: an entity in both is placed between its two positions; one
 * only in `to` (just joined) appears at its new position; one only in `from` (gone) is left out.
 * A jump longer than `snapDistance` (a respawn, a teleport) is not blended: it would look like a
 * dash across the arena.
 */
export function lerpById<E extends Positioned>(
  from: readonly E[],
  to: readonly E[],
  t: number,
  snapDistance = Number.POSITIVE_INFINITY,
): E[] {
  const before = new Map<number, E>();
  for (const entity of from) before.set(entity.id, entity);
  return to.map((target) => {
    const source = before.get(target.id);
    if (source === undefined) return target;
    const dx = target.x - source.x;
    const dy = target.y - source.y;
    if (dx * dx + dy * dy > snapDistance * snapDistance) return t < 1 ? source : target;
    return { ...target, x: source.x + dx * t, y: source.y + dy * t };
  });
}
