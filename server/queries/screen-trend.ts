import type { z } from 'zod';
import type { TrendResponse, trendQuerySchema } from '../../contracts/index.ts';
import { trendSeries } from '../../analytics/screen-queries.ts';
import type { StaffPrincipal } from '../domain/access/scope.ts';
import { hallsForQuery, periodScope } from './halls-in-scope.ts';
import type { ReadModelDeps } from './read-model-deps.ts';

/**
 * The leadership screens' trend (DOMAIN.md "Who uses it": leadership —
 * trends; seed 004_894aaa4ee2cebbc3.txt 常态化监测): taken, called, served,
 * cases and average wait and handling per day, hour or minute over the
 * caller's halls, from ClickHouse's aggregates (analytics/screen-queries.ts;
 * docs/leadership.md).
 */
export type TrendQuery = z.output<typeof trendQuerySchema>;

export async function loadTrend(deps: ReadModelDeps, user: StaffPrincipal, q: TrendQuery): Promise<TrendResponse> {
  const points = await trendSeries(
    deps.analytics,
    periodScope(await hallsForQuery(deps.db, user, q), q, deps.config.HALL_TZ),
    q.bucket,
  );
  return { bucket: q.bucket, points };
}
