import type { z } from 'zod';
import type { EfficiencyResponse, efficiencyQuerySchema } from '../../contracts/index.ts';
import { efficiencyInputs, type EfficiencyInputs } from '../../analytics/model-inputs.ts';
import { round2 } from '../../analytics/indicators/evaluate.ts';
import type { StaffPrincipal } from '../domain/access/scope.ts';
import { isWholeHallDays } from '../domain/hall-time.ts';
import { serviceEfficiency, type ServiceEfficiencyRow, type ServiceRecord } from '../domain/models/index.ts';
import { itemStandards, type ItemStandard } from '../store/item-standards-repo.ts';
import { namesOf } from '../store/regions-repo.ts';
import { hallsForQuery, periodScope } from './halls-in-scope.ts';
import type { ReadModelDeps } from './read-model-deps.ts';

/**
 * 服务效能 / 涉企服务效能 per window or staff (seed 001_8e9aa79f8e53624f.txt
 * “好差评”评价结果应用模型: 服务效能模型、涉企服务效能模型; seed
 * 004_894aaa4ee2cebbc3.txt line 1058 人员工作量分析, lines 1086–1089 实时效能):
 * the inputs from ClickHouse (analytics/model-inputs.ts) and the items'
 * standards from PostgreSQL, the rule from server/domain/models/efficiency.ts.
 * An item's standard is items.standard_min, else its own average handling
 * time in the period (migration 014). Enterprise: the cases of items flagged
 * 涉企. docs/models.md "On the screens".
 */
export type EfficiencyQuery = z.output<typeof efficiencyQuerySchema>;

/** The rows to show, before their names are looked up: the hall of each key and its cases without a configured standard. */
export interface EfficiencyRanking {
  rows: ServiceEfficiencyRow[];
  hallOf: Map<string, string>;
  fallbackCases: Map<string, number>;
}

const r2 = (v: number | null) => (v === null ? null : round2(v));

/** The model over the period's inputs, highest throughput first, cut to `limit`. Pure. */
export function rankEfficiency(
  inputs: EfficiencyInputs,
  standards: ReadonlyMap<string, ItemStandard>,
  q: Pick<EfficiencyQuery, 'by' | 'enterprise' | 'limit'>,
): EfficiencyRanking {
  const standardMin: Record<string, number> = {};
  for (const [item, m] of inputs.averageMin) standardMin[item] = m;
  const fallbackCases = new Map<string, number>();
  for (const [item, st] of standards) if (st.standardMin !== null) standardMin[item] = st.standardMin;
  const services: ServiceRecord[] = inputs.services.map((g) => {
    const item = `${g.hallId}/${g.itemCode}`;
    const key = q.by === 'window' ? g.windowId : g.staffId;
    const configured = standards.get(item)?.standardMin ?? null;
    const enterprise = standards.get(item)?.enterprise ?? false;
    if (configured === null && (!q.enterprise || enterprise))
      fallbackCases.set(key, (fallbackCases.get(key) ?? 0) + g.cases);
    return {
      windowId: g.windowId,
      staffId: g.staffId,
      itemCode: item,
      serviceMin: g.serviceMin,
      applicant: enterprise ? 'enterprise' : 'person',
      count: g.cases,
    };
  });
  const rows = serviceEfficiency(services, inputs.open, {
    by: q.by,
    standardMin,
    applicant: q.enterprise ? 'enterprise' : 'all',
  })
    // A window served or opened without a signed-in clerk has no staff: no staff row for it.
    .filter((x) => x.key !== '');
  const hallOf = new Map<string, string>();
  for (const g of [...inputs.services, ...inputs.open])
    hallOf.set(q.by === 'window' ? g.windowId : g.staffId, g.hallId);
  rows.sort((a, b) => (b.throughput ?? -1) - (a.throughput ?? -1) || b.cases - a.cases || (a.key < b.key ? -1 : 1));
  return { rows: rows.slice(0, q.limit), hallOf, fallbackCases };
}

/** The response from the ranking and the rows' display names (a key without one shows as itself). Pure. */
export function efficiencyResponse(
  q: Pick<EfficiencyQuery, 'by' | 'enterprise'>,
  ranking: EfficiencyRanking,
  names: ReadonlyMap<string, string>,
): EfficiencyResponse {
  const { hallOf, fallbackCases } = ranking;
  return {
    by: q.by,
    enterprise: q.enterprise,
    rows: ranking.rows.map((x) => ({
      key: x.key,
      name: names.get(x.key) ?? x.key,
      hallId: hallOf.get(x.key) ?? '',
      cases: x.cases,
      serviceMin: round2(x.serviceMin),
      standardMin: round2(x.standardMin),
      openMin: round2(x.openMin),
      casesPerHour: r2(x.casesPerHour),
      throughput: r2(x.throughput),
      idleShare: r2(x.idleShare),
      handlingVsStandard: x.standardMin > 0 ? round2(x.serviceMin / x.standardMin) : null,
      fallbackStandardCases: fallbackCases.get(x.key) ?? 0,
    })),
  };
}

export async function loadServiceEfficiency(
  deps: ReadModelDeps,
  user: StaffPrincipal,
  q: EfficiencyQuery,
): Promise<EfficiencyResponse> {
  const { db, analytics, clock, config } = deps;
  const hallIds = await hallsForQuery(db, user, q);
  const [inputs, standards] = await Promise.all([
    efficiencyInputs(
      analytics,
      periodScope(hallIds, q, config.HALL_TZ),
      clock.now().toISOString(),
      isWholeHallDays(new Date(q.from), new Date(q.to), clock.now(), config.HALL_TZ),
    ),
    itemStandards(db, hallIds),
  ]);
  const ranking = rankEfficiency(inputs, standards, q);
  const names = await namesOf(
    db,
    q.by,
    ranking.rows.map((x) => x.key),
  );
  return efficiencyResponse(q, ranking, names);
}
