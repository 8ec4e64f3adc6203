import type { z } from 'zod';
import { HallError, type RegionsResponse, type regionsQuerySchema } from '../../contracts/index.ts';
import { addSums, sumsByHall, type Sums } from '../../analytics/screen-queries.ts';
import { hallScope, type StaffPrincipal } from '../domain/access/scope.ts';
import { regionLevel, type RegionLevelView } from '../store/regions-repo.ts';
import { periodScope } from './halls-in-scope.ts';
import type { ReadModelDeps } from './read-model-deps.ts';

/**
 * The region roll-up of the leadership screens' drill-down (DOMAIN.md "Who
 * uses it": city → district → town → village; 001 §1.1.1.17 scope): the
 * level asked for (or the top of the caller's scope), its total, and one
 * entry per child region with halls in scope and per hall placed at the
 * region itself. A region outside the scope is a 404. docs/leadership.md.
 */
export type RegionsQuery = z.output<typeof regionsQuerySchema>;

/** Adds up the per-hall sums for the level and each child (a hall without events adds nothing). Pure. */
export function regionRollup(level: RegionLevelView, byHall: ReadonlyMap<string, Sums>): RegionsResponse {
  const sumOf = (ids: string[]): Sums =>
    addSums(ids.map((id) => byHall.get(id)).filter((x): x is Sums => x !== undefined));
  return {
    region: level.region,
    total: sumOf(level.hallIds),
    children: level.children.map((c) => ({ ...c, ...sumOf(c.hallIds) })),
  };
}

export async function loadRegionRollup(
  deps: ReadModelDeps,
  user: StaffPrincipal,
  q: RegionsQuery,
): Promise<RegionsResponse> {
  if (q.hall)
    throw new HallError('HALL_ERR_BAD_REQUEST', 'the region roll-up takes a region, not a hall', [
      { path: 'hall', message: 'not allowed here' },
    ]);
  const level = await regionLevel(deps.db, hallScope(user), q.region ?? null);
  if (!level)
    throw new HallError(
      'HALL_ERR_NOT_FOUND',
      q.region ? `no region ${q.region} in your scope` : 'no halls in your scope',
    );
  const byHall = await sumsByHall(deps.analytics, periodScope(level.hallIds, q, deps.config.HALL_TZ));
  return regionRollup(level, byHall);
}
