import { Router } from 'express';
import {
  caseTrendQuerySchema, efficiencyQuerySchema, HallError, multipleVisitsQuerySchema, reviewScoresQuerySchema,
  type CaseTrendResponse, type EfficiencyResponse, type MultipleVisitsResponse, type ReviewScoresResponse,
} from '../../../contracts/index.ts';
import { dailyCounts, efficiencyInputs, reviewRows, visitInputs, type VisitRow } from '../../../analytics/model-inputs.ts';
import { round2 } from '../../../analytics/indicators/evaluate.ts';
import type { PeriodScope } from '../../../analytics/screen-queries.ts';
import {
  DAY_MS, DEFAULT_PRIOR, DEFAULT_PRIOR_WEIGHT, LOOKUP_KEY_PATTERN, multipleVisits, rankReviews, serviceEfficiency, trendForecast,
  type RatingLevel, type ReviewRecord, type ServiceRecord,
} from '../../domain/models/index.ts';
import { hallScope } from '../../domain/access/scope.ts';
import { hallDay, isWholeHallDays, minuteOfDay } from '../../domain/hall-time.ts';
import { itemStandards } from '../../store/item-standards-repo.ts';
import { namesOf, regionLevel } from '../../store/regions-repo.ts';
import { authorize } from '../auth.ts';
import { parse } from '../validate.ts';
import { hallsForQuery } from './scope-halls.ts';
import type { RouteDeps } from './deps.ts';

/**
 * The models of issue 5 on the leadership screens (seed 001_8e9aa79f8e53624f.txt
 * “好差评”评价结果应用模型; seed 004_894aaa4ee2cebbc3.txt 常态化监测 line 1058
 * 人员工作量分析、部门办件分析, lines 1086–1089 实时效能, line 1188 “两减”):
 * inputs from ClickHouse (analytics/model-inputs.ts) and PostgreSQL, the
 * rules from server/domain/models, narrowed to the caller's scope with
 * `indicator.read` exactly as analytics-routes.ts: outside the scope is a 404.
 * docs/models.md "On the screens"; docs/analytics.md.
 */
export function modelRoutes({ db, clock, config, analytics }: RouteDeps): Router {
  const r = Router();
  const read = authorize(db, clock, 'indicator.read');
  const scopeOf = (hallIds: string[], q: { from: string; to: string }): PeriodScope => ({ hallIds, from: q.from, to: q.to, tz: config.HALL_TZ });
  const r2 = (v: number | null) => (v === null ? null : round2(v));

  /**
   * 服务效能 / 涉企服务效能 per window or staff (efficiency.ts). An item's
   * standard is items.standard_min, else its own average handling time in the
   * period (migration 014). Enterprise: the cases of items flagged 涉企.
   */
  r.get('/api/analytics/efficiency', read, async (req, res) => {
    const q = parse(efficiencyQuerySchema, req.query);
    const hallIds = await hallsForQuery(db, req.user!, q);
    const [inputs, standards] = await Promise.all([efficiencyInputs(analytics, scopeOf(hallIds, q), clock.now().toISOString(), isWholeHallDays(new Date(q.from), new Date(q.to), clock.now(), config.HALL_TZ)), itemStandards(db, hallIds)]);
    const standardMin: Record<string, number> = {};
    for (const [item, m] of inputs.averageMin) standardMin[item] = m;
    const fallbackCases = new Map<string, number>();
    for (const [item, st] of standards) if (st.standardMin !== null) standardMin[item] = st.standardMin;
    const services: ServiceRecord[] = inputs.services.map((g) => {
      const item = `${g.hallId}/${g.itemCode}`;
      const key = q.by === 'window' ? g.windowId : g.staffId;
      const configured = standards.get(item)?.standardMin ?? null;
      const enterprise = standards.get(item)?.enterprise ?? false;
      if (configured === null && (!q.enterprise || enterprise)) fallbackCases.set(key, (fallbackCases.get(key) ?? 0) + g.cases);
      return { windowId: g.windowId, staffId: g.staffId, itemCode: item, serviceMin: g.serviceMin, applicant: enterprise ? 'enterprise' : 'person', count: g.cases };
    });
    const rows = serviceEfficiency(services, inputs.open, { by: q.by, standardMin, applicant: q.enterprise ? 'enterprise' : 'all' })
      // A window served or opened without a signed-in clerk has no staff: no staff row for it.
      .filter((x) => x.key !== '');
    const hallOf = new Map<string, string>();
    for (const g of [...inputs.services, ...inputs.open]) hallOf.set(q.by === 'window' ? g.windowId : g.staffId, g.hallId);
    rows.sort((a, b) => (b.throughput ?? -1) - (a.throughput ?? -1) || b.cases - a.cases || (a.key < b.key ? -1 : 1));
    const top = rows.slice(0, q.limit);
    const names = await namesOf(db, q.by, top.map((x) => x.key));
    const body: EfficiencyResponse = {
      by: q.by, enterprise: q.enterprise,
      rows: top.map((x) => ({
        key: x.key, name: names.get(x.key) ?? x.key, hallId: hallOf.get(x.key) ?? '',
        cases: x.cases, serviceMin: round2(x.serviceMin), standardMin: round2(x.standardMin), openMin: round2(x.openMin),
        casesPerHour: r2(x.casesPerHour), throughput: r2(x.throughput), idleShare: r2(x.idleShare),
        handlingVsStandard: x.standardMin > 0 ? round2(x.serviceMin / x.standardMin) : null,
        fallbackStandardCases: fallbackCases.get(x.key) ?? 0,
      })),
    };
    res.json(body);
  });

  /**
   * 办件趋势 (case-trend.ts): cases (or tickets) per hall day over the last
   * `days` whole days, the seasonal mean of the last `seasons` weeks for the
   * next `horizon` days, and its error on the last week hidden.
   */
  r.get('/api/analytics/case-trend', read, async (req, res) => {
    const q = parse(caseTrendQuerySchema, req.query);
    const hallIds = await hallsForQuery(db, req.user!, q);
    const tz = config.HALL_TZ;
    // Hall days by their UTC-midnight label; the period runs from the first day's local midnight to today's.
    const today = Date.parse(`${hallDay(clock.now(), tz)}T00:00:00Z`);
    const dayAt = (i: number) => new Date(today + i * DAY_MS).toISOString().slice(0, 10);
    const localMidnight = (label: string) => { const noon = new Date(`${label}T12:00:00Z`); return noon.getTime() - minuteOfDay(noon, tz) * 60_000 - (hallDay(noon, tz) > label ? DAY_MS : hallDay(noon, tz) < label ? -DAY_MS : 0); };
    const days = Array.from({ length: q.days }, (_, i) => dayAt(i - q.days));
    const counts = await dailyCounts(analytics, { hallIds, from: new Date(localMidnight(days[0]!)).toISOString(), to: new Date(localMidnight(dayAt(0))).toISOString(), tz }, q.measure);
    const series = days.map((d) => counts.get(d) ?? 0);
    const season = 7;
    const f = trendForecast(series, { season, horizon: q.horizon, seasons: q.seasons });
    const mae = f.holdout.error.mae ?? 0;
    const body: CaseTrendResponse = {
      measure: q.measure, season, seasons: q.seasons,
      series: days.map((day, i) => ({ day, value: series[i]! })),
      forecast: f.forecast.map((v, i) => ({ day: dayAt(i), value: round2(v), low: round2(Math.max(0, v - mae)), high: round2(v + mae) })),
      holdout: {
        days: days.slice(days.length - f.holdout.actual.length), actual: f.holdout.actual, forecast: f.holdout.forecast.map(round2),
        n: f.holdout.error.n, mae: r2(f.holdout.error.mae), mape: r2(f.holdout.error.mape),
      },
    };
    res.json(body);
  });

  /**
   * 好差评评分量化 (review-score.ts): smoothed 0–100 scores ranked by window,
   * staff, department, hall or child region (下属区划统计). Reviews have not
   * landed: an empty list says so in `note`.
   */
  r.get('/api/analytics/review-scores', read, async (req, res) => {
    const q = parse(reviewScoresQuerySchema, req.query);
    if (q.by === 'region' && q.hall) throw new HallError('HALL_ERR_BAD_REQUEST', 'the region ranking takes a region, not a hall', [{ path: 'hall', message: 'not allowed with by=region' }]);
    const hallIds = await hallsForQuery(db, req.user!, q);
    // 下属区划统计: each hall counts for the child of the level asked for (a hall placed at the level counts for itself).
    const level = q.by === 'region' ? await regionLevel(db, hallScope(req.user!), q.region ?? null) : null;
    const childOf = new Map<string, { id: string; name: string }>();
    for (const c of level?.children ?? []) for (const h of c.hallIds) childOf.set(h, { id: c.id, name: c.name });
    const found = await reviewRows(analytics, scopeOf(hallIds, q), q.includeDefault);
    const records: ReviewRecord[] = found.filter((x) => x.level >= 1 && x.level <= 5).map((x) => ({
      level: x.level as RatingLevel, windowId: x.windowId || null, staffId: x.staffId || null, departmentId: x.departmentId || null,
      hallId: x.hallId, regionCode: childOf.get(x.hallId)?.id ?? x.hallId,
    }));
    const ranked = rankReviews(records, q.by);
    const n = ranked.reduce((a, x) => a + x.n, 0);
    const prior = n > 0 ? ranked.reduce((a, x) => a + (x.rawScore ?? 0) * x.n, 0) / n : DEFAULT_PRIOR;
    const top = ranked.slice(0, q.limit);
    const names = q.by === 'region' ? new Map([...childOf.values()].map((c) => [c.id, c.name])) : await namesOf(db, q.by, top.map((x) => x.key));
    const body: ReviewScoresResponse = {
      by: q.by, includeDefault: q.includeDefault, reviews: found.length, prior: round2(prior), weight: DEFAULT_PRIOR_WEIGHT,
      rows: top.map((x) => ({ key: x.key, name: names.get(x.key) ?? x.key, rank: x.rank, n: x.n, score: round2(x.score), rawScore: r2(x.rawScore), badShare: r2(x.badShare) })),
      note: found.length === 0
        ? 'No review.submitted events in this scope and period: reviews (好差评, 001 §1.1.1.3–1.1.1.10) have not landed yet, so there is nothing to rank.'
        : null,
    };
    res.json(body);
  });

  /**
   * 跑多次 (multiple-visits.ts): matters of the same applicant (keyed hash)
   * and item with ≥ 2 trips within `withinDays`, in the period, per item.
   * Only counts leave the server, never an applicant key.
   */
  r.get('/api/analytics/multiple-visits', read, async (req, res) => {
    const q = parse(multipleVisitsQuerySchema, req.query);
    const hallIds = await hallsForQuery(db, req.user!, q);
    // Pairs with one trip day are one matter each and are only counted in ClickHouse; the model chains the others.
    const v = await visitInputs(analytics, scopeOf(hallIds, q), LOOKUP_KEY_PATTERN);
    const singles = [...v.singlesByItem.values()].reduce((a, n) => a + n, 0);
    const chained = multipleVisits(v.multi, { withinDays: q.withinDays });
    const total = { matters: chained.matters + singles, multiVisitMatters: chained.multiVisitMatters, repeats: chained.repeats };
    const rateOf = (multi: number, matters: number) => (matters > 0 ? multi / matters : null);
    const byItem = new Map<string, VisitRow[]>();
    for (const x of v.multi) byItem.set(x.itemCode, [...(byItem.get(x.itemCode) ?? []), x]);
    for (const item of v.singlesByItem.keys()) if (!byItem.has(item)) byItem.set(item, []);
    const items = [...byItem.entries()].map(([itemCode, vs]) => {
      const m = multipleVisits(vs, { withinDays: q.withinDays });
      const matters = m.matters + (v.singlesByItem.get(itemCode) ?? 0);
      return { itemCode, matters, multiVisitMatters: m.multiVisitMatters, rate: r2(rateOf(m.multiVisitMatters, matters)), maxTrips: m.repeats[0]?.visits ?? (matters > 0 ? 1 : 0) };
    }).filter((x) => x.matters > 0).sort((a, b) => b.multiVisitMatters - a.multiVisitMatters || (b.rate ?? 0) - (a.rate ?? 0) || (a.itemCode < b.itemCode ? -1 : 1)).slice(0, q.limit);
    const names = await namesOf(db, 'item', items.map((x) => x.itemCode));
    const body: MultipleVisitsResponse = {
      withinDays: q.withinDays, trips: v.trips,
      matters: total.matters, multiVisitMatters: total.multiVisitMatters, rate: r2(rateOf(total.multiVisitMatters, total.matters)),
      byTrips: {
        two: total.repeats.filter((x) => x.visits === 2).length,
        three: total.repeats.filter((x) => x.visits === 3).length,
        fourPlus: total.repeats.filter((x) => x.visits >= 4).length,
      },
      items: items.map((x) => ({ ...x, name: names.get(x.itemCode) ?? x.itemCode })),
      skippedKeys: v.skippedTrips,
    };
    res.json(body);
  });

  return r;
}
