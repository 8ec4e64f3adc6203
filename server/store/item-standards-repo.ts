import type { Db } from './pool.ts';

/**
 * Items' standard handling minutes (事项标准办理时长) and the enterprise flag
 * (涉企事项) of migration 014, for the service-efficiency models (seed 001
 * 服务效能模型、涉企服务效能模型). Keyed `hallId/code`: items are configured per hall.
 */
export interface ItemStandard {
  standardMin: number | null;
  enterprise: boolean;
}

export async function itemStandards(db: Db, hallIds: readonly string[]): Promise<Map<string, ItemStandard>> {
  if (hallIds.length === 0) return new Map();
  const r = await db.query<{ hall_id: string; code: string; standard_min: number | null; enterprise: boolean }>(
    'SELECT hall_id, code, standard_min::float8 AS standard_min, enterprise FROM items WHERE hall_id = ANY($1)',
    [hallIds],
  );
  return new Map(
    r.rows.map((x) => [`${x.hall_id}/${x.code}`, { standardMin: x.standard_min, enterprise: x.enterprise }]),
  );
}
