/**
 * Player against player. Two circles that overlap are pushed apart, half each, and trade the parts
 * of their velocities along the line between them (equal masses, an elastic knock). A dashing
 * player that runs into one who is neither dashing nor already stunned bumps them instead: a hard
 * knock-back, a short stun, and a point stolen.
 *
 * Pairs are visited in id order, so the outcome of a pile-up is the same everywhere.
 */
import { BUMP_STEAL, Physics } from './constants';
import { snapVelocity } from './grid';
import type { MovingPlayer, PlayerState } from './types';

const MIN_DISTANCE = 2 * Physics.playerRadius;

/** Resolves every overlapping pair in `players` (sorted by id), changing them in place. */
export function collidePlayers(players: MovingPlayer[]): void {
  for (let i = 0; i < players.length; i++) {
    const a = players[i]!;
    for (let j = i + 1; j < players.length; j++) {
      const b = players[j]!;
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const distanceSquared = dx * dx + dy * dy;
      if (distanceSquared >= MIN_DISTANCE * MIN_DISTANCE) continue;
      collide(a, b, dx, dy, Math.sqrt(distanceSquared));
    }
  }
}

function collide(a: MovingPlayer, b: MovingPlayer, dx: number, dy: number, distance: number): void {
  // Two players on the very same spot: push them apart along x, the lower id to the left.
  const nx = distance === 0 ? 1 : dx / distance;
  const ny = distance === 0 ? 0 : dy / distance;
  const push = (MIN_DISTANCE - distance) / 2;
  a.x -= nx * push;
  a.y -= ny * push;
  b.x += nx * push;
  b.y += ny * push;

  // Speeds along the normal; they only interact when closing in.
  const an = a.vx * nx + a.vy * ny;
  const bn = b.vx * nx + b.vy * ny;
  if (an - bn <= 0) return;

  if (canBump(a, b)) bump(a, b, nx, ny, an);
  else if (canBump(b, a)) bump(b, a, -nx, -ny, -bn);
  else {
    a.vx = snapVelocity(a.vx + (bn - an) * nx);
    a.vy = snapVelocity(a.vy + (bn - an) * ny);
    b.vx = snapVelocity(b.vx + (an - bn) * nx);
    b.vy = snapVelocity(b.vy + (an - bn) * ny);
  }
}

function canBump(attacker: PlayerState, victim: PlayerState): boolean {
  return attacker.dashTicks > 0 && victim.dashTicks === 0 && victim.stunTicks === 0;
}

/** `attacker` hits `victim` along (nx, ny), closing at `attackerSpeed` along it. */
function bump(
  attacker: MovingPlayer,
  victim: MovingPlayer,
  nx: number,
  ny: number,
  attackerSpeed: number,
): void {
  victim.vx = snapVelocity(nx * Physics.bumpSpeed);
  victim.vy = snapVelocity(ny * Physics.bumpSpeed);
  victim.stunTicks = Physics.stunTicks;
  // The attacker's dash ends against the victim.
  attacker.vx = snapVelocity(attacker.vx - nx * attackerSpeed);
  attacker.vy = snapVelocity(attacker.vy - ny * attackerSpeed);
  attacker.dashTicks = 0;
  const stolen = Math.min(BUMP_STEAL, victim.score);
  victim.score -= stolen;
  attacker.score += stolen;
}
