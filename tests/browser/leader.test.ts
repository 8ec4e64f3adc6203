import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { api, login, startStack, type Stack } from '../helpers/stack.ts';
import { runWindowOp } from '../../server/commands/window-ops.ts';
import type { IndicatorDescription } from '../../contracts/index.ts';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = 'test-results/screenshots';
/** expect.poll with room for a busy CI machine: each screen answer runs ClickHouse queries over a month of history. */
const poll: typeof expect.poll = (fn, opts) =>
  expect.poll(fn, { timeout: 15_000, ...(typeof opts === 'number' ? { timeout: opts } : opts) });

/**
 * The leadership screen and the hall operation report (docs/leadership.md)
 * in a real browser against the real embedded
 * stack: the demo city's synthetic history (DEMO_HISTORY_DAYS) plus queue
 * operations run today through the queue service and relayed to ClickHouse,
 * so the tiles, map, ranking and trend have something to show.
 */
describe('leadership screen in chromium', () => {
  let s: Stack;
  let browser: Browser;

  /** Opens a window, takes `takes` tickets and serves `served` of them, as analytics-api.test.ts does. */
  async function serve(hall: string, takes: number, served: number): Promise<void> {
    const w = (
      await s.app.db.query<{ id: string }>(
        'SELECT id FROM windows WHERE hall_id = $1 ORDER BY length(no), no LIMIT 1',
        [hall],
      )
    ).rows[0]!.id;
    const code = (
      await s.app.db.query<{ code: string }>(
        'SELECT i.code FROM items i JOIN window_queues wq ON wq.queue_id = i.queue_id WHERE i.hall_id = $1 AND wq.window_id = $2 ORDER BY i.code LIMIT 1',
        [hall, w],
      )
    ).rows[0]!.code;
    await runWindowOp(s.app.queue, hall, w, { op: 'open' });
    for (let i = 0; i < takes; i++)
      await s.app.queue.run(hall, { type: 'take', ticketId: randomUUID(), itemCode: code });
    for (let i = 0; i < served; i++) {
      await runWindowOp(s.app.queue, hall, w, { op: 'next' });
      await runWindowOp(s.app.queue, hall, w, { op: 'complete', outcome: 'done' });
    }
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: apt-get install chromium (see README "Test suites")`);
    if (!existsSync('dist/dashboard/index.html'))
      throw new Error('dashboard not built: npm run build:dashboard (npm run test:browser does it)');
    await mkdir(SHOTS, { recursive: true });
    s = await startStack({ RELAY_INTERVAL_MS: '0', DEMO_HISTORY_DAYS: '30' });
    await serve('h-east', 6, 4);
    await serve('h-donghu', 3, 2);
    await serve('h-west', 2, 1);
    await serve('h-city', 5, 3);
    await s.app.relay.drain();
    // The history is written in the background at start; the screen must not be judged before it is there.
    for (let i = 0; !s.logs.some((l) => l.includes('synthetic demo history written')); i++) {
      if (i > 240) throw new Error('the demo history (DEMO_HISTORY_DAYS) was not written within 120 s');
      await new Promise((r) => setTimeout(r, 500));
    }
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

  async function signIn(page: Page, user: string): Promise<void> {
    await page.goto(`${s.base}/#/login`);
    await page.getByTestId('login-username').fill(user);
    await page.getByTestId('login-password').fill('Demo#2026');
    await page.getByTestId('login-submit').click();
  }
  const text = async (page: Page, id: string) => ((await page.getByTestId(id).textContent()) ?? '').trim();
  const hash = (page: Page) => page.evaluate(() => location.hash);

  it('a city leader lands on the screen, drills city → district → town on the map and the list, and switches to English', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // The strict CSP must hold here too: ECharts' map, tooltips and the scaled stage set styles only through the CSSOM.
    page.on('console', (m) => {
      if (/Content.Security.Policy/i.test(m.text())) errors.push(m.text());
    });
    await signIn(page, 'leader');
    await poll(() => hash(page)).toBe('#/leader');

    // KPI tiles from the catalog; the queue has data, reviews have not landed: a dash and the hint, never 0.
    await expect.poll(() => text(page, 'kpi-value-queue.wait.avg'), { timeout: 20_000 }).toMatch(/^\d+\.\d$/);
    expect(await page.getByTestId('kpis').locator('[data-testid^="kpi-value-"]').count()).toBe(8);
    expect(await text(page, 'kpi-value-review.satisfaction.rate')).toBe('—');
    expect(await page.getByTestId('kpi-review.satisfaction.rate').textContent()).toContain('暂无数据');
    expect(await page.getByTestId('kpi-queue.wait.avg').getAttribute('data-level')).toMatch(/good|warn|bad/);

    // The map of the city: its two districts and the city hall placed at the city itself.
    expect(await page.getByTestId('region-map').getAttribute('data-source')).toBe('synthetic');
    for (const id of ['h-city', '440902', '440904']) await page.getByTestId(`map-area-${id}`).waitFor();
    expect(await page.locator('[data-testid^="map-area-"]').count()).toBe(3);
    expect(await text(page, 'crumb-0')).toBe('示范市');
    await poll(async () => Number(await page.getByTestId('ranking-chart').getAttribute('data-rows'))).toBe(5); // the five demo halls, the village point included
    await poll(async () =>
      Number(await page.getByTestId('trend-chart').getAttribute('data-points')),
    ).toBeGreaterThanOrEqual(6);
    expect(await page.getByTestId('child-row-440902').textContent()).toContain('城东区');
    // The models on the screen: next-hour pressure and staffing advice per hall (GET /api/analytics/forecast).
    await page.getByTestId('next-hour').waitFor();
    expect(await page.getByTestId('next-hour').locator('li').count()).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('next-hour').textContent()).toMatch(/建议开 \d+ 窗/);
    // The other models (docs/models.md "On the screens"): service efficiency per window from the history's open spans and cases,
    // the case trend of 8 weeks with 7 days of forecast, reviews honestly empty, 跑多次 from the history's applicant keys.
    await poll(async () =>
      Number(await page.getByTestId('efficiency-chart').getAttribute('data-rows')),
    ).toBeGreaterThanOrEqual(5);
    expect(await page.getByTestId('efficiency-chart').getAttribute('data-by')).toBe('window');
    await poll(async () => Number(await page.getByTestId('case-trend-chart').getAttribute('data-days'))).toBe(56);
    expect(Number(await page.getByTestId('case-trend-chart').getAttribute('data-forecast'))).toBe(7);
    await poll(() => page.getByTestId('review-scores').getAttribute('data-empty')).toBe('true');
    expect(await text(page, 'review-scores-empty')).toContain('暂无评价数据');
    await poll(async () => Number(await page.getByTestId('multi-visits').getAttribute('data-matters'))).toBeGreaterThan(
      0,
    );
    expect(await text(page, 'multi-visits-rate')).toMatch(/^\d+\.\d%$/);
    expect(
      await page.getByTestId('multi-visits').locator('[data-testid^="multi-visits-item-"]').count(),
    ).toBeGreaterThanOrEqual(1);
    // Nothing spills out of the 1920×1080 stage or out of a panel.
    const spill = await page.evaluate(
      () =>
        [...document.querySelectorAll('.panel')].filter((p) => {
          const r = p.getBoundingClientRect();
          return r.right > 1920.5 || r.bottom > 1080.5;
        }).length,
    );
    expect(spill).toBe(0);
    await page.waitForTimeout(1_200); // chart animations settle before the picture
    await page.screenshot({ path: `${SHOTS}/leader-1920-zh.png` });

    // 人员 (staff) in the ranking and in the efficiency panel; 涉企 narrows efficiency to the enterprise items.
    await page.getByTestId('rank-by-staff').click();
    await poll(() => page.locator('.p-rank h2').textContent()).toBe('人员排名');
    await poll(async () =>
      Number(await page.getByTestId('ranking-chart').getAttribute('data-rows')),
    ).toBeGreaterThanOrEqual(5);
    await page.getByTestId('eff-by-staff').click();
    await poll(() => page.getByTestId('efficiency-chart').getAttribute('data-by')).toBe('staff');
    await page.getByTestId('eff-enterprise').click();
    await poll(() => page.getByTestId('efficiency-chart').getAttribute('data-enterprise')).toBe('true');
    await poll(async () =>
      Number(await page.getByTestId('efficiency-chart').getAttribute('data-rows')),
    ).toBeGreaterThanOrEqual(1);
    await page.waitForTimeout(1_200);
    await page.screenshot({ path: `${SHOTS}/leader-staff-1920-zh.png` });
    await page.getByTestId('rank-by-hall').click();
    await page.getByTestId('eff-by-window').click();
    await page.getByTestId('eff-all').click();

    // Click 城东区 on the map canvas itself, at the centre of its area as the chart reports it.
    const area = page.getByTestId('map-area-440902');
    await poll(() => area.getAttribute('data-fx')).not.toBe('');
    const fx = Number(await area.getAttribute('data-fx'));
    const fy = Number(await area.getAttribute('data-fy'));
    const box = (await page.getByTestId('region-map').boundingBox())!;
    await page.mouse.click(box.x + fx * box.width, box.y + fy * box.height);
    await poll(() => hash(page)).toBe('#/leader/440902');
    await poll(() => text(page, 'crumb-1')).toBe('城东区');
    for (const id of ['h-east', '440902001']) await page.getByTestId(`map-area-${id}`).waitFor();
    await poll(() => page.locator('[data-testid^="map-area-"]').count()).toBe(2);

    // Down to the town from the children list; the breadcrumb reads 示范市 › 城东区 › 东湖镇.
    await page.getByTestId('child-row-440902001').click();
    await poll(() => hash(page)).toBe('#/leader/440902001');
    await poll(() => text(page, 'leader-breadcrumb')).toMatch(/示范市\s*›\s*城东区\s*›\s*东湖镇/);
    await page.getByTestId('map-area-h-donghu').waitFor();
    await page.waitForTimeout(1_200);
    await page.screenshot({ path: `${SHOTS}/leader-town-1920-zh.png` });

    // English: the title, the catalog's English names, the crumbs stay region names.
    await page.getByTestId('lang-switch').click();
    await poll(() => page.locator('h1').textContent()).toBe('Service Hall Monitoring');
    expect(await page.getByTestId('kpi-queue.waiting.now').textContent()).toContain('Waiting now');
    // The town's indicator values may still be on their way (seconds on a loaded 2-core machine): wait for the answer.
    await poll(() => page.getByTestId('kpi-review.satisfaction.rate').textContent()).toContain('no data yet');
    await page.getByTestId('crumb-0').click();
    await poll(() => hash(page)).toBe('#/leader');
    await page.getByTestId('map-area-440904').waitFor();
    await page.waitForTimeout(1_200);
    await page.screenshot({ path: `${SHOTS}/leader-1920-en.png` });

    // The period switch: today by hour (the operations run above), 30 days by day (the demo history's weekdays).
    await page.getByTestId('period-today').click();
    await poll(() => page.getByTestId('period-today').getAttribute('aria-pressed')).toBe('true');
    await expect
      .poll(() => page.getByTestId('trend-chart').getAttribute('data-bucket'), { timeout: 15_000 })
      .toBe('hour');
    expect(Number(await page.getByTestId('trend-chart').getAttribute('data-points'))).toBeGreaterThanOrEqual(1);
    expect(Number(await page.getByTestId('trend-chart').getAttribute('data-points'))).toBeLessThanOrEqual(24);
    await page.getByTestId('period-30d').click();
    await expect
      .poll(() => page.getByTestId('trend-chart').getAttribute('data-bucket'), { timeout: 15_000 })
      .toBe('day');
    await expect
      .poll(async () => Number(await page.getByTestId('trend-chart').getAttribute('data-points')), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(20);

    // A hall placed at the city level opens the hall's screen: every catalog indicator, the window ranking.
    await page.getByTestId('map-area-h-city').click();
    await poll(() => hash(page)).toBe('#/leader/hall/h-city');
    await page.getByTestId('indicator-table').waitFor();
    // The hall's own figures, not the city's still on screen: one window was opened at h-city today, four in the city.
    await expect
      .poll(() => page.getByTestId('indicator-row-queue.windows.open.now').locator('td.v').textContent(), {
        timeout: 20_000,
      })
      .toMatch(/^\s*1\s*$/);
    await poll(() => text(page, 'leader-breadcrumb')).toMatch(/示范市\s*›\s*示范市政务服务中心/);
    await poll(async () =>
      Number(await page.getByTestId('ranking-chart').getAttribute('data-rows')),
    ).toBeGreaterThanOrEqual(1);
    // The hall's own models: its windows' efficiency, its case trend, the empty review ranking in English.
    await poll(async () =>
      Number(await page.getByTestId('efficiency-chart').getAttribute('data-rows')),
    ).toBeGreaterThanOrEqual(5);
    await poll(async () => Number(await page.getByTestId('case-trend-chart').getAttribute('data-days'))).toBe(56);
    expect(await text(page, 'review-scores-empty')).toContain('No reviews yet');
    await page.waitForTimeout(1_200);
    await page.screenshot({ path: `${SHOTS}/leader-hall-1920-en.png` });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('scales the 1920×1080 stage to a smaller screen without scrolling', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(page, 'leader');
    await page.getByTestId('map-area-440902').waitFor();
    expect(Number(await page.getByTestId('leader-stage').getAttribute('data-scale'))).toBeCloseTo(1280 / 1920, 3);
    const overflow = await page.evaluate(() => [
      document.documentElement.scrollWidth - innerWidth,
      document.documentElement.scrollHeight - innerHeight,
    ]);
    expect(overflow).toEqual([0, 0]);
    await page.close();
  });

  it('a district leader starts at the district and cannot see the city', async () => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await signIn(page, 'east-leader');
    await poll(() => hash(page)).toBe('#/leader');
    await page.getByTestId('map-area-h-east').waitFor();
    expect(await text(page, 'crumb-0')).toBe('城东区');
    expect(await page.getByTestId('map-area-440904').count()).toBe(0);
    // A region outside the scope is refused by the server and says so, localized.
    await page.goto(`${s.base}/#/leader/440904`);
    await poll(() => text(page, 'leader-error')).toBeTruthy();
    await page.close();
  });

  // DOMAIN.md "Indicators and models" (004): a hall operation report (大厅运行研判报告).
  it('the hall operation report of h-east: every indicator, the trend, the window ranking, a summary; print', async () => {
    const token = await login(s, 'sup-east');
    const catalog = (await api<{ indicators: IndicatorDescription[] }>(s, 'GET', '/api/indicators', undefined, token))
      .body.indicators;
    expect(catalog.length).toBeGreaterThan(20);

    const page = await browser.newPage({ viewport: { width: 900, height: 1273 } });
    await page.addInitScript(() => {
      (window as unknown as { printed: number }).printed = 0;
      window.print = () => {
        (window as unknown as { printed: number }).printed++;
      };
    });
    await signIn(page, 'sup-east');
    await page.getByTestId('hall-card-h-east').waitFor();
    await page.getByTestId('leader-link').click();
    await poll(() => hash(page)).toBe('#/leader');
    await page.getByTestId('map-area-h-east').click();
    await page.getByTestId('open-report').click();
    await poll(() => hash(page)).toMatch(/^#\/report\/h-east\?from=\d{4}-\d\d-\d\d&to=\d{4}-\d\d-\d\d$/);

    await poll(() => text(page, 'report-hall-name')).toBe('城东区政务服务中心');
    await page.getByTestId('indicator-row-queue.wait.avg').waitFor();
    expect(await page.getByTestId('indicator-table').locator('tbody tr').count()).toBe(catalog.length);
    expect(await page.getByTestId('indicator-row-queue.wait.avg').textContent()).toContain('平均等候时长');
    expect(await page.getByTestId('indicator-row-review.satisfaction.rate').textContent()).toContain('暂无数据');
    await poll(() =>
      page.getByTestId('report-windows').locator('tbody tr[data-testid^="report-window-"]').count(),
    ).toBeGreaterThanOrEqual(1);
    expect(await text(page, 'report-summary')).toMatch(/城东区政务服务中心共取号 \d+ 个，办结 \d+ 件/);
    expect(Number(await page.getByTestId('trend-chart').getAttribute('data-points'))).toBeGreaterThanOrEqual(6);
    await page.waitForTimeout(800);
    await page.screenshot({ path: `${SHOTS}/report-a4-zh.png`, fullPage: true });

    await page.getByTestId('report-print').click();
    expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByTestId('report-print').isVisible()).toBe(false);
    await page.screenshot({ path: `${SHOTS}/report-a4-print.png`, fullPage: true });
    await page.emulateMedia({ media: 'screen' });

    await page.getByTestId('lang-switch').click();
    await poll(() => text(page, 'report-summary')).toMatch(/issued \d+ tickets and served \d+/);
    expect(await page.getByTestId('indicator-row-queue.wait.avg').textContent()).toContain('Average wait');
    await page.screenshot({ path: `${SHOTS}/report-a4-en.png`, fullPage: true });
    await page.close();
  });
});
