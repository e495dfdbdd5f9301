/**
 * The netcode panel: a switch per technique, the latency simulator's sliders and the snapshot
 * format, each with one line on what it does. Changes apply at once.
 */
import { LIMITS, type NetcodeSettings, SnapshotFormat } from '../netcode/settings';
import { element } from './dom';

type BooleanKey = {
  [K in keyof NetcodeSettings]: NetcodeSettings[K] extends boolean ? K : never;
}[keyof NetcodeSettings];
type NumberKey = 'latencyMs' | 'jitterMs' | 'interpolationDelayMs';

export interface NetcodePanel {
  readonly settings: NetcodeSettings;
  /** Shows the snapshot sizes next to the format switch. */
  showSnapshotSizes(binaryBytes: number | undefined, jsonBytes: number | undefined): void;
}

export function createNetcodePanel(
  container: HTMLElement,
  initial: NetcodeSettings,
  onChange: (settings: NetcodeSettings) => void,
): NetcodePanel {
  let settings = initial;
  const checkboxes = new Map<BooleanKey, HTMLInputElement>();

  const update = (change: Partial<NetcodeSettings>) => {
    settings = { ...settings, ...change };
    // Reconciliation only means something with prediction on.
    checkboxes.get('reconciliation')!.disabled = !settings.prediction;
    onChange(settings);
  };

  const toggle = (key: BooleanKey, testid: string, label: string, help: string) => {
    const input = element('input', { type: 'checkbox', 'data-testid': testid });
    input.checked = settings[key];
    input.addEventListener('change', () => update({ [key]: input.checked }));
    checkboxes.set(key, input);
    return element(
      'label',
      { class: 'toggle' },
      input,
      element('span', {}, label),
      element('small', {}, help),
    );
  };

  const slider = (key: NumberKey, testid: string, label: string, help: string) => {
    const limits = LIMITS[key];
    const input = element('input', {
      type: 'range',
      min: String(limits.min),
      max: String(limits.max),
      step: String(limits.step),
      'data-testid': testid,
    });
    input.value = String(settings[key]);
    const output = element('output', {}, `${settings[key]} ms`);
    input.addEventListener('input', () => {
      output.textContent = `${input.value} ms`;
      update({ [key]: Number(input.value) });
    });
    return element(
      'label',
      { class: 'slider' },
      element('span', {}, label),
      output,
      input,
      element('small', {}, help),
    );
  };

  const formatRadio = (format: SnapshotFormat, label: string) => {
    const input = element('input', {
      type: 'radio',
      name: 'snapshot-format',
      value: format,
      'data-testid': `snapshot-format-${format}`,
    });
    input.checked = settings.snapshotFormat === format;
    input.addEventListener('change', () => {
      if (input.checked) update({ snapshotFormat: format });
    });
    return element('label', {}, input, ` ${label}`);
  };

  const sizes = element(
    'small',
    { class: 'sizes', 'data-testid': 'snapshot-sizes' },
    'sizes appear with the first snapshot',
  );

  container.append(
    element('h2', {}, 'Netcode'),
    element(
      'a',
      { class: 'lesson-link', href: '/docs/game-netcode.html', 'data-testid': 'netcode-lesson' },
      'Lesson: prediction, reconciliation, interpolation →',
    ),
    toggle(
      'prediction',
      'toggle-prediction',
      'Client-side prediction',
      'Move your own player as soon as you press a key, without waiting for the server.',
    ),
    toggle(
      'reconciliation',
      'toggle-reconciliation',
      'Server reconciliation',
      'On each snapshot, take the server’s position and replay the inputs it has not processed yet. Off: snap back to it.',
    ),
    toggle(
      'interpolation',
      'toggle-interpolation',
      'Entity interpolation',
      'Draw the others a little in the past, between two snapshots. Off: jump to each snapshot as it arrives.',
    ),
    slider(
      'interpolationDelayMs',
      'interpolation-delay',
      'Interpolation delay',
      'How far in the past the others are drawn.',
    ),
    toggle(
      'showServerPosition',
      'toggle-server-position',
      'Show server position',
      'Outline where the last snapshot put you: the gap is what prediction hides.',
    ),
    element('h2', {}, 'Latency simulator'),
    slider('latencyMs', 'latency', 'Latency (each way)', 'Every frame in and out waits this long, in order.'),
    slider(
      'jitterMs',
      'jitter',
      'Jitter (±)',
      'Each frame’s wait varies by up to this much; order is kept, so late frames arrive in bursts.',
    ),
    element('h2', {}, 'Snapshots'),
    element(
      'div',
      { class: 'segmented', role: 'radiogroup', 'aria-label': 'Snapshot format' },
      formatRadio(SnapshotFormat.BINARY, 'binary'),
      formatRadio(SnapshotFormat.JSON, 'JSON'),
    ),
    sizes,
  );
  checkboxes.get('reconciliation')!.disabled = !settings.prediction;

  return {
    get settings() {
      return settings;
    },
    showSnapshotSizes(binaryBytes, jsonBytes) {
      if (binaryBytes === undefined || jsonBytes === undefined) return;
      sizes.dataset.binary = String(binaryBytes);
      sizes.dataset.json = String(jsonBytes);
      const ratio = binaryBytes > 0 ? (jsonBytes / binaryBytes).toFixed(1) : '–';
      sizes.textContent = `one snapshot: ${binaryBytes} B binary, ${jsonBytes} B JSON (×${ratio})`;
    },
  };
}
