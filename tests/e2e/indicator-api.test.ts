import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { api, login, startStack, windowAndItem, type Stack } from '../helpers/stack.ts';
import { runWindowOp } from '../../server/commands/window-ops.ts';
import type { IndicatorDescription, IndicatorValuesResponse } from '../../contracts/index.ts';

/**
 * The indicator catalog over REST on the real stack (docs/indicators.md): queue
 * operations in PostgreSQL → the outbox relay → chDB → the catalog's SQL →
 * `GET /api/halls/:hallId/indicators` and `GET /api/indicators/values`, with
 * the permission and the hall / region scope of the caller, and coded
 * refusals for bad queries.
 */
describe('indicator API: catalog and values from the relayed events', () => {
  let s: Stack;
  let leader: string;
  let eastLeader: string;
  let supEast: string;
  let staff: string;
  const hall = 'h-east';
  let from: string;
  let to: string;

  beforeAll(async () => {
    s = await startStack({ RELAY_INTERVAL_MS: '0' });
    [leader, eastLeader, supEast, staff] = await Promise.all([
      login(s, 'leader'),
      login(s, 'east-leader'),
      login(s, 'sup-east'),
      login(s, 'staff-east'),
    ]);
    from = new Date(s.clock.now().getTime() - 3_600_000).toISOString();
    // Three takes at a window's queue, one called and served: two left waiting.
    const { windowId: w, itemCode: code } = await windowAndItem(s, hall);
    await runWindowOp(s.app.queue, hall, w, { op: 'open' });
    for (let i = 0; i < 3; i++) await s.app.queue.run(hall, { type: 'take', ticketId: randomUUID(), itemCode: code });
    await runWindowOp(s.app.queue, hall, w, { op: 'next' });
    await runWindowOp(s.app.queue, hall, w, { op: 'start' });
    await runWindowOp(s.app.queue, hall, w, { op: 'complete', outcome: 'done' });
    await s.app.relay.drain();
    to = new Date(s.clock.now().getTime() + 1000).toISOString();
  });
  afterAll(async () => {
    await s?.stop();
  });

  const values = (body: IndicatorValuesResponse) => Object.fromEntries(body.values.map((v) => [v.id, v.value]));

  it('lists the catalog with names in both languages and no SQL', async () => {
    const r = await api<{ indicators: (IndicatorDescription & { sql?: string })[] }>(
      s,
      'GET',
      '/api/indicators',
      undefined,
      leader,
    );
    expect(r.status).toBe(200);
    const ids = r.body.indicators.map((i) => i.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'queue.waiting.now',
        'queue.wait.p90',
        'queue.skip.rate',
        'review.satisfaction.rate',
        'case.upload.late.rate',
        'device.online.rate',
      ]),
    );
    for (const i of r.body.indicators) {
      expect(i.nameZh.length).toBeGreaterThan(0);
      expect(i.nameEn.length).toBeGreaterThan(0);
      expect(i.sql).toBeUndefined();
    }
  });

  it('one hall: the queue indicators count what happened in PostgreSQL', async () => {
    const r = await api<IndicatorValuesResponse>(
      s,
      'GET',
      `/api/halls/${hall}/indicators?from=${from}&to=${to}&ids=queue.waiting.now,queue.windows.open.now,queue.windows.serving.now`,
      undefined,
      supEast,
    );
    expect(r.status, r.text).toBe(200);
    // The seeded demo had nothing waiting in h-east before (SIM is off): 3 taken − 1 served = 2 waiting; 1 window open, serving nobody now.
    expect(values(r.body)).toEqual({
      'queue.waiting.now': 2,
      'queue.windows.open.now': 1,
      'queue.windows.serving.now': 0,
    });
  });

  it('a region: the district leader gets the halls of the district, not the neighbours', async () => {
    const r = await api<IndicatorValuesResponse>(
      s,
      'GET',
      `/api/indicators/values?region=440902&from=${from}&to=${to}&ids=queue.waiting.now`,
      undefined,
      eastLeader,
    );
    expect(r.status, r.text).toBe(200);
    expect(r.body.scope.hallIds).toEqual(['h-donghu', 'h-donghu-v', 'h-east']);
    expect(values(r.body)).toEqual({ 'queue.waiting.now': 2 });
    // A region beside theirs is answered like one that does not exist.
    const other = await api(
      s,
      'GET',
      `/api/indicators/values?region=440904&from=${from}&to=${to}`,
      undefined,
      eastLeader,
    );
    expect(other.status).toBe(404);
    // The city leader sees the whole city.
    const city = await api<IndicatorValuesResponse>(
      s,
      'GET',
      `/api/indicators/values?from=${from}&to=${to}&ids=queue.waiting.now`,
      undefined,
      leader,
    );
    expect(city.body.scope.hallIds.length).toBeGreaterThan(3);
  });

  it('refuses with codes: bad period, unknown indicator, no permission, a hall out of scope', async () => {
    const backwards = await api<{ error: { code: string } }>(
      s,
      'GET',
      `/api/indicators/values?from=${to}&to=${from}`,
      undefined,
      leader,
    );
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.code).toBe('HALL_ERR_BAD_REQUEST');
    const long = await api(s, 'GET', `/api/indicators/values?from=2020-01-01T00:00:00Z&to=${to}`, undefined, leader);
    expect(long.status).toBe(400);
    const unknown = await api<{ error: { code: string; message: string } }>(
      s,
      'GET',
      `/api/indicators/values?from=${from}&to=${to}&ids=queue.nothing`,
      undefined,
      leader,
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('queue.nothing');
    const extra = await api(s, 'GET', `/api/indicators/values?from=${from}&to=${to}&sql=DROP`, undefined, leader);
    expect(extra.status).toBe(400);
    expect((await api(s, 'GET', '/api/indicators', undefined, staff)).status).toBe(403);
    expect((await api(s, 'GET', `/api/halls/h-west/indicators?from=${from}&to=${to}`, undefined, supEast)).status).toBe(
      404,
    );
  });
});
