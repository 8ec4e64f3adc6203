import type { z } from 'zod';
import type { MultipleVisitsResponse, multipleVisitsQuerySchema } from '../../contracts/index.ts';
import { visitInputs, type VisitInputs, type VisitRow } from '../../analytics/model-inputs.ts';
import { round2 } from '../../analytics/indicators/evaluate.ts';
import type { StaffPrincipal } from '../domain/access/scope.ts';
import { LOOKUP_KEY_PATTERN, multipleVisits } from '../domain/models/index.ts';
import { namesOf } from '../store/regions-repo.ts';
import { hallsForQuery, periodScope } from './halls-in-scope.ts';
import type { ReadModelDeps } from './read-model-deps.ts';

/**
 * 跑多次 (seed 001_8e9aa79f8e53624f.txt “好差评”评价结果应用模型: 跑多次模型;
 * seed 004_894aaa4ee2cebbc3.txt line 1188 “两减” 减跑动): matters of the same
 * applicant (keyed hash) and item with ≥ 2 trips within `withinDays`, in the
 * period, per item (server/domain/models/multiple-visits.ts). Only counts
 * leave the server, never an applicant key. docs/models.md "On the screens".
 */
export type MultipleVisitsQuery = z.output<typeof multipleVisitsQuerySchema>;

/** One item's line before its name is looked up. */
export interface ItemVisits {
  itemCode: string;
  matters: number;
  multiVisitMatters: number;
  rate: number | null;
  maxTrips: number;
}
export interface VisitCounts {
  matters: number;
  multiVisitMatters: number;
  rate: number | null;
  byTrips: MultipleVisitsResponse['byTrips'];
  /** Most multi-visit matters first, cut to `limit`. */
  items: ItemVisits[];
}

const r2 = (v: number | null) => (v === null ? null : round2(v));
const rateOf = (multi: number, matters: number) => (matters > 0 ? multi / matters : null);

/** The model over the period's trips, in all and per item. Pure. */
export function countVisits(v: VisitInputs, q: Pick<MultipleVisitsQuery, 'withinDays' | 'limit'>): VisitCounts {
  // Pairs with one trip day are one matter each and are only counted in ClickHouse; the model chains the others.
  const singles = [...v.singlesByItem.values()].reduce((a, n) => a + n, 0);
  const chained = multipleVisits(v.multi, { withinDays: q.withinDays });
  const total = {
    matters: chained.matters + singles,
    multiVisitMatters: chained.multiVisitMatters,
    repeats: chained.repeats,
  };
  const byItem = new Map<string, VisitRow[]>();
  for (const x of v.multi) byItem.set(x.itemCode, [...(byItem.get(x.itemCode) ?? []), x]);
  for (const item of v.singlesByItem.keys()) if (!byItem.has(item)) byItem.set(item, []);
  const items = [...byItem.entries()]
    .map(([itemCode, vs]) => {
      const m = multipleVisits(vs, { withinDays: q.withinDays });
      const matters = m.matters + (v.singlesByItem.get(itemCode) ?? 0);
      return {
        itemCode,
        matters,
        multiVisitMatters: m.multiVisitMatters,
        rate: r2(rateOf(m.multiVisitMatters, matters)),
        maxTrips: m.repeats[0]?.visits ?? (matters > 0 ? 1 : 0),
      };
    })
    .filter((x) => x.matters > 0)
    .sort(
      (a, b) =>
        b.multiVisitMatters - a.multiVisitMatters ||
        (b.rate ?? 0) - (a.rate ?? 0) ||
        (a.itemCode < b.itemCode ? -1 : 1),
    )
    .slice(0, q.limit);
  return {
    matters: total.matters,
    multiVisitMatters: total.multiVisitMatters,
    rate: r2(rateOf(total.multiVisitMatters, total.matters)),
    byTrips: {
      two: total.repeats.filter((x) => x.visits === 2).length,
      three: total.repeats.filter((x) => x.visits === 3).length,
      fourPlus: total.repeats.filter((x) => x.visits >= 4).length,
    },
    items,
  };
}

/** The response from the counts, the trips read and the items' names (an item without one shows its code). Pure. */
export function multipleVisitsResponse(
  q: Pick<MultipleVisitsQuery, 'withinDays'>,
  v: Pick<VisitInputs, 'trips' | 'skippedTrips'>,
  c: VisitCounts,
  names: ReadonlyMap<string, string>,
): MultipleVisitsResponse {
  return {
    withinDays: q.withinDays,
    trips: v.trips,
    matters: c.matters,
    multiVisitMatters: c.multiVisitMatters,
    rate: c.rate,
    byTrips: c.byTrips,
    items: c.items.map((x) => ({ ...x, name: names.get(x.itemCode) ?? x.itemCode })),
    skippedKeys: v.skippedTrips,
  };
}

export async function loadMultipleVisits(
  deps: ReadModelDeps,
  user: StaffPrincipal,
  q: MultipleVisitsQuery,
): Promise<MultipleVisitsResponse> {
  const hallIds = await hallsForQuery(deps.db, user, q);
  const v = await visitInputs(deps.analytics, periodScope(hallIds, q, deps.config.HALL_TZ), LOOKUP_KEY_PATTERN);
  const counts = countVisits(v, q);
  const names = await namesOf(
    deps.db,
    'item',
    counts.items.map((x) => x.itemCode),
  );
  return multipleVisitsResponse(q, v, counts, names);
}
