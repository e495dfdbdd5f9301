/**
 * What the scene draws, decided outside it: the game client turns snapshots, prediction and
 * interpolation into this plain description once per frame, and the scene only paints it. The
 * scene knows nothing of the network.
 */

export interface PlayerView {
  readonly id: number;
  readonly name: string;
  readonly x: number;
  readonly y: number;
  readonly score: number;
  /** The player this page controls. */
  readonly own: boolean;
  readonly dashing: boolean;
  readonly stunned: boolean;
  /** The connection dropped: the seat is held for a while, in case it comes back. */
  readonly away: boolean;
}

export interface OrbView {
  readonly id: number;
  readonly x: number;
  readonly y: number;
  readonly value: number;
}

export interface ArenaView {
  readonly width: number;
  readonly height: number;
  readonly players: readonly PlayerView[];
  readonly orbs: readonly OrbView[];
  /** Where the newest snapshot put the own player, when the page is asked to show it. */
  readonly serverPosition?: { readonly x: number; readonly y: number } | undefined;
  /** A line across the arena while there is nothing to show ("connecting…"). */
  readonly banner?: string | undefined;
}

/** Called by the scene once per frame, with `performance.now()`. */
export type ViewSource = (now: number) => ArenaView | undefined;

/** Twelve colours far enough apart to tell players apart, picked by player id. */
const PALETTE = [
  0x4dabf7, 0xff6b6b, 0x51cf66, 0xfcc419, 0xcc5de8, 0xff922b, 0x22b8cf, 0xf06595, 0x94d82d, 0x845ef7,
  0x20c997, 0xfab005,
] as const;

export function playerColour(id: number): number {
  return PALETTE[((id % PALETTE.length) + PALETTE.length) % PALETTE.length]!;
}

export function colourToCss(colour: number): string {
  return `#${colour.toString(16).padStart(6, '0')}`;
}
