/**
 * The Phaser scene: the arena floor, the orbs, the players as coloured circles with their names,
 * the own player ringed in white. Nothing else is drawn on the canvas (the leaderboard and the net
 * stats sit around it), so nothing covers a player. Everything is redrawn from an `ArenaView` every
 * frame; the only state kept here is the name labels, reused from frame to frame.
 */

import { Physics } from '@stomping-ground/game-sim';
import Phaser from 'phaser';
import type { RendererInfo } from './renderer';
import { type ArenaView, playerColour, type ViewSource } from './view';

const GRID_STEP = 100;
const ORB_RADIUS = 8;
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

export class ArenaScene extends Phaser.Scene {
  private floor!: Phaser.GameObjects.Graphics;
  private shapes!: Phaser.GameObjects.Graphics;
  private banner!: Phaser.GameObjects.Text;
  private readonly labels = new Map<number, Phaser.GameObjects.Text>();
  private floorSize = { width: 0, height: 0 };

  constructor(private readonly source: ViewSource) {
    super('arena');
  }

  create(): void {
    this.floor = this.add.graphics();
    this.shapes = this.add.graphics();
    this.banner = this.add
      .text(0, 0, 'connecting…', { fontFamily: FONT, fontSize: '36px', color: '#8c94ad' })
      .setOrigin(0.5)
      .setDepth(10);
    this.layout(1600, 1000);
  }

  /**
   * The canvas is as big as its box on the page (one canvas pixel per screen pixel: sharp, and no
   * more pixels to fill than are shown, which matters where WebGL runs in software). The camera
   * zooms so the whole arena fits, centred.
   */
  private fit(): void {
    const { width, height } = this.scale.gameSize;
    const camera = this.cameras.main;
    const zoom = Math.min(width / this.floorSize.width, height / this.floorSize.height);
    if (camera.zoom !== zoom) camera.setZoom(zoom);
    camera.centerOn(this.floorSize.width / 2, this.floorSize.height / 2);
  }

  override update(): void {
    const view = this.source(performance.now());
    if (view === undefined) return;
    if (view.width !== this.floorSize.width || view.height !== this.floorSize.height) {
      this.layout(view.width, view.height);
    }
    this.fit();
    this.banner.setVisible(view.banner !== undefined);
    if (view.banner !== undefined) this.banner.setText(view.banner);
    this.drawShapes(view);
    this.drawLabels(view);
  }

  /** The static floor: a border and a faint grid, so movement is visible even on an empty arena. */
  private layout(width: number, height: number): void {
    this.floorSize = { width, height };
    const floor = this.floor;
    floor.clear();
    floor.fillStyle(0x111627, 1);
    floor.fillRect(0, 0, width, height);
    // Two world units: still a whole pixel where the arena is drawn at half size.
    floor.lineStyle(2, 0x1d2440, 1);
    for (let x = GRID_STEP; x < width; x += GRID_STEP) floor.lineBetween(x, 0, x, height);
    for (let y = GRID_STEP; y < height; y += GRID_STEP) floor.lineBetween(0, y, width, y);
    floor.lineStyle(4, 0x3a4670, 1);
    floor.strokeRect(2, 2, width - 4, height - 4);
    this.banner.setPosition(width / 2, height / 2);
  }

  private drawShapes(view: ArenaView): void {
    const g = this.shapes;
    g.clear();
    for (const orb of view.orbs) {
      const gold = orb.value > 1;
      const colour = gold ? 0xffd43b : 0x74c0fc;
      g.fillStyle(colour, 0.18);
      g.fillCircle(orb.x, orb.y, ORB_RADIUS * 2);
      g.fillStyle(colour, 1);
      g.fillCircle(orb.x, orb.y, gold ? ORB_RADIUS * 1.25 : ORB_RADIUS);
    }
    const r = Physics.playerRadius;
    if (view.serverPosition) {
      g.lineStyle(2, 0xffffff, 0.6);
      g.strokeCircle(view.serverPosition.x, view.serverPosition.y, r);
    }
    // The own player last, so it is never hidden under someone else.
    const ordered = [...view.players].sort((a, b) => Number(a.own) - Number(b.own));
    for (const player of ordered) {
      const colour = playerColour(player.id);
      if (player.own) {
        g.fillStyle(0xffffff, 0.15);
        g.fillCircle(player.x, player.y, r + 10);
      }
      g.fillStyle(colour, player.away ? 0.25 : player.stunned ? 0.45 : 1);
      g.fillCircle(player.x, player.y, r);
      if (player.dashing) {
        g.lineStyle(3, 0xffffff, 0.8);
        g.strokeCircle(player.x, player.y, r + 4);
      }
      if (player.own) {
        g.lineStyle(4, 0xffffff, 1);
        g.strokeCircle(player.x, player.y, r);
      }
    }
  }

  private drawLabels(view: ArenaView): void {
    const seen = new Set<number>();
    for (const player of view.players) {
      seen.add(player.id);
      let label = this.labels.get(player.id);
      if (label === undefined) {
        label = this.add
          .text(0, 0, '', {
            fontFamily: FONT,
            fontSize: '24px',
            color: '#e6e9f2',
            stroke: '#0b0e18',
            strokeThickness: 4,
          })
          .setOrigin(0.5, 1)
          .setDepth(5);
        this.labels.set(player.id, label);
      }
      const text = player.own ? `${player.name} (you)` : player.away ? `${player.name} (away)` : player.name;
      // A Text redraws its texture on every change: change it only when something did.
      if (label.text !== text) label.setText(text);
      const colour = player.own ? '#ffd166' : '#e6e9f2';
      if (label.style.color !== colour) label.setColor(colour);
      label.setAlpha(player.away ? 0.5 : 1);
      label.setPosition(player.x, player.y - Physics.playerRadius - 6);
    }
    for (const [id, label] of this.labels) {
      if (!seen.has(id)) {
        label.destroy();
        this.labels.delete(id);
      }
    }
  }
}

/** The canvas size where WebGL runs in software: the arena's 16:10, about a third of a laptop's pixels. */
const SOFTWARE_CANVAS = { width: 800, height: 500 } as const;

export function createArenaGame(
  parent: HTMLElement,
  source: ViewSource,
  renderer: RendererInfo,
): Phaser.Game {
  return new Phaser.Game({
    // WebGL where the browser has it (headless Chromium does, in software), Canvas otherwise.
    type: Phaser.AUTO,
    parent,
    // See renderer.ts: a software WebGL gets fewer, plainer frames so the netcode keeps its pace.
    antialias: !renderer.software,
    antialiasGL: !renderer.software,
    fps: renderer.software ? { limit: 30 } : {},
    backgroundColor: '#0b0e18',
    banner: false,
    audio: { noAudio: true },
    // The page reads the keyboard itself (see keyboard.ts); Phaser need not listen.
    input: { keyboard: false },
    // The canvas follows its box's size; `fit()` zooms the arena into it. In software WebGL every
    // pixel is drawn by the CPU and handed over on the main thread (most of its time, measured by
    // the page benchmark), so there the canvas has a fixed, modest size the browser scales up.
    scale: renderer.software
      ? { mode: Phaser.Scale.FIT, autoCenter: Phaser.Scale.CENTER_BOTH, ...SOFTWARE_CANVAS }
      : { mode: Phaser.Scale.RESIZE },
    scene: [new ArenaScene(source)],
  });
}

/** What Phaser.AUTO picked, by name. */
export function rendererName(game: Phaser.Game): string {
  return game.renderer?.type === Phaser.WEBGL
    ? 'WEBGL'
    : game.renderer?.type === Phaser.CANVAS
      ? 'CANVAS'
      : 'NONE';
}
