import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { HallConfigView } from '../../contracts/config-admin.ts';
import { api, login, startStack, type Stack } from '../helpers/stack.ts';
import { nextTotpCode } from '../helpers/totp.ts';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = 'test-results/screenshots';
/** Sign-in hashes the password (argon2) on a shared 2-core machine: waits are generous, never asserted as speed. */
const POLL = { timeout: 15_000 };

/**
 * The queue configuration admin page (docs/admin.md) in a
 * real browser against the real stack: the system administrator signs in
 * with TOTP, sets a window's time periods through the period editor, and the
 * server holds exactly them; an overlapping period is refused with a
 * localized coded error and changes nothing.
 */
describe('configuration admin in chromium', () => {
  let s: Stack, browser: Browser, token: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: apt-get install chromium (see README "Test suites")`);
    if (!existsSync('dist/dashboard/index.html'))
      throw new Error('dashboard not built: npm run build:dashboard (npm run test:browser does it)');
    await mkdir(SHOTS, { recursive: true });
    s = await startStack();
    token = await login(s, 'admin'); // enrols the admin's TOTP; the browser then signs in with a fresh code
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await s?.stop();
  });

  const config = async () => (await api<HallConfigView>(s, 'GET', '/api/halls/h-east/config', undefined, token)).body;

  async function signInAdmin(page: Page): Promise<void> {
    await page.goto(`${s.base}/#/login`);
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill('Demo#2026');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-totp').waitFor();
    await page.getByTestId('login-totp').fill(await nextTotpCode(s.dataDir, 'admin'));
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('current-user').textContent(), POLL).toMatch(/admin/);
  }

  it("changes a window's periods through the page and the server holds them (1920×1080)", async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await signInAdmin(page);
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('admin-page').waitFor();
    await page.goto(`${s.base}/#/admin/h-east`);
    await page.getByTestId('window-h-east-w2').waitFor();
    const v0 = (await config()).hall.configVersion;

    await page.getByTestId('window-periods-edit-h-east-w2').click();
    await page.getByTestId('period-editor').waitFor();
    await page.getByTestId('period-add').click();
    await page.getByTestId('period-from-0').fill('08:00');
    await page.getByTestId('period-to-0').fill('12:00');
    await page.getByTestId('period-queue-0-h-east-qB').check();
    await page.getByTestId('period-weight-0-h-east-qB').fill('2');
    await page.getByTestId('period-queue-0-h-east-qA').check();
    await page.getByTestId('period-add').click();
    await page.getByTestId('period-from-1').fill('13:30');
    await page.getByTestId('period-to-1').fill('17:30');
    await page.getByTestId('period-queue-1-h-east-qA').check();
    await page.screenshot({ path: `${SHOTS}/admin-periods-editor-1920.png` });
    await page.getByTestId('period-save').click();

    await expect
      .poll(() => page.getByTestId('window-periods-h-east-w2').textContent(), POLL)
      .toMatch(/08:00–12:00.*13:30–17:30/s);
    const w2 = (await config()).windows.find((w) => w.id === 'h-east-w2')!;
    expect(w2.periods).toEqual([
      {
        from: '08:00',
        to: '12:00',
        queues: [
          { queueId: 'h-east-qA', weight: 1 },
          { queueId: 'h-east-qB', weight: 2 },
        ],
      },
      { from: '13:30', to: '17:30', queues: [{ queueId: 'h-east-qA', weight: 1 }] },
    ]);
    expect((await config()).hall.configVersion).toBe(v0 + 1);
    await expect.poll(() => page.getByTestId('admin-version').textContent(), POLL).toContain(String(v0 + 1));
    await page.screenshot({ path: `${SHOTS}/admin-windows-1920-zh.png` });

    // An overlapping period: refused with the code shown in Chinese; nothing changes.
    await page.getByTestId('window-periods-edit-h-east-w2').click();
    await page.getByTestId('period-add').click();
    await page.getByTestId('period-from-2').fill('11:00');
    await page.getByTestId('period-to-2').fill('14:00');
    await page.getByTestId('period-queue-2-h-east-qA').check();
    await page.getByTestId('period-save').click();
    await expect.poll(() => page.getByTestId('admin-error').getAttribute('data-code'), POLL).toBe('HALL_ERR_CONFLICT');
    expect(await page.getByTestId('admin-error').textContent()).toMatch(/冲突/);
    expect((await config()).windows.find((w) => w.id === 'h-east-w2')!.periods).toEqual(w2.periods);
    expect((await config()).hall.configVersion).toBe(v0 + 1);
    await page.screenshot({ path: `${SHOTS}/admin-periods-refused-1920.png` });

    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByTestId('admin-error').textContent(), POLL).toMatch(/Conflicts/);
    await page.screenshot({ path: `${SHOTS}/admin-windows-1920-en.png` });
    await page.getByTestId('lang-switch').click();
    await page.close();
  });

  it('is usable at 1280×800: every tab fits the width', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signInAdmin(page);
    await page.goto(`${s.base}/#/admin/h-east`);
    await page.getByTestId('window-h-east-w1').waitFor();
    for (const tab of ['windows', 'queues', 'items', 'departments', 'devices', 'hall']) {
      await page.getByTestId(`admin-tab-${tab}`).click();
      if (tab === 'windows') {
        await page.getByTestId('window-periods-edit-h-east-w2').click();
        await page.getByTestId('period-editor').waitFor();
      }
      if (tab === 'items') {
        // The item form carries the efficiency models' standard minutes and the 涉企 flag (migration 014).
        await page.getByTestId('item-SC-001').getByRole('button', { name: '编辑' }).click();
        expect(await page.getByTestId('item-standard-min').inputValue()).toBe('20');
        expect(await page.getByTestId('item-enterprise').isChecked()).toBe(true);
      }
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, tab).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${SHOTS}/admin-${tab}-1280.png` });
    }
    // The policy form saves through the page too.
    await page.getByTestId('policy-starvation').fill('45');
    await page.getByTestId('policy-save').click();
    await expect.poll(async () => (await config()).hall.policy.starvationMin, POLL).toBe(45);
    await page.close();
  });
});
