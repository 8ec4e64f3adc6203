import type { z } from 'zod';
import type { RankingResponse, rankingQuerySchema } from '../../contracts/index.ts';
import { ranking, type Sums } from '../../analytics/screen-queries.ts';
import type { StaffPrincipal } from '../domain/access/scope.ts';
import { namesOf } from '../store/regions-repo.ts';
import { hallsForQuery, periodScope } from './halls-in-scope.ts';
import type { ReadModelDeps } from './read-model-deps.ts';

/**
 * The leadership screens' rankings (DOMAIN.md "Who uses it": leadership —
 * rankings; seed 004_894aaa4ee2cebbc3.txt line 1058 人员工作量分析、部门办件分析、
 * 高频事项分析): halls, windows, items, departments or staff, busiest first,
 * with their display names (analytics/screen-queries.ts `ranking`;
 * docs/leadership.md).
 */
export type RankingQuery = z.output<typeof rankingQuerySchema>;

/** The ranking with each key's display name (a key without one shows as itself). Pure. */
export function rankingResponse(
  by: RankingQuery['by'],
  rows: readonly (Sums & { key: string; hallId: string })[],
  names: ReadonlyMap<string, string>,
): RankingResponse {
  return { by, rows: rows.map((x) => ({ ...x, name: names.get(x.key) ?? x.key })) };
}

export async function loadRanking(
  deps: ReadModelDeps,
  user: StaffPrincipal,
  q: RankingQuery,
): Promise<RankingResponse> {
  const rows = await ranking(
    deps.analytics,
    periodScope(await hallsForQuery(deps.db, user, q), q, deps.config.HALL_TZ),
    q.by,
    q.limit,
  );
  const names = await namesOf(
    deps.db,
    q.by,
    rows.map((x) => x.key),
  );
  return rankingResponse(q.by, rows, names);
}
