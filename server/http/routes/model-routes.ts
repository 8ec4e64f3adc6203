import { Router } from 'express';
import {
  caseTrendQuerySchema,
  efficiencyQuerySchema,
  multipleVisitsQuerySchema,
  reviewScoresQuerySchema,
} from '../../../contracts/index.ts';
import { authorize } from '../auth.ts';
import { parse } from '../validate.ts';
import type { RouteDeps } from './deps.ts';

/**
 * The models on the leadership screens (seed 001_8e9aa79f8e53624f.txt
 * “好差评”评价结果应用模型; seed 004_894aaa4ee2cebbc3.txt 常态化监测 line 1058
 * 人员工作量分析、部门办件分析, lines 1086–1089 实时效能, line 1188 “两减”),
 * with `indicator.read` exactly as analytics-routes.ts: outside the scope is
 * a 404. What each answers is computed in server/queries/ (service-efficiency,
 * case-trend, review-scores, multiple-visits); docs/models.md "On the
 * screens"; docs/analytics.md.
 */
export function modelRoutes({ db, clock, readModels }: RouteDeps): Router {
  const r = Router();
  const read = authorize(db, clock, 'indicator.read');

  /** 服务效能 / 涉企服务效能 per window or staff (server/queries/service-efficiency.ts). */
  r.get('/api/analytics/efficiency', read, async (req, res) => {
    const q = parse(efficiencyQuerySchema, req.query);
    res.json(await readModels.efficiency(req.user!, q));
  });

  /** 办件趋势: whole hall days, the seasonal forecast and its holdout error (server/queries/case-trend.ts). */
  r.get('/api/analytics/case-trend', read, async (req, res) => {
    const q = parse(caseTrendQuerySchema, req.query);
    res.json(await readModels.caseTrend(req.user!, q));
  });

  /** 好差评评分量化 by window, staff, department, hall or child region (server/queries/review-scores.ts). */
  r.get('/api/analytics/review-scores', read, async (req, res) => {
    const q = parse(reviewScoresQuerySchema, req.query);
    res.json(await readModels.reviewScores(req.user!, q));
  });

  /** 跑多次 per item; only counts leave the server (server/queries/multiple-visits.ts). */
  r.get('/api/analytics/multiple-visits', read, async (req, res) => {
    const q = parse(multipleVisitsQuerySchema, req.query);
    res.json(await readModels.multipleVisits(req.user!, q));
  });

  return r;
}
