/**
 * One player's motion for one tick: input → acceleration, dash, drag, speed cap, integration,
 * walls. It touches no other player, so the client runs exactly this to predict its own movement
 * and to replay the inputs the server has not acknowledged yet.
 *
 * Only +, −, ×, ÷ and `Math.sqrt` are used: IEEE 754 rounds those identically on every engine,
 * whereas `Math.sin`, `Math.exp` or `Math.hypot` may differ in the last bit between browsers, and a
 * last bit is enough for a replay to drift from the server.
 */
import { Physics } from './constants';
import { snapPosition, snapVelocity } from './grid';
import type { MovingPlayer, PlayerInput, PlayerState } from './types';

/** The input a player who sent nothing this tick gets: no direction, no dash. */
export const IDLE_INPUT: PlayerInput = Object.freeze({
  seq: 0,
  up: false,
  down: false,
  left: false,
  right: false,
  action: false,
});

export interface Bounds {
  readonly width: number;
  readonly height: number;
}

/** The unit vector an input points in; (0, 0) for none or opposite keys. */
export function inputDirection(input: PlayerInput): { x: number; y: number } {
  const x = (input.right ? 1 : 0) - (input.left ? 1 : 0);
  const y = (input.down ? 1 : 0) - (input.up ? 1 : 0);
  // Diagonals are as fast as straight lines.
  if (x !== 0 && y !== 0) return { x: x * Math.SQRT1_2, y: y * Math.SQRT1_2 };
  return { x, y };
}

/**
 * The player after one tick of `input`. `dt` is the tick's length in seconds (`TICK_SECONDS`);
 * dash and stun timers count ticks, one per call. `bounds` is the arena, whose walls stop the
 * player. Pure: `player` is not changed.
 */
export function applyInput(player: PlayerState, input: PlayerInput, dt: number, bounds: Bounds): PlayerState {
  const moved: MovingPlayer = { ...player };
  movePlayer(moved, input, dt, bounds);
  return moved;
}

/** `applyInput` in place, for the step's own working copies (one allocation per player per tick, not three). */
export function movePlayer(player: MovingPlayer, input: PlayerInput, dt: number, bounds: Bounds): void {
  if (player.dashCooldown > 0) player.dashCooldown--;

  let dx = 0;
  let dy = 0;
  if (player.stunTicks > 0) {
    player.stunTicks--;
  } else {
    const direction = inputDirection(input);
    dx = direction.x;
    dy = direction.y;
    if (input.action === true && player.dashCooldown === 0 && player.dashTicks === 0)
      startDash(player, dx, dy);
  }

  if (player.dashTicks > 0) {
    // A dash is a fixed burst: no steering, no drag.
    player.dashTicks--;
  } else {
    let vx = player.vx + dx * Physics.acceleration * dt;
    let vy = player.vy + dy * Physics.acceleration * dt;
    vx -= vx * Physics.drag * dt;
    vy -= vy * Physics.drag * dt;
    const speed = Math.sqrt(vx * vx + vy * vy);
    if (speed > Physics.maxSpeed) {
      // Over the cap (just after a dash or a bump) the extra bleeds off over a few ticks.
      const capped = Math.max(Physics.maxSpeed, speed * Physics.overspeedDecay);
      vx = (vx * capped) / speed;
      vy = (vy * capped) / speed;
    }
    player.vx = vx;
    player.vy = vy;
  }

  player.vx = snapVelocity(player.vx);
  player.vy = snapVelocity(player.vy);
  player.x += player.vx * dt;
  player.y += player.vy * dt;
  confine(player, bounds);
}

/** Dash where the keys point or, with none held, straight on; standing still there is nowhere to go. */
function startDash(player: MovingPlayer, dx: number, dy: number): void {
  const speed = Math.sqrt(player.vx * player.vx + player.vy * player.vy);
  const hasDirection = dx !== 0 || dy !== 0;
  if (!hasDirection && speed === 0) return;
  player.vx = (hasDirection ? dx : player.vx / speed) * Physics.dashSpeed;
  player.vy = (hasDirection ? dy : player.vy / speed) * Physics.dashSpeed;
  player.dashTicks = Physics.dashTicks;
  player.dashCooldown = Physics.dashCooldownTicks;
}

/** The player stopped at the walls, a share of the speed bouncing back, the position snapped to the grid. Pure. */
export function keepInside(player: PlayerState, bounds: Bounds): PlayerState {
  const kept: MovingPlayer = { ...player };
  confine(kept, bounds);
  return kept;
}

/** `keepInside` in place. */
export function confine(player: MovingPlayer, bounds: Bounds): void {
  const r = Physics.playerRadius;
  if (player.x < r) {
    player.x = r;
    if (player.vx < 0) player.vx = snapVelocity(-player.vx * Physics.wallBounce);
  } else if (player.x > bounds.width - r) {
    player.x = bounds.width - r;
    if (player.vx > 0) player.vx = snapVelocity(-player.vx * Physics.wallBounce);
  }
  if (player.y < r) {
    player.y = r;
    if (player.vy < 0) player.vy = snapVelocity(-player.vy * Physics.wallBounce);
  } else if (player.y > bounds.height - r) {
    player.y = bounds.height - r;
    if (player.vy > 0) player.vy = snapVelocity(-player.vy * Physics.wallBounce);
  }
  player.x = snapPosition(player.x);
  player.y = snapPosition(player.y);
}
