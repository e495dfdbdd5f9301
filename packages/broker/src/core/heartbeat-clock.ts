/**
 * The broker's one timer. Instead of a `setInterval` per connection (thousands of timers, each
 * re-armed on every frame), sessions note when they last read and wrote as plain numbers, and one
 * tick every `timerResolutionMs` walks the sessions that have something to watch: a CONNECT still
 * awaited, heart-beats either way (STOMP 1.2, "Heart-beating"), or a backlog to release once the
 * socket drains. The timer runs only while someone is watched, and is unref'd so it never keeps the
 * process alive.
 */

export interface Tickable {
  tick(now: number): void;
}

export class HeartbeatClock {
  private readonly members = new Set<Tickable>();
  private readonly resolutionMs: number;
  private readonly now: () => number;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(resolutionMs: number, now: () => number) {
    this.resolutionMs = resolutionMs;
    this.now = now;
  }

  get size(): number {
    return this.members.size;
  }

  add(member: Tickable): void {
    this.members.add(member);
    if (this.timer === undefined) {
      this.timer = setInterval(this.tick, this.resolutionMs);
      this.timer.unref?.();
    }
  }

  delete(member: Tickable): void {
    this.members.delete(member);
    if (this.members.size === 0) this.stop();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private readonly tick = (): void => {
    const now = this.now();
    // A Set may lose members while it is walked (a session closing on this tick): that is safe.
    for (const member of this.members) member.tick(now);
  };
}
