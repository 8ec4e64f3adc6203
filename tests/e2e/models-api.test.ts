import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { api, login, startStack, type Stack } from '../helpers/stack.ts';
import { fixedClock } from '../../server/domain/clock.ts';
import { insertEvents, type EventRow } from '../../analytics/events-writer.ts';
import {
  caseTrendResponseSchema,
  efficiencyResponseSchema,
  multipleVisitsResponseSchema,
  reviewScoresResponseSchema,
  type CaseTrendResponse,
  type EfficiencyResponse,
  type MultipleVisitsResponse,
  type ReviewScoresResponse,
} from '../../contracts/index.ts';

/**
 * The models on the screens (seed 001 “好差评”评价结果应用模型: 服务效能、
 * 涉企服务效能、办件趋势、好差评评分量化、跑多次) on the real stack: known events
 * inserted into ClickHouse, the demo city's items (standards of migration 014)
 * and users in PostgreSQL, every figure worked out by hand below.
 *
 * Now is Wednesday 2026-11-25 14:00 in the hall (06:00 UTC).
 */
// DOMAIN.md "Indicators and models" (001): service, enterprise, case-trend, review-score and multiple-visit models.
describe('models API: efficiency, case trend, review scores, multiple visits', () => {
  let s: Stack;
  let leader: string;
  let eastLeader: string;
  let supEast: string;
  let s1: string;
  let s2: string;
  const rows: EventRow[] = [];
  const ev = (hall: string, at: string, type: string, data: Record<string, unknown>, cols: Partial<EventRow> = {}) => {
    const seq = rows.length + 1;
    rows.push({
      hall_id: hall,
      seq,
      type,
      at,
      payload: JSON.stringify({ hallId: hall, seq, type, at, data }),
      ...cols,
    });
  };
  const win = (hall: string, at: string, type: string, windowId: string, staffId?: string) =>
    ev(
      hall,
      at,
      type,
      { windowId, windowNo: windowId.slice(-1), ...(staffId ? { staffId } : {}) },
      { window_id: windowId, staff_id: staffId ?? '' },
    );
  /** One completion: ticket.completed (item and minutes) and case.opened (item, department) at the same instant, as the engine emits them. */
  const served = (
    hall: string,
    at: string,
    windowId: string,
    staffId: string,
    itemCode: string,
    serviceMin: number,
    departmentId: string,
    caseId: string = randomUUID(),
  ) => {
    const ticketId = randomUUID();
    const w = { windowId, windowNo: windowId.slice(-1), ...(staffId ? { staffId } : {}) };
    ev(
      hall,
      at,
      'ticket.completed',
      { ticketId, ticketNo: 'A001', ...w, queueId: 'q', itemCode, outcome: 'done', serviceMin },
      { ticket_id: ticketId, window_id: windowId, staff_id: staffId, item_code: itemCode, service_min: serviceMin },
    );
    ev(
      hall,
      at,
      'case.opened',
      { ticketId, ticketNo: 'A001', ...w, caseId, queueId: 'q', itemCode, departmentId, outcome: 'done' },
      { ticket_id: ticketId, window_id: windowId, staff_id: staffId, item_code: itemCode, department_id: departmentId },
    );
  };
  const review = (hall: string, at: string, caseId: string | null, level: number, isDefault = false) =>
    ev(hall, at, 'review.submitted', {
      reviewId: randomUUID(),
      caseId,
      windowId: null,
      level,
      tags: level <= 2 ? ['101'] : [],
      channel: isDefault ? 'system' : 'window-rater',
      isDefault,
      active: !isDefault,
    });
  const issued = (hall: string, day: string, itemCode: string, applicantKey: string | null) =>
    ev(
      hall,
      `${day}T04:00:00.000Z`,
      'ticket.issued',
      { ticketId: randomUUID(), ticketNo: 'A001', queueId: 'q', itemCode, applicantKey },
      { item_code: itemCode },
    );

  const get = async <T>(url: string, token: string) => {
    const r = await api<T>(s, 'GET', url, undefined, token);
    expect(r.status, `${url} → ${r.text}`).toBe(200);
    return r.body;
  };

  beforeAll(async () => {
    s = await startStack({ RELAY_INTERVAL_MS: '0' }, undefined, { clock: fixedClock('2026-11-25T06:00:00.000Z') });
    [leader, eastLeader, supEast] = await Promise.all([
      login(s, 'leader'),
      login(s, 'east-leader'),
      login(s, 'sup-east'),
    ]);
    const id = async (u: string) =>
      (await s.app.db.query<{ id: string }>('SELECT id::text FROM users WHERE username = $1', [u])).rows[0]!.id;
    [s1, s2] = await Promise.all([id('sim-clerk-east-1'), id('sim-clerk-east-2')]);

    // ── efficiency: Tuesday 2026-11-24 at h-east (items of the demo seed: ZH-001 8 min, SC-001 20 min 涉企, RS-002 no standard)
    win('h-east', '2026-11-24T01:00:00.000Z', 'window.opened', 'h-east-w1', s1);
    win('h-east', '2026-11-24T03:00:00.000Z', 'window.closed', 'h-east-w1', s1); // w1/s1 open 120 min
    win('h-east', '2026-11-24T01:00:00.000Z', 'window.opened', 'h-east-w2', s2);
    win('h-east', '2026-11-24T02:00:00.000Z', 'window.paused', 'h-east-w2', s2); // w2/s2 open 60 min
    win('h-east', '2026-11-24T02:30:00.000Z', 'window.resumed', 'h-east-w2', s1);
    win('h-east', '2026-11-24T03:00:00.000Z', 'window.closed', 'h-east-w2', s1); // w2/s1 open 30 min
    served('h-east', '2026-11-24T01:30:00.000Z', 'h-east-w1', s1, 'ZH-001', 10, 'h-east-zh', 'c1');
    served('h-east', '2026-11-24T01:40:00.000Z', 'h-east-w1', s1, 'ZH-001', 6, 'h-east-zh', 'c2');
    served('h-east', '2026-11-24T01:50:00.000Z', 'h-east-w1', s1, 'SC-001', 30, 'h-east-zh', 'c3');
    served('h-east', '2026-11-24T02:10:00.000Z', 'h-east-w1', s1, 'RS-002', 12, 'h-east-zh', 'c4');
    served('h-east', '2026-11-24T01:20:00.000Z', 'h-east-w2', s2, 'RS-002', 20, 'h-east-ga', 'c5');
    served('h-east', '2026-11-24T01:45:00.000Z', 'h-east-w2', s2, 'ZH-001', 8, 'h-east-ga', 'c6');
    served('h-east', '2026-11-24T02:45:00.000Z', 'h-east-w2', s1, 'SC-001', 16, 'h-east-ga', 'c7');
    // A completion without its item (stored before the engine named it) is no service of any item: left out.
    ev(
      'h-east',
      '2026-11-24T02:50:00.000Z',
      'ticket.completed',
      { ticketId: 'lonely', windowId: 'h-east-w1', serviceMin: 99 },
      { ticket_id: 'lonely', window_id: 'h-east-w1', staff_id: s1, service_min: 99 },
    );
    // h-west: a window open 60 min with nobody signed in, one ZH-001 of 5 min.
    win('h-west', '2026-11-24T01:00:00.000Z', 'window.opened', 'h-west-w1');
    win('h-west', '2026-11-24T02:00:00.000Z', 'window.closed', 'h-west-w1');
    served('h-west', '2026-11-24T01:30:00.000Z', 'h-west-w1', '', 'ZH-001', 5, 'h-west-zh', 'c8');
    // Today: w3 opened at 13:30 local and still open at 14:00.
    win('h-east', '2026-11-25T05:30:00.000Z', 'window.opened', 'h-east-w3', s2);

    // ── case trend: cases per hall day at h-donghu, two weeks Wed 11-11 … Tue 11-24
    const weeks = [
      [10, 12, 14, 5, 0, 16, 18],
      [12, 14, 16, 6, 0, 18, 20],
    ];
    weeks.flat().forEach((n, i) => {
      const day = new Date(Date.UTC(2026, 10, 11 + i)).toISOString().slice(0, 10);
      for (let k = 0; k < n; k++)
        ev(
          'h-donghu',
          `${day}T04:00:${String(k).padStart(2, '0')}.000Z`,
          'case.opened',
          { itemCode: 'ZH-001' },
          { item_code: 'ZH-001' },
        );
    });

    // ── reviews of the cases above (Tuesday noon), one online review with no case, one at h-west
    review('h-east', '2026-11-24T04:00:00.000Z', 'c1', 5);
    review('h-east', '2026-11-24T04:00:00.000Z', 'c2', 5);
    review('h-east', '2026-11-24T04:00:00.000Z', 'c3', 1);
    review('h-east', '2026-11-24T04:00:00.000Z', 'c5', 4);
    review('h-east', '2026-11-24T04:00:00.000Z', 'c6', 3, true); // the 7-day default review
    review('h-east', '2026-11-24T04:00:00.000Z', null, 2);
    review('h-west', '2026-11-24T04:00:00.000Z', 'c8', 5);

    // ── visits (hall days, at local noon) between 10-01 and 11-24
    const KA = 'a'.repeat(43),
      KB = 'b'.repeat(43),
      KC = `sm3:${'c'.repeat(43)}`;
    issued('h-east', '2026-10-02', 'ZH-001', KA);
    issued('h-east', '2026-10-02', 'ZH-001', KA); // the same day again: one trip
    issued('h-donghu', '2026-10-10', 'ZH-001', KA); // another hall of the scope: still the same matter
    issued('h-east', '2026-11-09', 'ZH-001', KA); // +30 days: within N = 30
    issued('h-east', '2026-10-02', 'GA-001', KA);
    issued('h-east', '2026-10-01', 'ZH-001', KB);
    issued('h-east', '2026-11-01', 'ZH-001', KB); // +31 days: a new matter at N = 30
    issued('h-east', '2026-10-05', 'BDC-001', KC);
    issued('h-east', '2026-10-06', 'BDC-001', KC);
    issued('h-east', '2026-10-07', 'ZH-001', '440902199001011234'); // a plain ID number: never counted
    issued('h-east', '2026-10-07', 'ZH-001', null); // no ID card read
    issued('h-west', '2026-10-08', 'ZH-001', KB); // outside the east district
    issued('h-west', '2026-10-09', 'ZH-001', KB);

    await insertEvents(s.app.analytics.client, rows, `models-fixture-${randomUUID()}`);
  });
  afterAll(async () => {
    await s?.stop();
  });

  const TUE = 'from=2026-11-24T00:00:00.000Z&to=2026-11-25T00:00:00.000Z';

  it("service efficiency per window: throughput on the items' standards, idle share, handling vs standard", async () => {
    const r = await get<EfficiencyResponse>(`/api/analytics/efficiency?hall=h-east&${TUE}`, supEast);
    efficiencyResponseSchema.parse(r);
    // Standards: ZH-001 8, SC-001 20 (seed), RS-002 none → its average handling time of the period: (12 + 20) / 2 = 16.
    // w2: RS-002 20 + ZH-001 8 + SC-001 16 = 44 min; standard 16 + 8 + 20 = 44; open 60 + 30 = 90
    //     throughput 44/90 = 0.489; 3 cases / 90 min × 60 = 2/h; idle (90 − 44)/90 = 0.511; handling 44/44 = 1
    // w1: ZH-001 10 + 6, SC-001 30, RS-002 12 = 58 min; standard 8 + 8 + 20 + 16 = 52; open 120
    //     throughput 52/120 = 0.433; 4/120 × 60 = 2/h; idle (120 − 58)/120 = 0.517; handling 58/52 = 1.115
    expect(r.rows.map((x) => x.key)).toEqual(['h-east-w2', 'h-east-w1']); // highest throughput first
    expect(r.rows[0]).toEqual({
      key: 'h-east-w2',
      name: '城东区政务服务中心 2号窗口',
      hallId: 'h-east',
      cases: 3,
      serviceMin: 44,
      standardMin: 44,
      openMin: 90,
      casesPerHour: 2,
      throughput: 0.49,
      idleShare: 0.51,
      handlingVsStandard: 1,
      fallbackStandardCases: 1,
    });
    expect(r.rows[1]).toMatchObject({
      cases: 4,
      serviceMin: 58,
      standardMin: 52,
      openMin: 120,
      casesPerHour: 2,
      throughput: 0.43,
      idleShare: 0.52,
      handlingVsStandard: 1.12,
      fallbackStandardCases: 1,
    });
    // The hall day itself (Tuesday 00:00–24:00 local, the screens' kind of period) reads the daily aggregate
    // instead of the raw completions: the same figures.
    const day = await get<EfficiencyResponse>(
      '/api/analytics/efficiency?hall=h-east&from=2026-11-23T16:00:00.000Z&to=2026-11-24T16:00:00.000Z',
      supEast,
    );
    expect(day.rows).toEqual(r.rows);
  });

  it('per staff: the clerk who opened or resumed the window; a window with nobody signed in has no staff row', async () => {
    const r = await get<EfficiencyResponse>(`/api/analytics/efficiency?by=staff&${TUE}`, leader);
    // s1: w1 (4 cases, 58 min, standard 52, open 120) + w2 after 10:30 (SC-001 16 min, standard 20, open 30)
    //     = 5 cases, 74 min, standard 72, open 150: throughput 72/150 = 0.48, 2/h, idle 76/150 = 0.507, handling 74/72 = 1.028
    // s2: RS-002 20 + ZH-001 8 = 28 min, standard 24, open 60: 0.4, 2/h, idle 32/60 = 0.533, handling 28/24 = 1.167
    // h-west's window had no clerk signed in: no row ('' is nobody).
    expect(
      r.rows.map((x) => [
        x.key,
        x.cases,
        x.serviceMin,
        x.standardMin,
        x.openMin,
        x.throughput,
        x.casesPerHour,
        x.idleShare,
        x.handlingVsStandard,
      ]),
    ).toEqual([
      [s1, 5, 74, 72, 150, 0.48, 2, 0.51, 1.03],
      [s2, 2, 28, 24, 60, 0.4, 2, 0.53, 1.17],
    ]);
    expect(r.rows[0]!.name).toBe('城东区政务服务中心 sim-clerk-east-1');
  });

  it("enterprise (涉企): only the cases of 涉企 items count; idle share stays the window's own", async () => {
    const r = await get<EfficiencyResponse>(`/api/analytics/efficiency?hall=h-east&enterprise=true&${TUE}`, supEast);
    expect(r.enterprise).toBe(true);
    // w2: SC-001 16 min, standard 20, open 90 → 20/90 = 0.222, 1/90 × 60 = 0.667/h, handling 16/20 = 0.8, idle 0.511 (all services)
    // w1: SC-001 30 min, standard 20, open 120 → 20/120 = 0.167, 0.5/h, handling 1.5, idle 0.517
    expect(
      r.rows.map((x) => [
        x.key,
        x.cases,
        x.standardMin,
        x.throughput,
        x.casesPerHour,
        x.handlingVsStandard,
        x.idleShare,
        x.fallbackStandardCases,
      ]),
    ).toEqual([
      ['h-east-w2', 1, 20, 0.22, 0.67, 0.8, 0.51, 0],
      ['h-east-w1', 1, 20, 0.17, 0.5, 1.5, 0.52, 0],
    ]);
  });

  it("open spans are cut at the period's ends and at now; the scope decides which halls count", async () => {
    // 10:30–11:00 local on Tuesday: w1 (open since 09:00) 30 min, no case; w2 resumed 10:30–11:00 by s1, SC-001 at 10:45.
    const cut = await get<EfficiencyResponse>(
      '/api/analytics/efficiency?hall=h-east&from=2026-11-24T02:30:00.000Z&to=2026-11-24T03:00:00.000Z',
      supEast,
    );
    expect(cut.rows.map((x) => [x.key, x.openMin, x.cases, x.throughput])).toEqual([
      ['h-east-w2', 30, 1, 0.67],
      ['h-east-w1', 30, 0, 0],
    ]); // 20/30
    // Today: w3 opened at 13:30 and still open at 14:00 (now): 30 min, idle all of it.
    const today = await get<EfficiencyResponse>(
      '/api/analytics/efficiency?hall=h-east&from=2026-11-24T16:00:00.000Z&to=2026-11-25T16:00:00.000Z',
      supEast,
    );
    expect(today.rows).toEqual([
      expect.objectContaining({ key: 'h-east-w3', openMin: 30, cases: 0, throughput: 0, idleShare: 1 }),
    ]);
    // The city sees h-west's window too (ZH-001 5 min over 60 open: 8/60 = 0.133); the east district does not.
    const city = await get<EfficiencyResponse>(`/api/analytics/efficiency?${TUE}`, leader);
    expect(city.rows.map((x) => [x.key, x.throughput])).toEqual([
      ['h-east-w2', 0.49],
      ['h-east-w1', 0.43],
      ['h-west-w1', 0.13],
    ]);
    const east = await get<EfficiencyResponse>(`/api/analytics/efficiency?region=440902&${TUE}`, eastLeader);
    expect(east.rows.map((x) => x.key)).toEqual(['h-east-w2', 'h-east-w1']);
  });

  it('case trend: two weeks of cases, next week by the seasonal mean, its error on the hidden last week, the band', async () => {
    const r = await get<CaseTrendResponse>('/api/analytics/case-trend?hall=h-donghu&days=14&seasons=1', eastLeader);
    caseTrendResponseSchema.parse(r);
    expect(r.series.map((x) => x.day)).toEqual(
      Array.from({ length: 14 }, (_, i) => new Date(Date.UTC(2026, 10, 11 + i)).toISOString().slice(0, 10)),
    );
    expect(r.series.map((x) => x.value)).toEqual([10, 12, 14, 5, 0, 16, 18, 12, 14, 16, 6, 0, 18, 20]);
    // Holdout: week 2 hidden, forecast by week 1: errors 2 2 2 1 0 2 2 → MAE 11/7 = 1.571;
    // MAPE over the non-zero actuals (2/12 + 2/14 + 2/16 + 1/6 + 2/18 + 2/20)/6 = 13.54 %.
    expect(r.holdout).toMatchObject({
      n: 7,
      mae: 1.57,
      mape: 13.54,
      actual: [12, 14, 16, 6, 0, 18, 20],
      forecast: [10, 12, 14, 5, 0, 16, 18],
    });
    expect(r.holdout.days[0]).toBe('2026-11-18');
    // Next week from today (Wed 11-25) = last week (seasonal naive); band ± 1.571, floored at 0.
    expect(r.forecast.map((x) => x.value)).toEqual([12, 14, 16, 6, 0, 18, 20]);
    expect(r.forecast[0]).toEqual({ day: '2026-11-25', value: 12, low: 10.43, high: 13.57 });
    expect(r.forecast[4]).toEqual({ day: '2026-11-29', value: 0, low: 0, high: 1.57 });
    // A mean of two weeks: (10 + 12)/2 = 11, (12 + 14)/2 = 13, … (5 + 6)/2 = 5.5.
    const two = await get<CaseTrendResponse>(
      '/api/analytics/case-trend?hall=h-donghu&days=14&seasons=2&horizon=4',
      eastLeader,
    );
    expect(two.forecast.map((x) => x.value)).toEqual([11, 13, 15, 5.5]);
    // Tickets taken: none at h-donghu in the fixture.
    const taken = await get<CaseTrendResponse>(
      '/api/analytics/case-trend?hall=h-donghu&days=14&measure=taken',
      eastLeader,
    );
    expect(taken.series.every((x) => x.value === 0)).toBe(true);
  });

  it('review scores: smoothed toward the pooled score, ranked, by window, staff, department, hall and child region', async () => {
    const w = await get<ReviewScoresResponse>(`/api/analytics/review-scores?hall=h-east&${TUE}`, supEast);
    reviewScoresResponseSchema.parse(w);
    // w1 {5, 5, 1}: points 100 + 100 + 0 = 200, n 3; w2 {4, 3 (default)}: 75 + 50 = 125, n 2; the online review has no window.
    // Pooled prior (200 + 125)/5 = 65, m = 10: w1 (200 + 650)/13 = 65.38, w2 (125 + 650)/12 = 64.58.
    expect(w).toMatchObject({ by: 'window', reviews: 6, prior: 65, weight: 10, note: null });
    expect(w.rows).toEqual([
      {
        key: 'h-east-w1',
        name: '城东区政务服务中心 1号窗口',
        rank: 1,
        n: 3,
        score: 65.38,
        rawScore: 66.67,
        badShare: 0.33,
      },
      {
        key: 'h-east-w2',
        name: '城东区政务服务中心 2号窗口',
        rank: 2,
        n: 2,
        score: 64.58,
        rawScore: 62.5,
        badShare: 0,
      },
    ]);
    // Without the default review: w2 {4} 75; prior 275/4 = 68.75; w2 (75 + 687.5)/11 = 69.32 overtakes w1 (200 + 687.5)/13 = 68.27.
    const active = await get<ReviewScoresResponse>(
      `/api/analytics/review-scores?hall=h-east&includeDefault=false&${TUE}`,
      supEast,
    );
    expect(active.rows.map((x) => [x.key, x.rank, x.score])).toEqual([
      ['h-east-w2', 1, 69.32],
      ['h-east-w1', 2, 68.27],
    ]);
    // Staff and department come from the reviewed case: the same groups as the windows.
    const staff = await get<ReviewScoresResponse>(`/api/analytics/review-scores?hall=h-east&by=staff&${TUE}`, supEast);
    expect(staff.rows.map((x) => [x.name, x.score])).toEqual([
      ['城东区政务服务中心 sim-clerk-east-1', 65.38],
      ['城东区政务服务中心 sim-clerk-east-2', 64.58],
    ]);
    const dep = await get<ReviewScoresResponse>(
      `/api/analytics/review-scores?hall=h-east&by=department&${TUE}`,
      supEast,
    );
    expect(dep.rows.map((x) => [x.key, x.score])).toEqual([
      ['h-east-zh', 65.38],
      ['h-east-ga', 64.58],
    ]);
    // Halls: h-east {5,5,1,4,3,2} 350/6, h-west {5} 100; prior 450/7 = 64.29;
    // h-west (100 + 642.86)/11 = 67.53, h-east (350 + 642.86)/16 = 62.05.
    const halls = await get<ReviewScoresResponse>(`/api/analytics/review-scores?by=hall&${TUE}`, leader);
    expect(halls.rows.map((x) => [x.key, x.rank, x.n, x.score])).toEqual([
      ['h-west', 1, 1, 67.53],
      ['h-east', 2, 6, 62.05],
    ]);
    // 下属区划统计 at the city: the districts, with their names.
    const regions = await get<ReviewScoresResponse>(`/api/analytics/review-scores?by=region&${TUE}`, leader);
    expect(regions.rows.map((x) => [x.key, x.name, x.score])).toEqual([
      ['440904', '城西区', 67.53],
      ['440902', '城东区', 62.05],
    ]);
  });

  it('review scores with no reviews in the period: an empty list that says why', async () => {
    const r = await get<ReviewScoresResponse>(
      '/api/analytics/review-scores?hall=h-east&from=2026-11-25T00:00:00.000Z&to=2026-11-25T06:00:00.000Z',
      supEast,
    );
    expect(r.rows).toEqual([]);
    expect(r.reviews).toBe(0);
    expect(r.note).toMatch(/have not landed/);
  });

  it('multiple visits: trips of the same applicant and item within N days, per item, no applicant key in the answer', async () => {
    const q = 'region=440902&from=2026-10-01T00:00:00.000Z&to=2026-11-25T00:00:00.000Z';
    const r = await get<MultipleVisitsResponse>(`/api/analytics/multiple-visits?${q}`, eastLeader);
    multipleVisitsResponseSchema.parse(r);
    // Trips: KA/ZH-001 10-02, 10-10, 11-09 (the second ticket of 10-02 is the same trip); KA/GA-001 10-02;
    // KB/ZH-001 10-01, 11-01; KC/BDC-001 10-05, 10-06 → 8. h-west's tickets are outside the district.
    // Matters at N = 30: KA/ZH (3 trips: +8, +30), KA/GA (1), KB/ZH 2 × 1 (+31 > 30), KC/BDC (2) → 5; multi-visit 2 → 0.4.
    expect(r).toMatchObject({
      withinDays: 30,
      trips: 8,
      matters: 5,
      multiVisitMatters: 2,
      rate: 0.4,
      byTrips: { two: 1, three: 1, fourPlus: 0 },
      skippedKeys: 1,
    });
    expect(r.items).toEqual([
      { itemCode: 'BDC-001', name: '不动产转移登记', matters: 1, multiVisitMatters: 1, rate: 1, maxTrips: 2 },
      { itemCode: 'ZH-001', name: '社会保障卡申领', matters: 3, multiVisitMatters: 1, rate: 0.33, maxTrips: 3 },
      { itemCode: 'GA-001', name: '居民身份证换领', matters: 1, multiVisitMatters: 0, rate: 0, maxTrips: 1 },
    ]);
    expect(JSON.stringify(r)).not.toMatch(/aaaa|bbbb|cccc|440902199001011234/);
    // N = 31: KB's two trips join → 4 matters, 3 with several trips.
    const n31 = await get<MultipleVisitsResponse>(`/api/analytics/multiple-visits?${q}&withinDays=31`, eastLeader);
    expect(n31).toMatchObject({ matters: 4, multiVisitMatters: 3, rate: 0.75 });
    expect(n31.items.find((x) => x.itemCode === 'ZH-001')).toMatchObject({ matters: 2, multiVisitMatters: 2, rate: 1 });
  });

  it('out of scope is a 404; bad queries are coded 400s', async () => {
    for (const path of ['efficiency', 'review-scores', 'multiple-visits']) {
      expect(
        (await api(s, 'GET', `/api/analytics/${path}?hall=h-west&${TUE}`, undefined, eastLeader)).status,
        path,
      ).toBe(404);
      expect(
        (await api(s, 'GET', `/api/analytics/${path}?region=440904&${TUE}`, undefined, supEast)).status,
        path,
      ).toBe(404);
    }
    expect((await api(s, 'GET', '/api/analytics/case-trend?hall=h-west', undefined, eastLeader)).status).toBe(404);
    const bad = [
      `efficiency?${TUE}&by=hall`,
      `efficiency?${TUE}&enterprise=yes`,
      'efficiency?from=2026-11-25T00:00:00.000Z&to=2026-11-24T00:00:00.000Z',
      'case-trend?days=7',
      'case-trend?horizon=0',
      'case-trend?region=440902&hall=h-east',
      'case-trend?measure=reviews',
      `review-scores?${TUE}&by=citizen`,
      `review-scores?${TUE}&by=region&hall=h-east`,
      `review-scores?${TUE}&extra=1`,
      `multiple-visits?${TUE}&withinDays=0`,
      'multiple-visits?from=2025-01-01T00:00:00.000Z&to=2026-11-25T00:00:00.000Z',
    ];
    for (const q of bad) {
      const r = await api<{ error: { code: string } }>(s, 'GET', `/api/analytics/${q}`, undefined, leader);
      expect(r.status, `${q} → ${r.text}`).toBe(400);
      expect(r.body.error.code).toBe('HALL_ERR_BAD_REQUEST');
    }
  });
});
