/**
 * Touch controls: a virtual stick (drag from its centre, eight directions) and a dash button, in a
 * strip under the arena so a thumb never covers a player. Shown on touch screens (the stylesheet's
 * `(pointer: coarse)`) and from the first touch anywhere on the page, on any screen.
 *
 * Pointer Events, one pointer per control (`setPointerCapture`), so a thumb on the stick and another
 * on the button work together, and a drag that leaves the stick keeps steering. Like the keyboard,
 * it is only sampled: the input loop reads `sample()` once per tick.
 */
import type { HeldKeys } from './keyboard';
import { NO_KEYS } from './keyboard';

/** Below this share of the stick's radius the thumb is resting: no direction. */
const DEAD_ZONE = 0.3;
/** A direction counts when the drag points within this share of it (about 67°: eight sectors). */
const AXIS_SHARE = 0.38;

export interface TouchControls {
  readonly element: HTMLElement;
  sample(): HeldKeys;
  dispose(): void;
}

export function createTouchControls(container: HTMLElement, doc: Document = document): TouchControls {
  const strip = doc.createElement('div');
  strip.className = 'touch-controls';
  strip.dataset.testid = 'touch-controls';
  const stick = doc.createElement('div');
  stick.className = 'touch-stick';
  stick.dataset.testid = 'touch-stick';
  stick.setAttribute('role', 'application');
  stick.setAttribute('aria-label', 'Movement stick: drag to move');
  const knob = doc.createElement('div');
  knob.className = 'touch-knob';
  stick.append(knob);
  const dash = doc.createElement('button');
  dash.type = 'button';
  dash.className = 'touch-dash';
  dash.dataset.testid = 'touch-dash';
  dash.textContent = 'Dash';
  strip.append(stick, dash);
  container.append(strip);

  let direction = { up: false, down: false, left: false, right: false };
  let stickPointer: number | undefined;
  let dashPointer: number | undefined;
  /** A tap shorter than a tick still dashes: held until the next sample has seen it. */
  let dashPressed = false;

  const steer = (event: PointerEvent) => {
    // The stick's box is read once per pointer event (not per frame): layout is clean by then.
    const box = stick.getBoundingClientRect();
    const radius = box.width / 2;
    let dx = (event.clientX - (box.left + radius)) / radius;
    let dy = (event.clientY - (box.top + radius)) / radius;
    const length = Math.hypot(dx, dy);
    if (length > 1) {
      dx /= length;
      dy /= length;
    }
    knob.style.transform = `translate(${dx * 50}%, ${dy * 50}%)`;
    if (length < DEAD_ZONE) {
      direction = { up: false, down: false, left: false, right: false };
      return;
    }
    const unit = { x: dx / Math.max(length, 1e-9), y: dy / Math.max(length, 1e-9) };
    direction = {
      up: unit.y < -AXIS_SHARE,
      down: unit.y > AXIS_SHARE,
      left: unit.x < -AXIS_SHARE,
      right: unit.x > AXIS_SHARE,
    };
  };

  const releaseStick = () => {
    stickPointer = undefined;
    direction = { up: false, down: false, left: false, right: false };
    knob.style.transform = '';
    stick.classList.remove('active');
  };

  stick.addEventListener('pointerdown', (event) => {
    event.preventDefault();
    stickPointer = event.pointerId;
    stick.setPointerCapture?.(event.pointerId);
    stick.classList.add('active');
    steer(event);
  });
  stick.addEventListener('pointermove', (event) => {
    if (event.pointerId === stickPointer) steer(event);
  });
  for (const type of ['pointerup', 'pointercancel', 'lostpointercapture'] as const) {
    stick.addEventListener(type, (event) => {
      if (event.pointerId === stickPointer) releaseStick();
    });
  }

  dash.addEventListener('pointerdown', (event) => {
    event.preventDefault();
    dashPointer = event.pointerId;
    dashPressed = true;
    dash.setPointerCapture?.(event.pointerId);
    dash.classList.add('active');
  });
  for (const type of ['pointerup', 'pointercancel', 'lostpointercapture'] as const) {
    dash.addEventListener(type, (event) => {
      if (event.pointerId !== dashPointer) return;
      dashPointer = undefined;
      dash.classList.remove('active');
    });
  }

  // The first touch anywhere shows the controls, whatever the media queries said.
  const onFirstTouch = (event: PointerEvent) => {
    if (event.pointerType !== 'touch') return;
    doc.documentElement.classList.add('touch');
    doc.removeEventListener('pointerdown', onFirstTouch, true);
  };
  doc.addEventListener('pointerdown', onFirstTouch, true);

  return {
    element: strip,
    sample() {
      const action = dashPointer !== undefined || dashPressed;
      dashPressed = false;
      if (stickPointer === undefined && !action) return NO_KEYS;
      return { ...direction, action };
    },
    dispose() {
      doc.removeEventListener('pointerdown', onFirstTouch, true);
      strip.remove();
    },
  };
}

/** Keys held on either device. */
export function eitherKeys(a: HeldKeys, b: HeldKeys): HeldKeys {
  return {
    up: a.up || b.up,
    down: a.down || b.down,
    left: a.left || b.left,
    right: a.right || b.right,
    action: a.action || b.action,
  };
}
