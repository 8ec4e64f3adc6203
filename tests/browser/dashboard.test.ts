import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startStack, provisionDevice, connectDevice, type Stack, type TestDevice } from '../helpers/stack.ts';
import { topics } from '../../contracts/index.ts';
import { totpCode } from '../../server/security/totp.ts';
import { runWindowOp, type WindowOp } from '../../server/commands/window-ops.ts';
import { signInWindow } from '../../server/store/window-staff-repo.ts';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = 'test-results/screenshots';

/**
 * The dashboard in a real browser (Playwright driving Debian's chromium) against
 * the real embedded stack: sign in, open a hall, and watch a ticket taken over
 * MQTT move the waiting counts live.
 */
describe('dashboard in chromium', () => {
  let s: Stack, browser: Browser, dev: TestDevice;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: apt-get install chromium (see README "Test suites")`);
    if (!existsSync('dist/dashboard/index.html'))
      throw new Error('dashboard not built: npm run build:dashboard (npm run test:browser does it)');
    await mkdir(SHOTS, { recursive: true });
    s = await startStack();
    dev = await connectDevice(s.app.mqttUrl, await provisionDevice(s, 'h-east', 'ticketer', 'tk-browser'));
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
    await dev?.close();
    await s?.stop();
  });

  async function signIn(page: Page, user: string) {
    await page.goto(`${s.base}/#/login`);
    await page.getByTestId('login-username').fill(user);
    await page.getByTestId('login-password').fill('Demo#2026');
    await page.getByTestId('login-submit').click();
  }

  it('wrong password shows a coded, localized error', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${s.base}/#/login`);
    await page.getByTestId('login-username').fill('sup-east');
    await page.getByTestId('login-password').fill('wrong');
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toBeTruthy();
    await page.screenshot({ path: `${SHOTS}/login-error-1280.png` });
    await page.close();
  });

  it('a supervisor signs in, sees only their hall, and the wall moves live at 1920×1080', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await signIn(page, 'sup-east');
    await page.getByTestId('hall-card-h-east').waitFor();
    expect(await page.getByTestId('hall-card-h-city').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/halls-1920.png` });
    await page.getByTestId('hall-card-h-east').click();
    await expect
      .poll(() => page.getByTestId('live-status').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('live');
    const waiting0 = Number(await page.getByTestId('total-waiting').textContent());
    const seq0 = Number((await page.getByTestId('hall-seq').textContent())!.replace(/\D/g, ''));

    const reply = await dev.request('ticket.request', { itemCode: 'ZH-001' });
    const queueId = (reply.data.queue as { id: string }).id;
    await expect
      .poll(async () => Number(await page.getByTestId('total-waiting').textContent()), { timeout: 10_000 })
      .toBe(waiting0 + 1);
    await expect
      .poll(async () => Number(await page.getByTestId(`queue-waiting-${queueId}`).textContent()))
      .toBeGreaterThanOrEqual(1);
    await expect
      .poll(async () => Number((await page.getByTestId('hall-seq').textContent())!.replace(/\D/g, '')))
      .toBe(reply.data.seq as number);
    expect(reply.data.seq as number).toBeGreaterThan(seq0);

    // Paper out on the machine shows on the wall.
    await dev.client.publishAsync(
      topics.up(dev.creds, 'device.status'),
      JSON.stringify({ v: 1, id: 'paper-1', ts: Date.now(), type: 'device.status', data: { paper: 'out' } }),
      { qos: 1 },
    );
    await expect
      .poll(() => page.getByTestId('device-paper-tk-browser').textContent(), { timeout: 10_000 })
      .toMatch(/缺纸/);
    for (let i = 0; i < 5; i++) await dev.request('ticket.request', { itemCode: i % 2 ? 'GA-001' : 'RS-001' });
    await expect.poll(async () => Number(await page.getByTestId('total-waiting').textContent())).toBe(waiting0 + 6);
    await page.screenshot({ path: `${SHOTS}/wall-1920-zh.png` });

    // English switch.
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByTestId('live-status').textContent()).toMatch(/live/i);
    await page.screenshot({ path: `${SHOTS}/wall-1920-en.png` });
    await page.close();
  });

  it('works at tablet size (1280×800)', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, 'sup-east');
    await page.getByTestId('hall-card-h-east').click();
    await expect
      .poll(() => page.getByTestId('live-status').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('live');
    expect(Number(await page.getByTestId('total-waiting').textContent())).toBeGreaterThanOrEqual(6);
    // Nothing wider than the viewport.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${SHOTS}/wall-1280.png` });
    await page.close();
  });
  it('issue 4: a call made after the wall is open shows on the window card and the ticker, without reload', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await signIn(page, 'sup-east');
    await page.getByTestId('hall-card-h-east').click();
    await expect
      .poll(() => page.getByTestId('live-status').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('live');
    await page.getByTestId('window-card-h-east-w5').waitFor();
    expect(await page.getByTestId('window-card-h-east-w5').getAttribute('data-status')).toBe('closed');

    const op = async (n: number, o: WindowOp) => {
      const r = await runWindowOp(s.app.queue, 'h-east', `h-east-w${n}`, o);
      if (r.duplicate) throw new Error('unexpected duplicate');
      return (r.reply as { current: { ticketNo: string } | null }).current?.ticketNo ?? null;
    };
    const staff = (await s.app.db.query<{ id: number }>("SELECT id FROM users WHERE username = 'staff-east'")).rows[0]!;
    await signInWindow(s.app.db, { windowId: 'h-east-w5', userId: staff.id, via: 'console', at: new Date() });
    for (const item of ['BDC-001', 'BDC-001', 'ZH-001', 'GA-001', 'RS-001', 'SC-001', 'ZH-003', 'GA-002'])
      await dev.request('ticket.request', { itemCode: item });
    await op(5, { op: 'open' });
    const no = await op(5, { op: 'next' });
    expect(no).toMatch(/^[A-Z]\d{3}$/);

    // Live, no reload: the card turns open with the called ticket, the ticker says the LED's words.
    await expect.poll(() => page.getByTestId('window-current-h-east-w5').textContent(), { timeout: 10_000 }).toBe(no);
    expect(await page.getByTestId('window-card-h-east-w5').getAttribute('data-status')).toBe('open');
    await expect.poll(() => page.getByTestId('call-0').textContent()).toContain(`请${no!}号到5号窗口办理`);
    // The staff name and the server figures come with the next refresh (at most a few seconds).
    await expect
      .poll(() => page.getByTestId('window-staff-h-east-w5').textContent(), { timeout: 10_000 })
      .toBe('staff-east');

    // A busier hall for the screenshots: more windows, a recall, service, a pause.
    for (const n of [1, 2, 3, 4]) await op(n, { op: 'open' });
    await op(1, { op: 'next' });
    await op(1, { op: 'start' });
    await op(2, { op: 'next' });
    await op(2, { op: 'recall' });
    await op(3, { op: 'next' });
    await op(4, { op: 'pause' });
    await expect.poll(() => page.getByTestId('window-card-h-east-w4').getAttribute('data-status')).toBe('paused');
    await expect.poll(() => page.getByTestId('pressure-open-windows').textContent()).toBe('4');
    await page.waitForTimeout(3_500); // let the throttled server-figure refresh land before the picture
    await page.screenshot({ path: `${SHOTS}/wall-queue-1920-zh.png` });
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByTestId('call-0').textContent()).toMatch(/to window/);
    await page.screenshot({ path: `${SHOTS}/wall-queue-1920-en.png` });
    await page.close();
  });

  it('runs under the strict CSP without a single violation (issue 3 web hardening)', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const violations: string[] = [];
    await page.exposeFunction('reportCsp', (v: string) => {
      violations.push(v);
    });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        void (window as unknown as { reportCsp(v: string): void }).reportCsp(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    page.on('console', (m) => {
      if (/Content.Security.Policy/i.test(m.text())) violations.push(m.text());
    });
    await signIn(page, 'sup-east');
    await page.getByTestId('hall-card-h-east').click();
    await expect
      .poll(() => page.getByTestId('live-status').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('live');
    // Hover the chart so ECharts renders its tooltip HTML.
    const chart = page.locator('canvas').first();
    if (await chart.count()) await chart.hover();
    await page.waitForTimeout(300);
    expect(violations).toEqual([]);
    await page.close();
  });

  it('an administrator enrols TOTP on first sign-in, then signs in with a one-time code', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, 'security');
    await page.getByTestId('totp-enrol').waitFor();
    const secret = (await page.getByTestId('totp-secret').getAttribute('data-secret'))!;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(await page.getByTestId('totp-uri').textContent()).toMatch(/^otpauth:\/\/totp\//);
    await page.screenshot({ path: `${SHOTS}/totp-enrol-1280.png` });
    await page.getByTestId('totp-code').fill('000000');
    await page.getByTestId('totp-confirm').click();
    await expect.poll(() => page.getByTestId('totp-error').textContent()).toBeTruthy();
    await page.getByTestId('totp-code').fill(totpCode(secret, new Date()));
    await page.getByTestId('totp-confirm').click();
    await expect.poll(() => page.getByTestId('totp-enrol').count()).toBe(0);
    await expect.poll(() => page.getByTestId('current-user').textContent()).toMatch(/security/);

    // Sign out (the server revokes the token) and in again: the form asks for the code.
    await page.getByTestId('logout').click();
    await signIn(page, 'security');
    await page.getByTestId('login-totp').waitFor();
    await page.screenshot({ path: `${SHOTS}/login-totp-1280.png` });
    await page.getByTestId('login-totp').fill(totpCode(secret, new Date(Date.now() + 30_000))); // a step not used yet (±1 accepted)
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('current-user').textContent()).toMatch(/security/);
    await page.close();
  });
});
