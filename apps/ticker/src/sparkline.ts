/**
 * A small line of recent prices on a canvas. Drawn at the device's pixel ratio so it stays sharp,
 * and only when its quote changed (the board batches that per animation frame). Its size on
 * screen is set in CSS (`.sparkline`); the drawing scales with it.
 */
export const SPARKLINE_WIDTH = 60;
export const SPARKLINE_HEIGHT = 22;

export function createSparkline(label: string): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.className = 'sparkline';
  canvas.width = SPARKLINE_WIDTH;
  canvas.height = SPARKLINE_HEIGHT;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  return canvas;
}

/** Draws `values` (oldest first) scaled to fit, in `colour`. */
export function drawSparkline(canvas: HTMLCanvasElement, values: readonly number[], colour: string): void {
  const ratio = Math.max(1, Math.round(globalThis.devicePixelRatio || 1));
  const width = SPARKLINE_WIDTH * ratio;
  const height = SPARKLINE_HEIGHT * ratio;
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const context = canvas.getContext('2d');
  if (context === null) return;
  context.clearRect(0, 0, width, height);
  if (values.length < 2) return;

  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const range = max - min || 1;
  const pad = 2 * ratio;
  const x = (index: number) => pad + (index / (values.length - 1)) * (width - 2 * pad);
  const y = (value: number) => height - pad - ((value - min) / range) * (height - 2 * pad);

  context.strokeStyle = colour;
  context.lineWidth = 1.5 * ratio;
  context.lineJoin = 'round';
  context.beginPath();
  values.forEach((value, index) => {
    if (index === 0) context.moveTo(x(index), y(value));
    else context.lineTo(x(index), y(value));
  });
  context.stroke();
}
