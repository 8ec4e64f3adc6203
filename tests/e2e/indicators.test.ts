import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createAnalytics, type Analytics } from '../../analytics/clickhouse.ts';
import { insertEvents } from '../../analytics/events-writer.ts';
import { catalog, describeIndicator } from '../../analytics/indicators/catalog.ts';
import { evaluateAll, evaluateIndicator, levelOf, paramsOf } from '../../analytics/indicators/evaluate.ts';
import { FIXTURE_SCOPE, eventRows, fixtureEvents } from '../../analytics/indicators/fixtures.ts';
import { indicatorDescriptionSchema, indicatorResultSchema, type IndicatorResult } from '../../contracts/indicators.ts';

/**
 * The indicator catalog on the real embedded engine (chDB): the
 * hand-built fixture events (analytics/indicators/fixtures.ts, told in
 * docs/indicators.md) go into the `events` table, every indicator runs, and
 * each value must equal the one worked out by hand below. The fixtures go in
 * as two batches with deduplication tokens, and one batch is sent again with
 * its token, as the relay retrying it would (ADR 0008): ClickHouse drops the
 * retry, so nothing counts twice.
 */

/** Worked out by hand from fixtures.ts; scope h-city + h-east, 01:00–05:00 UTC. Rounded to 2 decimals as evaluate.ts does. */
const expected: Record<string, number | null> = {
  // in line at 05:00: h-city A006, A008 + h-east B003 (returned), B006 → 2 + 2 (A010 after `to`, A099 of the previous hall day, h-west not)
  'queue.waiting.now': 4,
  // first-call waits A002 20, A003 25, A004 35, A005 40, A007 20, A009 10, B001 5, B002 30, B003 45, B004 10, B005 5 → 245 / 11 = 22.2727
  'queue.wait.avg': 22.27,
  // sorted 5 5 10 10 20 20 25 30 35 40 45; h = (11 − 1) × 0.9 = 9 → x[9] = 40
  'queue.wait.p90': 40,
  // > 30: A004 35, A005 40, B003 45 (B002 exactly 30 is not over) → 3
  'queue.wait.over-30.count': 3,
  // 3 / 11 × 100 = 27.2727
  'queue.wait.over-30.rate': 27.27,
  // completed in period: A001 10, A002 10, A003 14, A004 8, A005 12, B001 15, B002 10, B004 21 → 100 / 8
  'queue.handling.avg': 12.5,
  // w-c1 (resumed), w-c2, w-e1; w-c3 and w-e2 closed, w-c4 paused, w-c5 opened on the previous hall day → 3
  'queue.windows.open.now': 3,
  // w-c1 holds A007 (called 04:30) → 1
  'queue.windows.serving.now': 1,
  // open and holding nothing: w-c2 (skipped A009), w-e1 (skipped B005) → 2
  'queue.windows.idle.now': 2,
  // calls in period: h-city 8 (A002 A003 A004 A005 A004 A005 A007 A009) + h-east 5 → 13 / 4 h
  'queue.calls.per-hour': 3.25,
  // skips A004, A009, B003, B005 → 4 / 13 × 100 = 30.769
  'queue.skip.rate': 30.77,
  // online min: tk-c1 60 + 150, cl-c1 210, tk-e1 60 = 480; known: 240 + 210 (first seen 01:30) + 240 = 690 (rt-e9 silent > 30 days) → 69.565
  'device.online.rate': 69.57,
  // tk-c1 out 01:20–01:50 (30) + 04:40–05:00 (20); tk-e1 out since the day before, refilled 04:05 → 01:00–04:05 (185) → 235
  'device.paper-out.minutes': 235,
  // DOMAIN.md "Video channels" (people counts per zone):
  // latest counts in 04:50–05:00: cam-c1 waiting 6 (04:56) + service 4 (04:52), cam-c2 entrance 3 (04:53) → 13
  // (cam-e1 04:30 stale, 05:10 after `to`, h-west out of scope)
  'device.zone.people.now': 13,
  // h-city buckets: 01:10 → 17; 02:00 → waiting max(20, 18) + service 6 + entrance 4 = 30; 04:50 → 15; 04:55 → 6 → peak 30;
  // h-east: 03:00 → 15, 04:30 → 9 (00:30 before `from`) → peak 15; 30 + 15
  'device.zone.people.peak': 45,
  // 8 reviews (r-01..r-08); level ≥ 3: r-01 r-02 r-03 r-06 r-07 r-08 → 6 / 8
  'review.satisfaction.rate': 75,
  // level ≤ 2: r-04, r-05 → 2 / 8 (r-09 after `to`)
  'review.bad.rate': 25,
  // active: r-01 r-02 r-04 r-06 (r-05 hotline and r-08 sms are return visits, r-03 r-07 default) → 4
  'review.active.count': 4,
  // 4 / 8
  'review.active.rate': 50,
  // default: r-03, r-07 → 2 / 8
  'review.default.share': 25,
  // due in period: r-old-1 (closed the day before), r-old-2 (30 min late), r-old-3 (never), r-old-4 (at the deadline) → on time r-old-1, r-old-4 = 2
  'review.rectification.on-time.count': 2,
  // 2 / 4
  'review.rectification.on-time.rate': 50,
  // slots in period, not cancelled: ap-1 ap-2 ap-4 ap-6 ap-7 ap-8 (ap-3 cancelled, ap-5 later, ap-9 the day before) → checked in ap-1 ap-6 ap-7 = 3 / 6
  'appointment.fulfilment.rate': 50,
  // missed ap-2, ap-8 (ap-4 still pending) → 2 / 6 = 33.333
  'appointment.no-show.rate': 33.33,
  // concluded in period k-1..k-5; by promised due: k-1, k-4 (exactly at due), k-5 → 3 / 5
  'case.on-time.rate': 60,
  // after promised due: k-2, k-3 → 2 / 5
  'case.overdue.rate': 40,
  // after legal due: k-3 → 1 / 5
  'case.legal-overdue.rate': 20,
  // uploads in period k-1 (same day), k-old-2 (6 d 0.5 h), k-old-3 (exactly 5 d: not late), k-old-4 (7 d 3 h) → 2
  'case.upload.late.count': 2,
  // 2 / 4
  'case.upload.late.rate': 50,
};

/** Levels by the thresholds of each indicator, read off by hand (lower-better: ≤ good, ≤ warn; higher-better: ≥ good, ≥ warn). */
const expectedLevels: Record<string, IndicatorResult['level']> = {
  'queue.wait.avg': 'warn', // 15 < 22.27 ≤ 30
  'queue.wait.p90': 'warn', // 30 < 40 ≤ 45
  'queue.wait.over-30.rate': 'bad', // 27.27 > 15
  'queue.handling.avg': 'good', // 12.5 ≤ 20
  'queue.skip.rate': 'bad', // 30.77 > 10
  'device.online.rate': 'bad', // 69.57 < 90
  'device.paper-out.minutes': 'bad', // 235 > 30
  'review.satisfaction.rate': 'bad', // 75 < 95
  'review.bad.rate': 'bad', // 25 > 3
  'review.active.rate': 'good', // 50 ≥ 50
  'review.default.share': 'good', // 25 ≤ 40
  'review.rectification.on-time.rate': 'bad', // 50 < 90
  'appointment.fulfilment.rate': 'bad', // 50 < 80
  'appointment.no-show.rate': 'bad', // 33.33 > 20
  'case.on-time.rate': 'bad', // 60 < 95
  'case.overdue.rate': 'bad', // 40 > 5
  'case.legal-overdue.rate': 'bad', // 20 > 1
  'case.upload.late.rate': 'bad', // 50 > 5
};

const byId = (rs: readonly IndicatorResult[]) => Object.fromEntries(rs.map((r) => [r.id, r]));

describe('indicator catalog', () => {
  let dir: string;
  let analytics: Analytics;
  let onEmpty: IndicatorResult[];
  let results: IndicatorResult[];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'indicators-'));
    analytics = await createAnalytics({ dataDir: dir });
    onEmpty = await evaluateAll(analytics.client, FIXTURE_SCOPE);
    const rows = eventRows(fixtureEvents);
    // Two batches as the relay sends them (events-writer.ts, a token each), then the first again: a retried batch.
    await insertEvents(analytics.client, rows.slice(0, 40), 'fixture-batch-1');
    await insertEvents(analytics.client, rows.slice(40), 'fixture-batch-2');
    await insertEvents(analytics.client, rows.slice(0, 40), 'fixture-batch-1');
    results = await evaluateAll(analytics.client, FIXTURE_SCOPE);
  });
  afterAll(async () => {
    await analytics?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('has unique ids, both names, a unit, a source and parameter-only SQL for every indicator', () => {
    const ids = catalog.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const d of catalog) {
      expect(indicatorDescriptionSchema.parse(describeIndicator(d))).toEqual(describeIndicator(d));
      expect(describeIndicator(d)).not.toHaveProperty('sql');
      expect(d.nameZh).toMatch(/\p{Script=Han}/u);
      expect(d.nameEn).toMatch(/^[A-Z]/);
      expect(d.sources.length).toBeGreaterThan(0);
      for (const s of d.sources) expect(s.file).toMatch(/^(00\d_[0-9a-f]{16}\.txt|DOMAIN\.md)$/);
      const params = paramsOf(d.sql);
      expect(params).toContain('hallIds');
      expect(params).toContain('to');
      // A state is as of `to`: never from `from`. Queue states read the hall day of `to` (tz); camera counts a look-back.
      if (d.kind === 'state') expect(params).not.toContain('from');
      else expect(params).toContain('from');
      if (d.area === 'queue' && d.kind === 'state') expect(params).toContain('tz');
      // No FINAL: exactness comes from the insert deduplication of the relay (ADR 0008), and FINAL cost 4–10× (docs/benchmarks.md).
      expect(d.sql).not.toMatch(/FINAL/);
    }
  });

  it('covers every indicator the issue names', () => {
    expect(catalog.map((d) => d.id).sort()).toEqual(Object.keys(expected).sort());
  });

  it('runs every indicator on an empty table: null or 0, as each documents', () => {
    expect(onEmpty.map((r) => [r.id, r.value])).toEqual(catalog.map((d) => [d.id, d.whenEmpty]));
    for (const r of onEmpty) expect(indicatorResultSchema.parse(r)).toEqual(r);
  });

  it('gives every indicator its hand-computed value on the fixture events', () => {
    expect(Object.fromEntries(results.map((r) => [r.id, r.value]))).toEqual(expected);
    for (const r of results) {
      expect(indicatorResultSchema.parse(r)).toEqual(r);
      expect(r.unit).toBe(catalog.find((d) => d.id === r.id)!.unit);
    }
  });

  it('maps each value to its threshold level', () => {
    const got = Object.fromEntries(results.filter((r) => r.level !== undefined).map((r) => [r.id, r.level]));
    expect(got).toEqual(expectedLevels);
    expect(levelOf(null, { direction: 'lower-better', good: 1, warn: 2 })).toBeUndefined();
    expect(levelOf(2, { direction: 'lower-better', good: 1, warn: 2 })).toBe('warn');
    expect(levelOf(2.01, { direction: 'lower-better', good: 1, warn: 2 })).toBe('bad');
    expect(levelOf(90, { direction: 'higher-better', good: 95, warn: 90 })).toBe('warn');
  });

  it('evaluates state indicators as of `to`, whatever `from` is', async () => {
    const late = { ...FIXTURE_SCOPE, from: '2026-11-23T04:59:00.000Z' };
    const got = byId(
      await evaluateAll(analytics.client, late, [
        'queue.waiting.now',
        'queue.windows.open.now',
        'queue.windows.serving.now',
        'queue.windows.idle.now',
      ]),
    );
    expect([
      got['queue.waiting.now']?.value,
      got['queue.windows.open.now']?.value,
      got['queue.windows.serving.now']?.value,
      got['queue.windows.idle.now']?.value,
    ]).toEqual([4, 3, 1, 2]);
    // At 03:15 h-city: A006..A009 not yet issued, w-c1 paused, w-c4 open and idle; h-east: B003 back in line (03:00), w-e1 serving B004 (called 03:10).
    const earlier = byId(
      await evaluateAll(analytics.client, { ...FIXTURE_SCOPE, to: '2026-11-23T03:15:00.000Z' }, [
        'queue.waiting.now',
        'queue.windows.open.now',
        'queue.windows.serving.now',
        'queue.windows.idle.now',
      ]),
    );
    // waiting: B003 → 1; open: w-c2, w-c4, w-e1, w-e2 → 4; serving: w-e1 → 1; idle: w-c2, w-c4, w-e2 → 3
    expect([
      earlier['queue.waiting.now']?.value,
      earlier['queue.windows.open.now']?.value,
      earlier['queue.windows.serving.now']?.value,
      earlier['queue.windows.idle.now']?.value,
    ]).toEqual([1, 4, 1, 3]);
  });

  it('reads only the halls of the scope', async () => {
    // h-east alone: B003 and B006 in line; skips B003, B005 of 5 calls → 40 %
    const east = byId(
      await evaluateAll(analytics.client, { ...FIXTURE_SCOPE, hallIds: ['h-east'] }, [
        'queue.waiting.now',
        'queue.skip.rate',
      ]),
    );
    expect([east['queue.waiting.now']?.value, east['queue.skip.rate']?.value]).toEqual([2, 40]);
    // A hall id that looks like SQL is only a value: no hall, no rows.
    const odd = await evaluateIndicator(analytics.client, 'queue.calls.per-hour', {
      ...FIXTURE_SCOPE,
      hallIds: ["h-city') OR 1=1 --"],
    });
    expect(odd.value).toBe(0);
  });

  it('refuses a bad scope and an unknown id', async () => {
    await expect(
      evaluateIndicator(analytics.client, 'queue.wait.avg', { ...FIXTURE_SCOPE, from: FIXTURE_SCOPE.to }),
    ).rejects.toThrow(/from must be before to/);
    await expect(evaluateIndicator(analytics.client, 'queue.nothing', FIXTURE_SCOPE)).rejects.toThrow(/no indicator/);
  });
});
