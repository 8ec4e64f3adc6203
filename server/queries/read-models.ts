import type {
  CaseTrendResponse,
  EfficiencyResponse,
  ForecastResponse,
  IndicatorDescription,
  IndicatorValuesResponse,
  MultipleVisitsResponse,
  RankingResponse,
  RegionsResponse,
  ReviewScoresResponse,
  TrendResponse,
} from '../../contracts/index.ts';
import type { StaffPrincipal } from '../domain/access/scope.ts';
import { loadCaseTrend, type CaseTrendQuery } from './case-trend.ts';
import { loadHallForecast, type ForecastQuery } from './hall-forecast.ts';
import {
  indicatorCatalog,
  loadHallIndicators,
  loadIndicatorValues,
  type IndicatorPeriodQuery,
  type IndicatorValuesQuery,
} from './indicator-values.ts';
import { loadMultipleVisits, type MultipleVisitsQuery } from './multiple-visits.ts';
import type { ReadModelDeps } from './read-model-deps.ts';
import { loadRegionMap, type MapQuery, type RegionMap } from './region-map.ts';
import { loadRegionRollup, type RegionsQuery } from './region-rollup.ts';
import { loadReviewScores, type ReviewScoresQuery } from './review-scores.ts';
import { loadRanking, type RankingQuery } from './screen-ranking.ts';
import { loadTrend, type TrendQuery } from './screen-trend.ts';
import { loadServiceEfficiency, type EfficiencyQuery } from './service-efficiency.ts';
import { createSharedReads } from './shared-reads.ts';

export type { ReadModelDeps } from './read-model-deps.ts';

/**
 * The leadership screens' read models (DOMAIN.md "Who uses it": leadership —
 * indicators, rankings, trends, models; "Indicators and models": 001
 * 评价结果应用模型, 004 常态化监测): each takes the caller and the parsed query
 * and answers the response body, narrowed to the caller's halls (001
 * §1.1.1.17; outside the scope is a 404). The routes hold this object rather
 * than PostgreSQL and ClickHouse, so what a screen shows is computed in one
 * place (server/queries/) and the HTTP layer only parses, authorizes and sends.
 */
export interface ReadModels {
  trend(user: StaffPrincipal, q: TrendQuery): Promise<TrendResponse>;
  ranking(user: StaffPrincipal, q: RankingQuery): Promise<RankingResponse>;
  regions(user: StaffPrincipal, q: RegionsQuery): Promise<RegionsResponse>;
  forecast(user: StaffPrincipal, q: ForecastQuery): Promise<ForecastResponse>;
  map(user: StaffPrincipal, q: MapQuery): Promise<RegionMap>;
  efficiency(user: StaffPrincipal, q: EfficiencyQuery): Promise<EfficiencyResponse>;
  caseTrend(user: StaffPrincipal, q: CaseTrendQuery): Promise<CaseTrendResponse>;
  reviewScores(user: StaffPrincipal, q: ReviewScoresQuery): Promise<ReviewScoresResponse>;
  multipleVisits(user: StaffPrincipal, q: MultipleVisitsQuery): Promise<MultipleVisitsResponse>;
  indicatorCatalog(): { indicators: IndicatorDescription[] };
  indicatorValues(user: StaffPrincipal, q: IndicatorValuesQuery): Promise<IndicatorValuesResponse>;
  /** One hall's values; the caller's right to the hall is checked by the route's authorize (hall parameter). */
  hallIndicators(hallId: string, q: IndicatorPeriodQuery): Promise<IndicatorValuesResponse>;
}

/**
 * Callers with the same scope asking the same question within `shareMs` share one answer
 * (shared-reads.ts; READ_SHARE_MS, docs/scaling.md): the leaders' 9:00 is one query per scope.
 */
export function createReadModels(
  deps: ReadModelDeps & { shareMs?: number; countShared?: (r: 'hit' | 'shared' | 'miss') => void },
): ReadModels {
  const shareMs = deps.shareMs ?? 10_000;
  const shared = createSharedReads({
    ttlMs: shareMs,
    max: 2_000,
    ...(deps.countShared ? { count: deps.countShared } : {}),
  });
  /** The scope a caller's answer depends on: role and bindings, not the person. */
  const scopeKey = (u: StaffPrincipal) => `${u.role}|${u.hallId ?? ''}|${u.regionCode ?? ''}|${u.departmentId ?? ''}`;
  const byUser =
    <Q, R>(name: string, load: (deps: ReadModelDeps, user: StaffPrincipal, q: Q) => Promise<R>) =>
    (user: StaffPrincipal, q: Q): Promise<R> =>
      shareMs > 0
        ? shared.share(`${name}|${scopeKey(user)}|${JSON.stringify(q)}`, () => load(deps, user, q))
        : load(deps, user, q);
  return {
    trend: byUser('trend', loadTrend),
    ranking: byUser('ranking', loadRanking),
    regions: byUser('regions', loadRegionRollup),
    forecast: byUser('forecast', loadHallForecast),
    map: byUser('map', loadRegionMap),
    efficiency: byUser('efficiency', loadServiceEfficiency),
    caseTrend: byUser('caseTrend', loadCaseTrend),
    reviewScores: byUser('reviewScores', loadReviewScores),
    multipleVisits: byUser('multipleVisits', loadMultipleVisits),
    indicatorCatalog,
    indicatorValues: byUser('indicatorValues', loadIndicatorValues),
    hallIndicators: (hallId, q) =>
      shareMs > 0
        ? shared.share(`hallIndicators|${hallId}|${JSON.stringify(q)}`, () => loadHallIndicators(deps, hallId, q))
        : loadHallIndicators(deps, hallId, q),
  };
}
