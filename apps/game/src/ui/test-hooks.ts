/**
 * `window.__game`, for end-to-end tests: drop the connection on purpose, read the seat, and check
 * the arena really paints. Installed only under automation (`navigator.webdriver`, which
 * Playwright sets) or the Vite dev server, so a normal visitor's page carries no such handle.
 */
import type { StompConnection } from '@stomping-ground/client';
import type Phaser from 'phaser';
import type { GameClient, Seat } from '../game/game-client';
import { rendererName } from '../scene/arena-scene';

export interface GameTestHooks {
  /** Closes the WebSocket as a network failure would; the page reconnects and resumes its seat. */
  dropConnection(): void;
  seat(): Seat;
  /** `WEBGL` or `CANVAS`. */
  renderer(): string;
  /** Distinct colours in a sample of the rendered frame: a blank canvas has one. */
  paintedColours(): Promise<number>;
}

declare global {
  interface Window {
    __game?: GameTestHooks;
  }
}

export function installTestHooks(parts: {
  readonly connection: StompConnection;
  readonly game: GameClient;
  readonly phaser: Phaser.Game;
}): void {
  if (!navigator.webdriver && !import.meta.env.DEV) return;
  window.__game = {
    dropConnection: () => parts.connection.drop(),
    seat: () => parts.game.seat,
    renderer: () => rendererName(parts.phaser),
    paintedColours: () => paintedColours(parts.phaser),
  };
}

function paintedColours(game: Phaser.Game): Promise<number> {
  return new Promise((resolve, reject) => {
    game.renderer.snapshot((snapshot) => {
      if (!(snapshot instanceof HTMLImageElement)) {
        reject(new Error('the renderer gave no image'));
        return;
      }
      snapshot
        .decode()
        .then(() => {
          const canvas = document.createElement('canvas');
          canvas.width = snapshot.naturalWidth;
          canvas.height = snapshot.naturalHeight;
          const context = canvas.getContext('2d');
          if (!context) throw new Error('no 2D context');
          context.drawImage(snapshot, 0, 0);
          const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
          const colours = new Set<number>();
          for (let i = 0; i < data.length; i += 4 * 37) {
            colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
          }
          resolve(colours.size);
        })
        .catch(reject);
    });
  });
}
