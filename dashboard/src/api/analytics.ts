import {
  indicatorCatalogResponseSchema,
  indicatorValuesResponseSchema,
  type IndicatorValuesResponse,
} from '@contracts/indicator-rest.ts';
import type { IndicatorDescription } from '@contracts/indicators.ts';
import {
  forecastResponseSchema,
  mapResponseSchema,
  rankingResponseSchema,
  regionsResponseSchema,
  trendResponseSchema,
  type ForecastResponse,
  type MapResponse,
  type RankingResponse,
  type RegionsResponse,
  type TrendResponse,
} from '@contracts/analytics-rest.ts';
import {
  caseTrendResponseSchema,
  efficiencyResponseSchema,
  multipleVisitsResponseSchema,
  reviewScoresResponseSchema,
  type CaseTrendResponse,
  type EfficiencyResponse,
  type MultipleVisitsResponse,
  type ReviewScoresResponse,
} from '@contracts/model-rest.ts';
import { path, request } from './client.ts';

/**
 * The leadership screens' and the report's reads (docs/leadership.md,
 * docs/indicators.md, docs/models.md). A scope is a region (and the regions
 * below it), one hall, or neither: every hall the caller may see.
 */
export interface Scope {
  region?: string;
  hall?: string;
}
export interface Range {
  from: string;
  to: string;
}

export async function indicatorCatalog(): Promise<IndicatorDescription[]> {
  return (await request(indicatorCatalogResponseSchema, path('indicators'))).indicators;
}

/** The catalog's values over the halls of a region (all halls in scope without one). */
export function regionIndicators(q: { region?: string } & Range): Promise<IndicatorValuesResponse> {
  return request(indicatorValuesResponseSchema, path('indicators', 'values'), { query: { ...q } });
}

export function hallIndicators(hallId: string, range: Range): Promise<IndicatorValuesResponse> {
  return request(indicatorValuesResponseSchema, path('halls', hallId, 'indicators'), { query: { ...range } });
}

export function trend(q: Scope & Range & { bucket: 'day' | 'hour' | 'minute' }): Promise<TrendResponse> {
  return request(trendResponseSchema, path('analytics', 'trend'), { query: { ...q } });
}

export function ranking(q: Scope & Range & { by: RankingResponse['by']; limit: number }): Promise<RankingResponse> {
  return request(rankingResponseSchema, path('analytics', 'ranking'), { query: { ...q, limit: String(q.limit) } });
}

export function regions(q: { region?: string } & Range): Promise<RegionsResponse> {
  return request(regionsResponseSchema, path('analytics', 'regions'), { query: { ...q } });
}

export function regionMap(region: string | undefined): Promise<MapResponse> {
  return request(mapResponseSchema, path('analytics', 'map'), { query: { region } });
}

export function forecast(q: Scope): Promise<ForecastResponse> {
  return request(forecastResponseSchema, path('analytics', 'forecast'), { query: { ...q } });
}

export function efficiency(
  q: Scope & Range & { by: EfficiencyResponse['by']; enterprise: boolean; limit: number },
): Promise<EfficiencyResponse> {
  return request(efficiencyResponseSchema, path('analytics', 'efficiency'), {
    query: { ...q, enterprise: String(q.enterprise), limit: String(q.limit) },
  });
}

export function caseTrend(q: Scope): Promise<CaseTrendResponse> {
  return request(caseTrendResponseSchema, path('analytics', 'case-trend'), { query: { ...q } });
}

export function reviewScores(
  q: Scope & Range & { by: 'window' | 'hall'; limit: number },
): Promise<ReviewScoresResponse> {
  return request(reviewScoresResponseSchema, path('analytics', 'review-scores'), {
    query: { ...q, limit: String(q.limit) },
  });
}

export function multipleVisits(q: Scope & Range & { limit: number }): Promise<MultipleVisitsResponse> {
  return request(multipleVisitsResponseSchema, path('analytics', 'multiple-visits'), {
    query: { ...q, limit: String(q.limit) },
  });
}
