import { Router } from 'express';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  forecastQuerySchema, HallError, mapQuerySchema, rankingQuerySchema, regionsQuerySchema, trendQuerySchema,
  type ForecastResponse, type RankingResponse, type RegionsResponse, type TrendResponse,
} from '../../../contracts/index.ts';
import { forecastInputs } from '../../../analytics/forecast-inputs.ts';
import { round2 } from '../../../analytics/indicators/evaluate.ts';
import { forecastNextHour, staffingAdvice } from '../../domain/models/index.ts';
import { policyOf } from '../../domain/queue/index.ts';
import { addSums, ranking, sumsByHall, trendSeries, type PeriodScope, type Sums } from '../../../analytics/screen-queries.ts';
import { hallScope, type StaffPrincipal } from '../../domain/access/scope.ts';
import { syntheticMap } from '../../domain/geo/synthetic-map.ts';
import { namesOf, regionLevel } from '../../store/regions-repo.ts';
import { authorize } from '../auth.ts';
import { parse } from '../validate.ts';
import { hallsForQuery } from './scope-halls.ts';
import type { RouteDeps } from './deps.ts';

/**
 * The leadership screens' data (issue 5 "Leadership screens": city →
 * district → town → village drill-down, rankings, trends; docs/leadership.md):
 * series and rankings from ClickHouse's hourly table, the region tree and
 * names from PostgreSQL, all narrowed to the caller's scope with
 * `indicator.read`. A region or hall outside the scope is a 404.
 */
export function analyticsRoutes({ db, clock, config, analytics, logger, queue }: RouteDeps): Router {
  const r = Router();
  const read = authorize(db, clock, 'indicator.read');

  const hallsFor = (user: StaffPrincipal, q: { region?: string | undefined; hall?: string | undefined }) => hallsForQuery(db, user, q);
  const scopeOf = (hallIds: string[], q: { from: string; to: string }): PeriodScope => ({ hallIds, from: q.from, to: q.to, tz: config.HALL_TZ });

  r.get('/api/analytics/trend', read, async (req, res) => {
    const q = parse(trendQuerySchema, req.query);
    const points = await trendSeries(analytics, scopeOf(await hallsFor(req.user!, q), q), q.bucket);
    const body: TrendResponse = { bucket: q.bucket, points };
    res.json(body);
  });

  r.get('/api/analytics/ranking', read, async (req, res) => {
    const q = parse(rankingQuerySchema, req.query);
    const rows = await ranking(analytics, scopeOf(await hallsFor(req.user!, q), q), q.by, q.limit);
    const names = await namesOf(db, q.by, rows.map((x) => x.key));
    const body: RankingResponse = { by: q.by, rows: rows.map((x) => ({ ...x, name: names.get(x.key) ?? x.key })) };
    res.json(body);
  });

  r.get('/api/analytics/regions', read, async (req, res) => {
    const q = parse(regionsQuerySchema, req.query);
    if (q.hall) throw new HallError('HALL_ERR_BAD_REQUEST', 'the region roll-up takes a region, not a hall', [{ path: 'hall', message: 'not allowed here' }]);
    const level = await regionLevel(db, hallScope(req.user!), q.region ?? null);
    if (!level) throw new HallError('HALL_ERR_NOT_FOUND', q.region ? `no region ${q.region} in your scope` : 'no halls in your scope');
    const byHall = await sumsByHall(analytics, scopeOf(level.hallIds, q));
    const sumOf = (ids: string[]): Sums => addSums(ids.map((id) => byHall.get(id)).filter((x): x is Sums => x !== undefined));
    const body: RegionsResponse = {
      region: level.region,
      total: sumOf(level.hallIds),
      children: level.children.map((c) => ({ ...c, ...sumOf(c.hallIds) })),
    };
    res.json(body);
  });

  /**
   * The models on the screen (issue 5 "Models": pressure with a next-hour
   * forecast, staffing advice): for each hall in scope, the next hour's
   * expected arrivals from the same weekday's same hour of the last 4 weeks,
   * the load and level on the wall's scale with the windows open now and the
   * people waiting now, and how many windows keep the p90 wait under the
   * target (Erlang C; docs/models.md). Appointments have not landed: none
   * are added yet.
   */
  r.get('/api/analytics/forecast', read, async (req, res) => {
    const q = parse(forecastQuerySchema, req.query);
    const hallIds = await hallsFor(req.user!, q);
    const now = clock.now().getTime();
    const hourStart = Math.ceil(now / 3_600_000) * 3_600_000;
    const weeks = 4;
    const history = await forecastInputs(analytics, hallIds, hourStart, weeks);
    const views = await Promise.all(hallIds.map((id) => queue.view(id)));
    const halls: ForecastResponse['halls'] = [];
    for (const [i, hallId] of hallIds.entries()) {
      const v = views[i]!;
      const h = history.get(hallId)!;
      const waitingNow = Object.values(v.state.tickets).filter((t) => t.status === 'waiting').length;
      const openWindows = Object.values(v.state.windows).filter((w) => w.status === 'open').length;
      const serviceFrom = h.meanServiceMin === null ? 'default' as const : 'history' as const;
      const serviceMin = h.meanServiceMin ?? policyOf(v.config).defaultServiceMin;
      const f = forecastNextHour({
        history: h.walkIns.map((w) => (w === null ? null : { walkIns: w, booked: 0, checkedIn: 0 })), bookedToday: 0, serviceMin, openWindows, waitingNow,
      }, { weeks });
      const s = staffingAdvice({ hallId, arrivalsPerHour: f.expectedArrivals, meanServiceMin: serviceMin, windows: v.config.windows.length }, { targetP90Min: q.targetP90Min });
      halls.push({
        hallId, name: v.hallName, hourStart: new Date(hourStart).toISOString(), waitingNow, openWindows, windows: v.config.windows.length,
        serviceMin: round2(serviceMin), serviceFrom, history: h.walkIns,
        forecast: {
          weeksUsed: f.weeksUsed, expectedWalkIns: round2(f.expectedWalkIns), expectedAppointments: round2(f.expectedAppointments), expectedArrivals: round2(f.expectedArrivals),
          loadMin: round2(f.loadMin), clearMin: f.clearMin === null ? null : round2(f.clearMin), level: f.level, labelZh: f.labelZh,
        },
        staffing: { windows: s.windows, p90WaitMin: s.p90WaitMin === null ? null : round2(s.p90WaitMin), meetsTarget: s.meetsTarget, utilisation: s.utilisation === null ? null : round2(s.utilisation) },
      });
    }
    const body: ForecastResponse = { hourStart: new Date(hourStart).toISOString(), targetP90Min: q.targetP90Min, halls };
    res.json(body);
  });

  /**
   * The map of a region's children: the deployment's GeoJSON
   * (MAP_GEOJSON_DIR/{code}.geojson) when there is one, else the demo's
   * synthetic tiles. Only codes in scope are kept.
   */
  r.get('/api/analytics/map', read, async (req, res) => {
    const q = parse(mapQuerySchema, req.query);
    const level = await regionLevel(db, hallScope(req.user!), q.region ?? null);
    if (!level) throw new HallError('HALL_ERR_NOT_FOUND', q.region ? `no region ${q.region} in your scope` : 'no halls in your scope');
    const areas = level.children.map((c) => ({ code: c.id, name: c.name }));
    if (config.MAP_GEOJSON_DIR && level.region) {
      const file = path.join(config.MAP_GEOJSON_DIR, `${level.region.code}.geojson`);
      const text = await readFile(file, 'utf8').catch(() => null);
      const fc = text === null ? null : parseFeatures(text);
      if (fc) {
        const codes = new Set(areas.map((a) => a.code));
        res.json({ source: 'deployment', geojson: { type: 'FeatureCollection', features: fc.filter((f) => codes.has(String(f.properties?.code))) }, areas });
        return;
      }
      // A file that is there but unreadable as GeoJSON is the operator's to fix: say so, and draw the tiles meanwhile.
      if (text !== null) logger.warn({ file }, 'MAP_GEOJSON_DIR file is not a GeoJSON FeatureCollection; showing synthetic tiles');
    }
    res.json({ source: 'synthetic', geojson: syntheticMap(areas), areas });
  });

  return r;
}

/** The features of a GeoJSON FeatureCollection, or null when the text is not one. */
function parseFeatures(text: string): { properties?: { code?: unknown } }[] | null {
  try {
    const fc = JSON.parse(text) as { type?: unknown; features?: unknown };
    return fc.type === 'FeatureCollection' && Array.isArray(fc.features) ? (fc.features as { properties?: { code?: unknown } }[]) : null;
  } catch {
    return null;
  }
}

