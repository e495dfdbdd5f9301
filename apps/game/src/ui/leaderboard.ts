/**
 * The leaderboard: the top five by score, in a line above the arena rather than on the canvas,
 * where it would cover players near its corner.
 */
import type { PlayerView } from '../scene/view';
import { element, setText } from './dom';

const SHOWN = 5;
/** Scores change a few times a second at most; the text need not follow every frame. */
const TEXT_INTERVAL_MS = 250;

export interface Leaderboard {
  update(players: readonly PlayerView[], now: number): void;
}

export function createLeaderboard(list: HTMLElement): Leaderboard {
  const items = Array.from({ length: SHOWN }, () => element('li', { 'data-testid': 'leader' }));
  list.append(...items);
  let textAt = Number.NEGATIVE_INFINITY;
  return {
    update(players, now) {
      if (now - textAt < TEXT_INTERVAL_MS) return;
      textAt = now;
      const top = [...players].sort((a, b) => b.score - a.score || a.id - b.id).slice(0, SHOWN);
      items.forEach((item, index) => {
        const player = top[index];
        item.hidden = player === undefined;
        if (player === undefined) return;
        setText(item, `${index + 1}. ${player.name} · ${player.score}`);
        item.dataset.own = String(player.own);
      });
    },
  };
}
