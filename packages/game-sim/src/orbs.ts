/** Orbs: collected by touching them, they reappear somewhere else a few seconds later. */
import { OrbRules, Physics } from './constants';
import type { Random } from './random';
import type { ArenaConfig, MovingPlayer, Orb } from './types';

const REACH = Physics.playerRadius + OrbRules.radius;

/** A fresh orb at a random spot; orbs sit on whole units, so the wire carries them exactly. */
export function spawnOrb(id: number, arena: ArenaConfig, random: Random): Orb {
  const m = OrbRules.margin;
  const x = Math.floor(random.range(m, arena.width - m));
  const y = Math.floor(random.range(m, arena.height - m));
  const value = random.next() < OrbRules.goldChance ? OrbRules.goldValue : OrbRules.value;
  return { id, x, y, value, active: true, respawnAt: 0 };
}

/**
 * Each active orb goes to the player touching it with the lowest id (`players` is sorted by id),
 * in place; a collected orb is set to respawn `OrbRules.respawnTicks` after `tick`. Orbs on the
 * outside, so collected ones (often most of them) are skipped once, not once per player.
 */
export function collectOrbs(players: MovingPlayer[], orbs: Orb[], tick: number): void {
  for (let i = 0; i < orbs.length; i++) {
    const orb = orbs[i]!;
    if (!orb.active) continue;
    for (const player of players) {
      const dx = orb.x - player.x;
      const dy = orb.y - player.y;
      if (dx * dx + dy * dy >= REACH * REACH) continue;
      player.score += orb.value;
      orbs[i] = { ...orb, active: false, respawnAt: tick + OrbRules.respawnTicks };
      break;
    }
  }
}

/** Orbs whose time has come reappear, in place, at new random spots. */
export function respawnOrbs(orbs: Orb[], tick: number, arena: ArenaConfig, random: Random): void {
  for (let i = 0; i < orbs.length; i++) {
    const orb = orbs[i]!;
    if (!orb.active && tick >= orb.respawnAt) orbs[i] = spawnOrb(orb.id, arena, random);
  }
}
