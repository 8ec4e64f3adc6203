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

export function createReadModels(deps: ReadModelDeps): ReadModels {
  return {
    trend: (user, q) => loadTrend(deps, user, q),
    ranking: (user, q) => loadRanking(deps, user, q),
    regions: (user, q) => loadRegionRollup(deps, user, q),
    forecast: (user, q) => loadHallForecast(deps, user, q),
    map: (user, q) => loadRegionMap(deps, user, q),
    efficiency: (user, q) => loadServiceEfficiency(deps, user, q),
    caseTrend: (user, q) => loadCaseTrend(deps, user, q),
    reviewScores: (user, q) => loadReviewScores(deps, user, q),
    multipleVisits: (user, q) => loadMultipleVisits(deps, user, q),
    indicatorCatalog,
    indicatorValues: (user, q) => loadIndicatorValues(deps, user, q),
    hallIndicators: (hallId, q) => loadHallIndicators(deps, hallId, q),
  };
}
