import { HallError } from '../../contracts/index.ts';
import type { PeriodScope } from '../../analytics/screen-queries.ts';
import { hallScope, type StaffPrincipal } from '../domain/access/scope.ts';
import { hallInScope, hallsOfRegionInScope } from '../store/halls-repo.ts';
import type { Db } from '../store/pool.ts';

/**
 * The halls an indicator or screen query covers: one hall, the halls of a
 * region and the regions below it, or — neither given — every hall the
 * caller may see (001 §1.1.1.17; DOMAIN.md "every service point manages only
 * its own"). Outside the scope is a 404, like a hall that does not exist.
 */
export async function hallsForQuery(
  db: Db,
  user: StaffPrincipal,
  q: { region?: string | undefined; hall?: string | undefined },
): Promise<string[]> {
  const scope = hallScope(user);
  if (q.hall) {
    if (!(await hallInScope(db, scope, q.hall))) throw new HallError('HALL_ERR_NOT_FOUND', `no hall ${q.hall}`);
    return [q.hall];
  }
  const ids = await hallsOfRegionInScope(db, scope, q.region ?? null);
  if (!ids)
    throw new HallError(
      'HALL_ERR_NOT_FOUND',
      q.region ? `no region ${q.region} in your scope` : 'no halls in your scope',
    );
  return ids;
}

/** The halls and period of a screen or model read, in the halls' time zone. */
export const periodScope = (hallIds: string[], q: { from: string; to: string }, tz: string): PeriodScope => ({
  hallIds,
  from: q.from,
  to: q.to,
  tz,
});
