/**
 * The header: connection status, who you are, the room and seat, playing or spectating. Every value
 * sits in an element with a stable `data-testid`.
 */
import { type ConnectionStatus, describeStatus, RefusalReason } from '@stomping-ground/client';
import { Mode } from '../game/mode';
import { byTestId, setText } from './dom';

export interface StatusBar {
  /** Shows the connection's state; called on each change, and a few times a second for the countdown. */
  connection(status: ConnectionStatus): void;
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
    connection(value) {
      status.dataset.status = value.state;
      const text = describeStatus(value, Date.now());
      // The arena has no log-in form: an accounts-only broker cannot be played here.
      setText(
        status,
        value.refusal?.reason === RefusalReason.ACCOUNTS_ONLY
          ? `${text}: this server admits its accounts only, and the arena has no log-in`
          : text,
      );
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
