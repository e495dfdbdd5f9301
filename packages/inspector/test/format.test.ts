import { describe, expect, it } from 'vitest';
import { bodyView, formatBytes, formatTime, hexDump } from '../src/format';

describe('formatting', () => {
  it('shows the time to the millisecond', () => {
    const time = new Date(2024, 0, 2, 9, 5, 7, 42).getTime();
    expect(formatTime(time)).toBe('09:05:07.042');
  });

  it('shows sizes in bytes, then KiB and MiB', () => {
    expect(formatBytes(87)).toBe('87 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MiB');
  });

  it('shows a UTF-8 body as text', () => {
    expect(bodyView(new TextEncoder().encode('héllo'))).toEqual({ kind: 'text', text: 'héllo' });
    expect(bodyView(new Uint8Array(0))).toEqual({ kind: 'empty' });
  });

  it('shows a body cut inside a character as text', () => {
    const bytes = new TextEncoder().encode('ab€').subarray(0, 4);
    expect(bodyView(bytes, true).kind).toBe('text');
    expect(bodyView(bytes, false).kind).toBe('hex');
  });

  it('shows other bytes as a hex dump with offsets and printable ASCII', () => {
    const view = bodyView(Uint8Array.of(0x48, 0x69, 0x00, 0xff));
    expect(view).toEqual({ kind: 'hex', text: hexDump(Uint8Array.of(0x48, 0x69, 0x00, 0xff)) });
    expect(hexDump(Uint8Array.of(0x48, 0x69, 0x00, 0xff))).toBe(
      `00000000  48 69 00 ff ${' '.repeat(37)} |Hi..|`,
    );
  });
});
