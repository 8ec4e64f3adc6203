import { Router } from 'express';
import { HallError, hallParamsSchema, indicatorPeriodQuerySchema, indicatorValuesQuerySchema, type IndicatorValuesResponse } from '../../../contracts/index.ts';
import { catalog, findIndicator } from '../../../analytics/indicators/catalog.ts';
import { evaluateAll } from '../../../analytics/indicators/evaluate.ts';
import { authorize } from '../auth.ts';
import { parse } from '../validate.ts';
import { hallsForQuery } from './scope-halls.ts';
import type { RouteDeps } from './deps.ts';

/**
 * The indicator catalog over REST (issue 5 "Indicator catalog": "listed at
 * GET /api/indicators"; docs/indicators.md). `indicator.read` (leaders,
 * supervisors, the system administrator), narrowed to the caller's halls
 * (001 §1.1.1.17): a region outside the scope is a 404 like one that does
 * not exist. Values are computed in ClickHouse from the relayed events, so
 * they trail the live hall by the relay's lag (about a second).
 */
export function indicatorRoutes({ db, clock, config, analytics }: RouteDeps): Router {
  const r = Router();

  r.get('/api/indicators', authorize(db, clock, 'indicator.read'), (_req, res) => {
    res.json({ indicators: catalog.map(({ sql: _sql, ...d }) => d) });
  });

  r.get('/api/indicators/values', authorize(db, clock, 'indicator.read'), async (req, res) => {
    const q = parse(indicatorValuesQuerySchema, req.query);
    const ids = checkedIds(q.ids);
    const hallIds = await hallsForQuery(db, req.user!, { region: q.region });
    const values = await evaluateAll(analytics, { hallIds, from: q.from, to: q.to, tz: config.HALL_TZ }, ids);
    const body: IndicatorValuesResponse = { scope: { hallIds, region: q.region ?? null, from: q.from, to: q.to }, values };
    res.json(body);
  });

  r.get('/api/halls/:hallId/indicators', authorize(db, clock, 'indicator.read', { hallParam: 'hallId' }), async (req, res) => {
    const { hallId } = parse(hallParamsSchema, req.params);
    const q = parse(indicatorPeriodQuerySchema, req.query);
    const ids = checkedIds(q.ids);
    const values = await evaluateAll(analytics, { hallIds: [hallId], from: q.from, to: q.to, tz: config.HALL_TZ }, ids);
    const body: IndicatorValuesResponse = { scope: { hallIds: [hallId], region: null, from: q.from, to: q.to }, values };
    res.json(body);
  });

  return r;
}

/** Unknown indicator ids are a coded 400 naming them, not a 500 from the evaluator. */
function checkedIds(ids: string[] | undefined): string[] | undefined {
  if (ids === undefined || ids.length === 0) return undefined;
  const unknown = ids.filter((id) => !findIndicator(id));
  if (unknown.length > 0) {
    throw new HallError('HALL_ERR_BAD_REQUEST', `unknown indicator ${unknown.join(', ')}`, unknown.map((id) => ({ path: 'ids', message: `unknown indicator ${id}` })));
  }
  return ids;
}
