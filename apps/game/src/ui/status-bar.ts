/**
 * The header: connection status, who you are, the room and seat, playing or spectating. Every value
 * sits in an element with a stable `data-testid`.
 */
import { Mode } from '../game/mode';
import type { ConnectionStatus } from '../net/connection';
import { byTestId, setText } from './dom';

export interface StatusBar {
  connection(status: ConnectionStatus, detail?: string): void;
  name(name: string): void;
  seat(roomId: string | undefined, playerId: number | undefined, mode: Mode): void;
  message(text: string): void;
}

export function createStatusBar(root: ParentNode = document): StatusBar {
  const status = byTestId('connection-status', root);
  const name = byTestId('player-name', root);
  const room = byTestId('room-id', root);
  const player = byTestId('player-id', root);
  const mode = byTestId('mode', root);
  const spectator = byTestId('spectator-indicator', root);
  const message = byTestId('message', root);

  return {
    connection(value, detail) {
      status.dataset.status = value;
      setText(status, detail ? `${value} (${detail})` : value);
    },
    name(value) {
      setText(name, value);
    },
    seat(roomId, playerId, value) {
      room.dataset.roomId = roomId ?? '';
      setText(room, roomId ?? '–');
      player.dataset.playerId = playerId === undefined ? '' : String(playerId);
      setText(player, playerId === undefined ? '–' : String(playerId));
      mode.dataset.mode = value;
      setText(mode, value === Mode.NONE ? '–' : value);
      spectator.hidden = value !== Mode.SPECTATING;
    },
    message(text) {
      setText(message, text);
    },
  };
}
