import { Router } from 'express';
import { hallParamsSchema, indicatorPeriodQuerySchema, indicatorValuesQuerySchema } from '../../../contracts/index.ts';
import { authorize } from '../auth.ts';
import { parse } from '../validate.ts';
import type { RouteDeps } from './deps.ts';

/**
 * The indicator catalog over REST (DOMAIN.md "Indicators and models": 004
 * 常态化监测 an indicator library (指标库); docs/indicators.md).
 * `indicator.read` (leaders, supervisors, the system administrator),
 * narrowed to the caller's halls (001 §1.1.1.17): a region outside the scope
 * is a 404 like one that does not exist. The values are computed in
 * server/queries/indicator-values.ts.
 */
export function indicatorRoutes({ db, clock, readModels }: RouteDeps): Router {
  const r = Router();

  r.get('/api/indicators', authorize(db, clock, 'indicator.read'), (_req, res) => {
    res.json(readModels.indicatorCatalog());
  });

  r.get('/api/indicators/values', authorize(db, clock, 'indicator.read'), async (req, res) => {
    const q = parse(indicatorValuesQuerySchema, req.query);
    res.json(await readModels.indicatorValues(req.user!, q));
  });

  r.get(
    '/api/halls/:hallId/indicators',
    authorize(db, clock, 'indicator.read', { hallParam: 'hallId' }),
    async (req, res) => {
      const { hallId } = parse(hallParamsSchema, req.params);
      const q = parse(indicatorPeriodQuerySchema, req.query);
      res.json(await readModels.hallIndicators(hallId, q));
    },
  );

  return r;
}
