import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import {
  indicatorScopeSchema,
  type IndicatorLevel,
  type IndicatorResult,
  type IndicatorScope,
  type IndicatorScopeInput,
  type IndicatorThresholds,
} from '../../contracts/indicators.ts';
import { catalog, findIndicator } from './catalog.ts';
import { INDICATOR_PARAMS, type IndicatorDefinition, type IndicatorParam } from './types.ts';

/**
 * Runs catalog indicators for a scope against ClickHouse (chDB in process or
 * a server; analytics/clickhouse.ts). Inputs travel only as query
 * parameters; the SQL text is the catalog's, never built from the request.
 */

/** lower-better: ≤ good → good, ≤ warn → warn, else bad; higher-better mirrors it. No level without a value or thresholds. */
export function levelOf(value: number | null, t: IndicatorThresholds | null): IndicatorLevel | undefined {
  if (value === null || t === null) return undefined;
  if (t.direction === 'lower-better') return value <= t.good ? 'good' : value <= t.warn ? 'warn' : 'bad';
  return value >= t.good ? 'good' : value >= t.warn ? 'warn' : 'bad';
}

/** The parameters an SQL text names (`{name:Type}`); an unknown one is a catalog defect. */
export function paramsOf(sql: string): IndicatorParam[] {
  const names = new Set<IndicatorParam>();
  for (const m of sql.matchAll(/\{(\w+):/g)) {
    const name = m[1]!;
    const known = INDICATOR_PARAMS.find((p) => p === name);
    if (known === undefined) throw new Error(`unknown query parameter {${name}} in indicator SQL`);
    names.add(known);
  }
  return [...names];
}

/**
 * DateTime64 parameter text: epoch seconds with milliseconds. A date-time
 * string would be read in the server's time zone (a ClickHouse server may
 * run on Asia/Shanghai); an epoch is the same instant everywhere.
 */
export function chInstant(iso: string): string {
  return (Date.parse(iso) / 1000).toFixed(3);
}

function bind(sql: string, scope: IndicatorScope): Record<string, string | string[]> {
  const all: Record<IndicatorParam, string | string[]> = {
    hallIds: scope.hallIds,
    from: chInstant(scope.from),
    to: chInstant(scope.to),
    tz: scope.tz,
  };
  return Object.fromEntries(paramsOf(sql).map((p) => [p, all[p]]));
}

/** Float64 arrives as a JSON number; a 64-bit integer would arrive quoted. */
const rowsSchema = z.array(z.object({ value: z.union([z.number(), z.string(), z.null()]) })).length(1);

/** Values are rounded to 2 decimals: screens show them so, and tests compare them exactly. */
export const round2 = (v: number): number => Math.round(v * 100) / 100;

async function run(
  client: ClickHouseClient,
  def: IndicatorDefinition,
  scope: IndicatorScope,
): Promise<IndicatorResult> {
  const rs = await client.query({ query: def.sql, query_params: bind(def.sql, scope), format: 'JSONEachRow' });
  const raw = rowsSchema.parse(await rs.json<unknown>())[0]!.value;
  const n = raw === null ? null : Number(raw);
  if (n !== null && !Number.isFinite(n)) throw new Error(`indicator ${def.id} returned ${String(raw)}`);
  const value = n === null ? null : round2(n);
  const level = levelOf(value, def.thresholds);
  return { id: def.id, value, unit: def.unit, ...(level !== undefined ? { level } : {}) };
}

export async function evaluateIndicator(
  client: ClickHouseClient,
  id: string,
  scope: IndicatorScopeInput,
): Promise<IndicatorResult> {
  const def = findIndicator(id);
  if (!def) throw new Error(`no indicator ${id}`);
  return run(client, def, indicatorScopeSchema.parse(scope));
}

/**
 * Every indicator (or those named), one query after the other: chDB runs one
 * query at a time anyway, and a server is spared a burst per screen.
 */
export async function evaluateAll(
  client: ClickHouseClient,
  scope: IndicatorScopeInput,
  ids?: readonly string[],
): Promise<IndicatorResult[]> {
  const s = indicatorScopeSchema.parse(scope);
  const defs =
    ids === undefined
      ? catalog
      : ids.map((id) => {
          const d = findIndicator(id);
          if (!d) throw new Error(`no indicator ${id}`);
          return d;
        });
  const out: IndicatorResult[] = [];
  for (const d of defs) out.push(await run(client, d, s));
  return out;
}
