/**
 * The players list beside the arena: name, score and position of everyone in the room, as drawn
 * this frame. Each row carries `data-player-id`, `data-x`, `data-y` and `data-score`, so a test in
 * another browser can watch a player move; the own player's row has `data-own="true"`.
 */
import type { PlayerView } from '../scene/view';
import { colourToCss, playerColour } from '../scene/view';
import { element, setText } from './dom';

interface Row {
  readonly item: HTMLLIElement;
  readonly name: HTMLSpanElement;
  readonly score: HTMLSpanElement;
  readonly where: HTMLSpanElement;
}

export interface PlayersList {
  /** Called every frame: the data attributes follow at once, the visible text ten times a second. */
  update(players: readonly PlayerView[], now: number): void;
}

/** Text changes make the browser lay the page out again; people cannot read faster than this anyway. */
const TEXT_INTERVAL_MS = 100;

export function createPlayersList(list: HTMLElement): PlayersList {
  const rows = new Map<number, Row>();
  let textAt = Number.NEGATIVE_INFINITY;

  const rowFor = (player: PlayerView): Row => {
    let row = rows.get(player.id);
    if (row === undefined) {
      const swatch = element('span', { class: 'swatch' });
      swatch.style.background = colourToCss(playerColour(player.id));
      const name = element('span', { class: 'name' });
      const score = element('span', { class: 'score', title: 'score' });
      const where = element('span', { class: 'where', title: 'position' });
      const item = element(
        'li',
        { 'data-testid': 'player', 'data-player-id': String(player.id) },
        swatch,
        name,
        score,
        where,
      );
      row = { item, name, score, where };
      rows.set(player.id, row);
    }
    return row;
  };

  return {
    update(players, now) {
      const refreshText = now - textAt >= TEXT_INTERVAL_MS;
      if (refreshText) textAt = now;
      const sorted = [...players].sort((a, b) => b.score - a.score || a.id - b.id);
      const seen = new Set<number>();
      sorted.forEach((player, index) => {
        seen.add(player.id);
        const row = rowFor(player);
        const { dataset } = row.item;
        dataset.x = player.x.toFixed(1);
        dataset.y = player.y.toFixed(1);
        dataset.score = String(player.score);
        dataset.name = player.name;
        dataset.own = String(player.own);
        dataset.away = String(player.away);
        if (refreshText || row.name.textContent === '') {
          setText(row.name, player.own ? `${player.name} (you)` : player.name);
          setText(row.score, String(player.score));
          setText(row.where, `${Math.round(player.x)}, ${Math.round(player.y)}`);
        }
        if (list.children[index] !== row.item) list.insertBefore(row.item, list.children[index] ?? null);
      });
      for (const [id, row] of rows) {
        if (!seen.has(id)) {
          row.item.remove();
          rows.delete(id);
        }
      }
    },
  };
}
