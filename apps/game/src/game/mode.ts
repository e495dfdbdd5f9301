/** What the page is doing in a room. */
export const Mode = {
  /** In no room. */
  NONE: 'none',
  /** Holding a seat: sending inputs, predicting the own player. */
  PLAYING: 'playing',
  /** Watching: snapshots only, every player interpolated. */
  SPECTATING: 'spectating',
} as const;
export type Mode = (typeof Mode)[keyof typeof Mode];
