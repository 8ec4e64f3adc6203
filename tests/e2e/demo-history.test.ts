import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startStack, until, type Stack } from '../helpers/stack.ts';
import type { TrendResponse } from '../../contracts/index.ts';

/**
 * The demo's synthetic history (analytics/demo-history.ts): written once in
 * the background on a fresh demo, days before today only, every hall with
 * its own windows and items, and not again after a restart.
 */
describe('demo history: a synthetic past for the leadership screens', () => {
  let s: Stack;
  const count = async () =>
    Number(
      (
        await (
          await s.app.analytics.client.query({
            query: 'SELECT count() AS n FROM events WHERE seq >= 1000000000000',
            format: 'JSONEachRow',
          })
        ).json<{ n: string }>()
      )[0]!.n,
    );

  beforeAll(async () => {
    s = await startStack({ DEMO_HISTORY_DAYS: '8', RELAY_INTERVAL_MS: '0' });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('fills the days before today in every hall, and a restart adds nothing', async () => {
    const n = await until(async () => {
      const c = await count();
      return c > 0 ? c : null;
    });
    // Written in batches: wait until it stops growing.
    let last = n;
    for (;;) {
      await new Promise((r) => setTimeout(r, 300));
      const c = await count();
      if (c === last) break;
      last = c;
    }
    const token = await login(s, 'leader');
    const to = s.clock.now().toISOString();
    const from = new Date(s.clock.now().getTime() - 10 * 86_400_000).toISOString();
    const trend = await api<TrendResponse>(s, 'GET', `/api/analytics/trend?from=${from}&to=${to}`, undefined, token);
    expect(trend.status, trend.text).toBe(200);
    // 8 days back, less a Sunday (closed) if one falls in them; nothing today.
    expect(trend.body.points.length).toBeGreaterThanOrEqual(6);
    expect(trend.body.points.length).toBeLessThanOrEqual(8);
    for (const p of trend.body.points) {
      expect(p.taken).toBeGreaterThan(0);
      expect(p.served).toBeLessThanOrEqual(p.taken);
      expect(p.avgWaitMin).not.toBeNull();
    }
    const today = new Date(s.clock.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    expect(trend.body.points.map((p) => p.t)).not.toContain(today);
    const halls = (
      await (
        await s.app.analytics.client.query({
          query: 'SELECT DISTINCT hall_id FROM events ORDER BY hall_id',
          format: 'JSONEachRow',
        })
      ).json<{ hall_id: string }>()
    ).map((r) => r.hall_id);
    expect(halls).toEqual(['h-city', 'h-donghu', 'h-donghu-v', 'h-east', 'h-west']);
    await s.restart();
    await new Promise((r) => setTimeout(r, 1000));
    expect(await count()).toBe(last);
  });
});
