import { Router } from 'express';
import {
  forecastQuerySchema,
  mapQuerySchema,
  rankingQuerySchema,
  regionsQuerySchema,
  trendQuerySchema,
} from '../../../contracts/index.ts';
import { authorize } from '../auth.ts';
import { parse } from '../validate.ts';
import type { RouteDeps } from './deps.ts';

/**
 * The leadership screens' data (DOMAIN.md "Who uses it": leadership — city →
 * district → town → village drill-down, rankings, trends; docs/leadership.md),
 * all narrowed to the caller's scope with `indicator.read`. A region or hall
 * outside the scope is a 404. What each answers is computed in
 * server/queries/ (screen-trend, screen-ranking, region-rollup,
 * hall-forecast, region-map).
 */
export function analyticsRoutes({ db, clock, readModels }: RouteDeps): Router {
  const r = Router();
  const read = authorize(db, clock, 'indicator.read');

  r.get('/api/analytics/trend', read, async (req, res) => {
    const q = parse(trendQuerySchema, req.query);
    res.json(await readModels.trend(req.user!, q));
  });

  r.get('/api/analytics/ranking', read, async (req, res) => {
    const q = parse(rankingQuerySchema, req.query);
    res.json(await readModels.ranking(req.user!, q));
  });

  r.get('/api/analytics/regions', read, async (req, res) => {
    const q = parse(regionsQuerySchema, req.query);
    res.json(await readModels.regions(req.user!, q));
  });

  /** The pressure model's next-hour forecast and the staffing advice per hall (server/queries/hall-forecast.ts; docs/models.md). */
  r.get('/api/analytics/forecast', read, async (req, res) => {
    const q = parse(forecastQuerySchema, req.query);
    res.json(await readModels.forecast(req.user!, q));
  });

  /** The deployment's GeoJSON of a region's children, else the demo's synthetic tiles (server/queries/region-map.ts). */
  r.get('/api/analytics/map', read, async (req, res) => {
    const q = parse(mapQuerySchema, req.query);
    res.json(await readModels.map(req.user!, q));
  });

  return r;
}
