import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { api, login, startStack, windowAndItem, type Stack } from '../helpers/stack.ts';
import { runWindowOp } from '../../server/commands/window-ops.ts';
import type { RankingResponse, RegionsResponse, TrendResponse } from '../../contracts/index.ts';

/**
 * The leadership screens' data on the real stack (docs/analytics.md "REST"): queue
 * operations → relay → chDB's hourly table → trend, ranking and region
 * roll-up, with names and the region tree from PostgreSQL, in the caller's
 * scope; the map from a deployment's GeoJSON or the synthetic tiles.
 */
describe('analytics API: trends, rankings, region drill-down, map', () => {
  let s: Stack;
  let leader: string;
  let eastLeader: string;
  let supEast: string;
  let from: string;
  let to: string;
  let mapDir: string;

  /** Takes and serves at the hall's first window; `staff` is the clerk signed in there (the staff dimension). */
  async function serve(hall: string, takes: number, served: number, staff?: string): Promise<void> {
    const { windowId: w, itemCode: code } = await windowAndItem(s, hall);
    const userId =
      staff === undefined
        ? undefined
        : (await s.app.db.query<{ id: string }>('SELECT id FROM users WHERE username = $1', [staff])).rows[0]!.id;
    const ctx = userId === undefined ? {} : { userId: Number(userId) };
    await runWindowOp(s.app.queue, hall, w, { op: 'open' }, ctx);
    for (let i = 0; i < takes; i++)
      await s.app.queue.run(hall, { type: 'take', ticketId: randomUUID(), itemCode: code });
    for (let i = 0; i < served; i++) {
      await runWindowOp(s.app.queue, hall, w, { op: 'next' }, ctx);
      await runWindowOp(s.app.queue, hall, w, { op: 'complete', outcome: 'done' }, ctx);
    }
  }

  beforeAll(async () => {
    mapDir = await mkdtemp(path.join(tmpdir(), 'hall-map-'));
    s = await startStack({ RELAY_INTERVAL_MS: '0', MAP_GEOJSON_DIR: mapDir });
    [leader, eastLeader, supEast] = await Promise.all([
      login(s, 'leader'),
      login(s, 'east-leader'),
      login(s, 'sup-east'),
    ]);
    from = new Date(s.clock.now().getTime() - 2 * 3_600_000).toISOString();
    await serve('h-east', 4, 3, 'staff-east');
    await serve('h-donghu', 2, 1);
    await serve('h-west', 1, 1);
    await s.app.relay.drain();
    to = new Date(s.clock.now().getTime() + 3_600_000).toISOString();
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('trend: taken and served per hour add up to what happened', async () => {
    const r = await api<TrendResponse>(
      s,
      'GET',
      `/api/analytics/trend?from=${from}&to=${to}&bucket=hour`,
      undefined,
      leader,
    );
    expect(r.status, r.text).toBe(200);
    const sum = (k: 'taken' | 'served') => r.body.points.reduce((a, p) => a + p[k], 0);
    expect({ taken: sum('taken'), served: sum('served') }).toEqual({ taken: 7, served: 5 });
    const day = await api<TrendResponse>(
      s,
      'GET',
      `/api/analytics/trend?region=440902&from=${from}&to=${to}`,
      undefined,
      eastLeader,
    );
    expect(day.body.bucket).toBe('day');
    expect(day.body.points.reduce((a, p) => a + p.taken, 0)).toBe(6); // h-east 4 + h-donghu 2; h-west is outside the district
  });

  // DOMAIN.md "Indicators and models" (004): real-time efficiency (实时效能) — today by the minute.
  it('trend per minute (the screen\'s "today" curve) from the per-minute table: the same totals, minutes as points', async () => {
    const r = await api<TrendResponse>(
      s,
      'GET',
      `/api/analytics/trend?from=${from}&to=${to}&bucket=minute`,
      undefined,
      leader,
    );
    expect(r.status, r.text).toBe(200);
    expect(r.body.bucket).toBe('minute');
    const sum = (k: 'taken' | 'called' | 'served') => r.body.points.reduce((a, p) => a + p[k], 0);
    expect({ taken: sum('taken'), called: sum('called'), served: sum('served') }).toEqual({
      taken: 7,
      called: 5,
      served: 5,
    });
    for (const p of r.body.points) expect(p.t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
    // More than a day in minutes is refused.
    const long = new Date(Date.parse(to) - 2 * 86_400_000).toISOString();
    expect(
      (await api(s, 'GET', `/api/analytics/trend?from=${long}&to=${to}&bucket=minute`, undefined, leader)).status,
    ).toBe(400);
  });

  it('ranking: halls by served with their names; windows of one hall', async () => {
    const r = await api<RankingResponse>(
      s,
      'GET',
      `/api/analytics/ranking?from=${from}&to=${to}&by=hall`,
      undefined,
      leader,
    );
    expect(r.status, r.text).toBe(200);
    expect(r.body.rows.map((x) => [x.key, x.served])).toEqual([
      ['h-east', 3],
      ['h-donghu', 1],
      ['h-west', 1],
    ]);
    expect(r.body.rows[0]!.name).toBe('城东区政务服务中心');
    const w = await api<RankingResponse>(
      s,
      'GET',
      `/api/analytics/ranking?hall=h-east&from=${from}&to=${to}&by=window`,
      undefined,
      supEast,
    );
    expect(w.status, w.text).toBe(200);
    expect(w.body.rows).toHaveLength(1);
    // Per staff (DOMAIN.md "Indicators and models", 004: staff workload 人员工作量): the clerk signed in at h-east served its 3; the windows served without a sign-in have no staff row.
    const staff = await api<RankingResponse>(
      s,
      'GET',
      `/api/analytics/ranking?from=${from}&to=${to}&by=staff`,
      undefined,
      leader,
    );
    expect(staff.status, staff.text).toBe(200);
    expect(staff.body.rows.map((x) => [x.name, x.called, x.served])).toEqual([['城东区政务服务中心 staff-east', 3, 3]]);
    expect(w.body.rows[0]).toMatchObject({ served: 3, called: 3 });
  });

  // DOMAIN.md "Security and operations": roles and permissions per region; every service point manages only its own.
  it('regions: the city splits into its districts (and halls placed at the city itself); a district into towns', async () => {
    const city = await api<RegionsResponse>(
      s,
      'GET',
      `/api/analytics/regions?from=${from}&to=${to}`,
      undefined,
      leader,
    );
    expect(city.status, city.text).toBe(200);
    expect(city.body.region?.code).toBe('440900');
    expect(city.body.total.taken).toBe(7);
    const kids = Object.fromEntries(city.body.children.map((c) => [c.id, c.taken]));
    expect(kids).toEqual({ 'h-city': 0, '440902': 6, '440904': 1 });
    const east = await api<RegionsResponse>(
      s,
      'GET',
      `/api/analytics/regions?region=440902&from=${from}&to=${to}`,
      undefined,
      eastLeader,
    );
    expect(Object.fromEntries(east.body.children.map((c) => [c.id, c.taken]))).toEqual({ 'h-east': 4, '440902001': 2 });
    // Out of scope: the east leader cannot open the west district or the city.
    expect(
      (await api(s, 'GET', `/api/analytics/regions?region=440904&from=${from}&to=${to}`, undefined, eastLeader)).status,
    ).toBe(404);
    expect(
      (await api(s, 'GET', `/api/analytics/trend?hall=h-west&from=${from}&to=${to}`, undefined, eastLeader)).status,
    ).toBe(404);
  });

  it("map: synthetic tiles for the demo, the deployment's GeoJSON when it has one, a bad file falls back and says nothing wrong to the screen", async () => {
    const synth = await api<{ source: string; geojson: { features: { properties: { code: string } }[] } }>(
      s,
      'GET',
      '/api/analytics/map',
      undefined,
      leader,
    );
    expect(synth.body.source).toBe('synthetic');
    expect(synth.body.geojson.features.map((f) => f.properties.code).sort()).toEqual(['440902', '440904', 'h-city']);
    await writeFile(
      path.join(mapDir, '440900.geojson'),
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { code: '440902', name: '城东区' },
            geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [0, 0],
                  [1, 0],
                  [1, 1],
                  [0, 0],
                ],
              ],
            },
          },
          {
            type: 'Feature',
            properties: { code: '999999', name: 'elsewhere' },
            geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [0, 0],
                  [1, 0],
                  [1, 1],
                  [0, 0],
                ],
              ],
            },
          },
        ],
      }),
    );
    const dep = await api<{ source: string; geojson: { features: { properties: { code: string } }[] } }>(
      s,
      'GET',
      '/api/analytics/map',
      undefined,
      leader,
    );
    expect(dep.body.source).toBe('deployment');
    expect(dep.body.geojson.features.map((f) => f.properties.code)).toEqual(['440902']);
    await writeFile(path.join(mapDir, '440900.geojson'), '{ not json');
    const bad = await api<{ source: string }>(s, 'GET', '/api/analytics/map', undefined, leader);
    expect(bad.status).toBe(200);
    expect(bad.body.source).toBe('synthetic');
  });

  it('bad queries are coded 400s', async () => {
    for (const q of [
      `from=${to}&to=${from}`,
      `from=${from}&to=${to}&bucket=week`,
      `from=${from}&to=${to}&region=440902&hall=h-east`,
      `from=${from}&to=${to}&region=abc`,
    ]) {
      const r = await api<{ error: { code: string } }>(s, 'GET', `/api/analytics/trend?${q}`, undefined, leader);
      expect(r.status, q).toBe(400);
      expect(r.body.error.code).toBe('HALL_ERR_BAD_REQUEST');
    }
    expect(
      (await api(s, 'GET', `/api/analytics/ranking?from=${from}&to=${to}&by=citizen`, undefined, leader)).status,
    ).toBe(400);
  });
});
