import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startStack, provisionDevice, connectDevice, type Stack, type TestDevice } from '../helpers/stack.ts';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = 'test-results/screenshots';
const HALL = 'h-east';
const W3 = 'h-east-w3';
const ID = '11010519491231002X';

/**
 * The window console (呼叫端, docs/console.md) in a real browser
 * (Playwright driving Debian's chromium) against the real embedded stack:
 * staff-east signs in, lands on the window chooser, signs in at a window and
 * serves three tickets taken over MQTT — call next (once by the F1 shortcut),
 * start, complete with an outcome — while the citizen's ticket page on a
 * phone shows "please go to window N" after the call.
 */
describe('window console in chromium', () => {
  let s: Stack;
  let browser: Browser;
  let tk: TestDevice;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: apt-get install chromium (see README "Test suites")`);
    if (!existsSync('dist/dashboard/index.html'))
      throw new Error('dashboard not built: npm run build:dashboard (npm run test:browser does it)');
    await mkdir(SHOTS, { recursive: true });
    s = await startStack();
    tk = await connectDevice(s.app.mqttUrl, await provisionDevice(s, HALL, 'ticketer', 'tk-console-browser'));
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
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await tk?.close();
    await s?.stop();
  });

  async function signIn(page: Page, user: string) {
    await page.goto(`${s.base}/#/login`);
    await page.getByTestId('login-username').fill(user);
    await page.getByTestId('login-password').fill('Demo#2026');
    await page.getByTestId('login-submit').click();
  }
  const take = async (data: Record<string, unknown>) => {
    const r = await tk.request('ticket.request', data);
    expect(r.type, JSON.stringify(r)).toBe('ticket.issued');
    return r.data as { ticketId: string; ticketNo: string; ticketPage: string };
  };

  it('staff sign in, choose a window and serve three tickets; the citizen page shows where to go', async () => {
    // Window 3 serves 社保医保 (RS-*) with weight 2 and the general queue (ZH-*).
    const t1 = await take({ itemCode: 'RS-001', identity: { method: 'id-card', idNumber: ID, name: '张三' } });
    const t2 = await take({ itemCode: 'ZH-001' });
    const t3 = await take({ itemCode: 'RS-002' });

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const phone = await browser.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    await signIn(page, 'staff-east');
    // Staff land on their hall's window chooser.
    await page.getByTestId(`choose-window-${W3}`).waitFor();
    expect(page.url()).toContain(`#/console/${HALL}`);
    await page.screenshot({ path: `${SHOTS}/console-chooser-1280.png` });
    await page.getByTestId(`choose-window-${W3}`).click();
    await expect
      .poll(() => page.getByTestId('window-status').getAttribute('data-status'), { timeout: 10_000 })
      .toBe('open');
    await expect
      .poll(() => page.getByTestId('console-live').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('live');
    await expect.poll(() => page.getByTestId('waiting-count').textContent()).toBe('3');

    // The citizen's page while waiting: place in line and an estimate range.
    expect(t1.ticketPage).toBe(`/t/${t1.ticketId}`);
    await phone.goto(`${s.base}${t1.ticketPage}`);
    await expect
      .poll(() => phone.getByTestId('ticket-status').getAttribute('data-status'), { timeout: 10_000 })
      .toBe('waiting');
    expect(await phone.getByTestId('ticket-ahead').textContent()).toBe('0');
    await phone.screenshot({ path: `${SHOTS}/ticket-waiting-390.png` });

    const served: string[] = [];
    for (let i = 0; i < 3; i++) {
      // The first call by keyboard (F1), the others by the button.
      if (i === 0) await page.keyboard.press('F1');
      else await page.getByTestId('act-next').click();
      await expect
        .poll(() => page.getByTestId('current-status').getAttribute('data-status'), { timeout: 10_000 })
        .toBe('called');
      const no = (await page.getByTestId('current-no').textContent())!.trim();
      served.push(no);
      if (i === 0) {
        // The masked ID, never the full one, anywhere on the page.
        expect(await page.getByTestId('current-id').textContent()).toContain('1101**********002X');
        expect(await page.content()).not.toContain(ID);
        // The phone shows the call within a poll or two.
        await expect
          .poll(() => phone.getByTestId('ticket-call').textContent(), { timeout: 15_000 })
          .toMatch(/请\s*A?\w+\s*号到\s*3\s*号窗口办理/);
        expect(await phone.getByTestId('ticket-call').textContent()).toContain(no);
        await phone.screenshot({ path: `${SHOTS}/ticket-called-390.png` });
        await page.screenshot({ path: `${SHOTS}/console-called-1280.png` });
      }
      if (i === 1) await page.keyboard.press('F6');
      else await page.getByTestId('act-start').click();
      await expect.poll(() => page.getByTestId('current-status').getAttribute('data-status')).toBe('serving');
      if (i === 1) await page.screenshot({ path: `${SHOTS}/console-serving-1280.png` });
      await page.keyboard.press('F8');
      await page.getByTestId('outcome-dialog').waitFor();
      if (i === 2) await page.screenshot({ path: `${SHOTS}/console-outcome-1280.png` });
      await page.getByTestId(i === 2 ? 'outcome-incomplete' : 'outcome-done').click();
      await expect.poll(() => page.getByTestId('fig-served').textContent()).toBe(String(i + 1));
    }
    expect(served.sort()).toEqual([t1.ticketNo, t2.ticketNo, t3.ticketNo].sort());
    expect(await page.getByTestId('waiting-count').textContent()).toBe('0');

    // Live: a ticket taken elsewhere shows on the console without any click.
    await take({ itemCode: 'ZH-002' });
    await expect.poll(() => page.getByTestId('waiting-count').textContent(), { timeout: 10_000 }).toBe('1');
    // Nothing wider than the tablet.
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    expect(await page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight)).toBeLessThanOrEqual(
      0,
    );
    await page.screenshot({ path: `${SHOTS}/console-1280-zh.png` });

    // A refusal is shown coded and localized: pause, then F1 is refused by the server.
    await page.keyboard.press('F9');
    await expect.poll(() => page.getByTestId('window-status').getAttribute('data-status')).toBe('paused');
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByTestId('console-live').textContent()).toMatch(/Live/);
    await page.screenshot({ path: `${SHOTS}/console-1280-en.png` });

    // The finished ticket's page says it is done.
    await expect
      .poll(() => phone.getByTestId('ticket-status').getAttribute('data-status'), { timeout: 15_000 })
      .toBe('done');
    await page.close();
    await phone.close();
  }, 120_000);

  it('a refused operation shows its code localized and changes nothing', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, 'staff-east');
    await page.getByTestId(`choose-window-${W3}`).waitFor();
    // The console's reads can be frozen, so the page can act on a stale screen (what a slow network does).
    let last = '';
    let frozen = false;
    await page.route(/\/console$/, async (route) => {
      if (frozen) return route.fulfill({ status: 200, contentType: 'application/json', body: last });
      const res = await route.fetch();
      last = await res.text();
      return route.fulfill({ response: res, body: last });
    });
    await page.goto(`${s.base}/#/console/${HALL}/${W3}`);
    await expect
      .poll(() => page.getByTestId('window-status').getAttribute('data-status'), { timeout: 10_000 })
      .toBe('paused');
    const token = await page.evaluate(
      () => (JSON.parse(sessionStorage.getItem('hall.session')!) as { token: string }).token,
    );
    const ops = (op: string) =>
      fetch(`${s.base}/api/halls/${HALL}/windows/${W3}/ops`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ op }),
      });
    expect((await ops('resume')).status).toBe(200);
    await expect
      .poll(() => page.getByTestId('window-status').getAttribute('data-status'), { timeout: 10_000 })
      .toBe('open');
    frozen = true;
    expect((await ops('pause')).status).toBe(200); // behind the page's back; its screen still says open
    await page.keyboard.press('F1');
    await expect
      .poll(() => page.getByTestId('console-error').getAttribute('data-code'), { timeout: 10_000 })
      .toBe('HALL_ERR_CONFLICT');
    expect(await page.getByTestId('console-error').textContent()).toMatch(/当前状态不允许此操作/);
    await page.screenshot({ path: `${SHOTS}/console-refused-1280.png` });
    // Nothing changed: still paused, nobody called.
    const now = await fetch(`${s.base}/api/halls/${HALL}/windows/${W3}/console`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await now.json()).toMatchObject({ window: { status: 'paused' }, current: null });
    frozen = false;
    await page.close();
  });

  it('the console shows the caller sign-in code as a QR; the window caller signs in with it over MQTT', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, 'staff-east');
    await page.getByTestId(`choose-window-${W3}`).click();
    await expect
      .poll(() => page.getByTestId('console-live').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('live');
    await page.getByTestId('console-caller-token').click();
    await page.locator('[data-testid="caller-token-qr"] svg').waitFor();
    const token = (await page.getByTestId('caller-token-text').textContent())!.trim();
    expect(token.length).toBeGreaterThanOrEqual(16);
    await expect.poll(() => page.getByTestId('caller-token-left').textContent()).toMatch(/\d+/);
    await page.screenshot({ path: `${SHOTS}/console-caller-token-1280.png` });

    const caller = await connectDevice(s.app.mqttUrl, await provisionDevice(s, HALL, 'caller', 'caller-browser-w3'));
    try {
      const r = await caller.request('caller.signin', { windowId: W3, token });
      expect(r.type, JSON.stringify(r)).toBe('caller.signedin');
      expect(r.data).toMatchObject({ windowId: W3, username: 'staff-east' });
      // Single use: the same code a second time is refused.
      const again = await caller.request('caller.signin', { windowId: W3, token });
      expect(again.type).toBe('error');
    } finally {
      await caller.close();
      await page.close();
    }
  }, 120_000);
});
