/**
 * Keyboard capture: which of the game's keys are held right now. The input loop samples it once
 * per tick, so the page sends exactly one input per simulation step whatever the key repeat rate.
 *
 * Keys are read by `event.code`, the physical key, so WASD sits under the left hand on any layout.
 * A focused control keeps its keys (typing a name, nudging a slider with the arrows, ticking a box
 * with Space); after a click on a control the focus goes back to the page, so the game has the keys
 * again.
 */

export interface HeldKeys {
  readonly up: boolean;
  readonly down: boolean;
  readonly left: boolean;
  readonly right: boolean;
  readonly action: boolean;
}

const KEY_MAP: Readonly<Record<string, keyof HeldKeys>> = {
  KeyW: 'up',
  ArrowUp: 'up',
  KeyS: 'down',
  ArrowDown: 'down',
  KeyA: 'left',
  ArrowLeft: 'left',
  KeyD: 'right',
  ArrowRight: 'right',
  Space: 'action',
};

export const NO_KEYS: HeldKeys = Object.freeze({
  up: false,
  down: false,
  left: false,
  right: false,
  action: false,
});

/** True when the key belongs to a focused control rather than to the game. */
function ownedByControl(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    target instanceof HTMLButtonElement
  );
}

/** Text fields and drop-downs keep the focus after a click: they are used with the keyboard. */
function keepsFocus(element: Element): boolean {
  if (element instanceof HTMLSelectElement || element instanceof HTMLTextAreaElement) return true;
  return element instanceof HTMLInputElement && ['text', 'search', 'number', ''].includes(element.type);
}

export class KeyboardInput {
  private readonly held = new Set<keyof HeldKeys>();
  private readonly target: Window;

  constructor(target: Window = window) {
    this.target = target;
    target.addEventListener('keydown', this.onKeyDown);
    target.addEventListener('keyup', this.onKeyUp);
    // A key released while the window was in the background never sends keyup: let everything go.
    target.addEventListener('blur', this.releaseAll);
    target.addEventListener('pointerup', this.returnFocus);
  }

  /** The keys held now. */
  sample(): HeldKeys {
    return {
      up: this.held.has('up'),
      down: this.held.has('down'),
      left: this.held.has('left'),
      right: this.held.has('right'),
      action: this.held.has('action'),
    };
  }

  dispose(): void {
    this.target.removeEventListener('keydown', this.onKeyDown);
    this.target.removeEventListener('keyup', this.onKeyUp);
    this.target.removeEventListener('blur', this.releaseAll);
    this.target.removeEventListener('pointerup', this.returnFocus);
  }

  private readonly onKeyDown = (event: KeyboardEvent) => {
    const key = KEY_MAP[event.code];
    if (key === undefined || ownedByControl(event.target) || event.ctrlKey || event.metaKey || event.altKey)
      return;
    // Arrows and Space would scroll the page.
    event.preventDefault();
    this.held.add(key);
  };

  private readonly onKeyUp = (event: KeyboardEvent) => {
    const key = KEY_MAP[event.code];
    if (key !== undefined) this.held.delete(key);
  };

  private readonly releaseAll = () => {
    this.held.clear();
  };

  /** After a click on a button, box or slider, the keys go back to the game. */
  private readonly returnFocus = () => {
    const active = this.target.document.activeElement;
    if (active instanceof HTMLElement && active !== this.target.document.body && !keepsFocus(active)) {
      // After the click has been handled.
      setTimeout(() => active.blur(), 0);
    }
  };
}
