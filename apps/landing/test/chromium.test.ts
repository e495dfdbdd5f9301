/**
 * How the end-to-end tests find a browser (`playwright.chromium.ts` at the root): `CHROMIUM_PATH`,
 * then a system Chromium or Chrome, then Playwright's own download, else one line on what to install.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findChromium, NO_CHROMIUM, SYSTEM_CHROMIUMS } from '../../../playwright.chromium';

const PLAYWRIGHTS = '/home/someone/.cache/ms-playwright/chromium-1/chrome-linux64/chrome';
const only =
  (...present: string[]) =>
  (path: string) =>
    present.includes(path);

describe('findChromium', () => {
  it('takes CHROMIUM_PATH first', () => {
    expect(
      findChromium(
        { CHROMIUM_PATH: '/opt/chrome' },
        only('/opt/chrome', '/usr/bin/chromium'),
        () => PLAYWRIGHTS,
      ),
    ).toEqual({ kind: 'found', path: '/opt/chrome', from: 'CHROMIUM_PATH' });
  });

  it('says so when CHROMIUM_PATH names nothing, rather than falling back', () => {
    const choice = findChromium({ CHROMIUM_PATH: '/opt/none' }, only('/usr/bin/chromium'), () => PLAYWRIGHTS);
    expect(choice.kind).toBe('missing');
    expect(choice.kind === 'missing' && choice.message).toContain('CHROMIUM_PATH=/opt/none');
  });

  it("takes the system's Chromium, then Chrome, before Playwright's own", () => {
    expect(findChromium({}, only('/usr/bin/google-chrome', PLAYWRIGHTS), () => PLAYWRIGHTS)).toEqual({
      kind: 'found',
      path: '/usr/bin/google-chrome',
      from: 'system',
    });
    expect(findChromium({}, only(PLAYWRIGHTS), () => PLAYWRIGHTS)).toEqual({
      kind: 'found',
      path: PLAYWRIGHTS,
      from: 'playwright',
    });
  });

  it('names what to install, in one line, when there is none', () => {
    const choice = findChromium({}, only(), () => PLAYWRIGHTS);
    expect(choice).toEqual({ kind: 'missing', message: NO_CHROMIUM });
    expect(NO_CHROMIUM).not.toContain('\n');
    expect(NO_CHROMIUM).toContain('apt-get install chromium');
    expect(NO_CHROMIUM).toContain('playwright install chromium');
  });

  it('finds the browser this machine has', () => {
    const choice = findChromium({});
    const expected = SYSTEM_CHROMIUMS.some((path) => existsSync(path));
    if (expected) expect(choice).toMatchObject({ kind: 'found', from: 'system' });
    else expect(choice.kind === 'found' ? choice.from : 'missing').not.toBe('system');
  });
});
