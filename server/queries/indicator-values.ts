import type { z } from 'zod';
import {
  HallError,
  type IndicatorDescription,
  type IndicatorValuesResponse,
  type indicatorPeriodQuerySchema,
  type indicatorValuesQuerySchema,
} from '../../contracts/index.ts';
import { catalog, describeIndicator, findIndicator } from '../../analytics/indicators/catalog.ts';
import { evaluateAll } from '../../analytics/indicators/evaluate.ts';
import type { StaffPrincipal } from '../domain/access/scope.ts';
import { hallsForQuery } from './halls-in-scope.ts';
import type { ReadModelDeps } from './read-model-deps.ts';

/**
 * The indicator catalog and its values (DOMAIN.md "Indicators and models":
 * 004 常态化监测 an indicator library (指标库) and evaluation system;
 * docs/indicators.md), narrowed to the caller's halls (001 §1.1.1.17): a
 * region outside the scope is a 404 like one that does not exist. Values are
 * computed in ClickHouse from the relayed events, so they trail the live
 * hall by the relay's lag (about a second).
 */
export type IndicatorValuesQuery = z.output<typeof indicatorValuesQuerySchema>;
export type IndicatorPeriodQuery = z.output<typeof indicatorPeriodQuerySchema>;

/** The catalog as GET /api/indicators lists it: every indicator but its SQL. */
export function indicatorCatalog(): { indicators: IndicatorDescription[] } {
  return { indicators: catalog.map(describeIndicator) };
}

/** Unknown indicator ids are a coded 400 naming them, not a 500 from the evaluator; none named is all. Pure. */
export function checkedIds(ids: string[] | undefined): string[] | undefined {
  if (ids === undefined || ids.length === 0) return undefined;
  const unknown = ids.filter((id) => !findIndicator(id));
  if (unknown.length > 0) {
    throw new HallError(
      'HALL_ERR_BAD_REQUEST',
      `unknown indicator ${unknown.join(', ')}`,
      unknown.map((id) => ({ path: 'ids', message: `unknown indicator ${id}` })),
    );
  }
  return ids;
}

/** Values for the halls of a region (and the regions below it), or every hall in the caller's scope. */
export async function loadIndicatorValues(
  deps: ReadModelDeps,
  user: StaffPrincipal,
  q: IndicatorValuesQuery,
): Promise<IndicatorValuesResponse> {
  const ids = checkedIds(q.ids);
  const hallIds = await hallsForQuery(deps.db, user, { region: q.region });
  const values = await evaluateAll(deps.analytics, { hallIds, from: q.from, to: q.to, tz: deps.config.HALL_TZ }, ids);
  return { scope: { hallIds, region: q.region ?? null, from: q.from, to: q.to }, values };
}

/** Values for one hall; the caller's right to the hall is checked before (authorize's hall parameter). */
export async function loadHallIndicators(
  deps: ReadModelDeps,
  hallId: string,
  q: IndicatorPeriodQuery,
): Promise<IndicatorValuesResponse> {
  const ids = checkedIds(q.ids);
  const values = await evaluateAll(
    deps.analytics,
    { hallIds: [hallId], from: q.from, to: q.to, tz: deps.config.HALL_TZ },
    ids,
  );
  return { scope: { hallIds: [hallId], region: null, from: q.from, to: q.to }, values };
}
