import type { ClickHouseClient } from '@clickhouse/client';
import { chInstant, round2 } from './indicators/evaluate.ts';

/**
 * The leadership screens' series and rankings (docs/leadership.md;
 * 004 常态化监测, 大厅运行研判报告), read from the aggregates the
 * views keep (analytics/clickhouse.ts): `event_counts_hourly` (hall, hour,
 * type) for series, totals and roll-ups, `event_stats_daily` (hall, hall day,
 * type, window, item, department, staff) for rankings by window, item,
 * department and staff — never from raw events, so a year of a city stays fast
 * (docs/benchmarks.md bench:analytics). Rankings by window, item and
 * department count whole hall days touching the period. Inputs are query
 * parameters only; which SQL runs is chosen from constants by enums.
 *
 * Counting rules (docs/indicators.md "Screen series"): taken = ticket.issued,
 * called = ticket.called, served = ticket.completed, cases = case.opened;
 * average wait = summed waitedMin of calls / calls (a ticket called twice
 * counts twice here; the catalog's queue.wait.avg counts first calls only);
 * average handling = summed serviceMin / completions.
 */
export interface PeriodScope {
  hallIds: readonly string[];
  from: string;
  to: string;
  tz: string;
}

const SUMS = `
  sumIf(n, type = 'ticket.issued') AS taken,
  sumIf(n, type = 'ticket.called') AS called,
  sumIf(n, type = 'ticket.completed') AS served,
  sumIf(n, type = 'case.opened') AS cases,
  sumIf(n, type = 'ticket.skipped') AS skipped,
  round(sumIf(waited_min, type = 'ticket.called') / nullIf(sumIf(n, type = 'ticket.called'), 0), 2) AS avg_wait_min,
  round(sumIf(service_min, type = 'ticket.completed') / nullIf(sumIf(n, type = 'ticket.completed'), 0), 2) AS avg_service_min`;
const WHERE = `hall_id IN {hallIds:Array(String)} AND hour >= toStartOfHour({from:DateTime64(3)}) AND hour < {to:DateTime64(3)}`;
/** Whole hall days touching the period, in `event_stats_daily` (rankings, service efficiency). */
export const WHERE_DAYS = `hall_id IN {hallIds:Array(String)} AND day >= toDate({from:DateTime64(3)}, {tz:String}) AND day <= toDate(subtractMilliseconds({to:DateTime64(3)}, 1), {tz:String})`;

export interface Sums {
  taken: number;
  called: number;
  served: number;
  cases: number;
  skipped: number;
  avgWaitMin: number | null;
  avgServiceMin: number | null;
}
interface SumRow {
  taken: string | number;
  called: string | number;
  served: string | number;
  cases: string | number;
  skipped: string | number;
  avg_wait_min: number | null;
  avg_service_min: number | null;
}

function sumsOf(r: SumRow): Sums {
  return {
    taken: Number(r.taken),
    called: Number(r.called),
    served: Number(r.served),
    cases: Number(r.cases),
    skipped: Number(r.skipped),
    avgWaitMin: r.avg_wait_min,
    avgServiceMin: r.avg_service_min,
  };
}

/** A period scope as query parameters (epoch instants: the same everywhere). */
export const params = (s: PeriodScope) => ({
  hallIds: [...s.hallIds],
  from: chInstant(s.from),
  to: chInstant(s.to),
  tz: s.tz,
});

export type Bucket = 'day' | 'hour' | 'minute';
const BUCKET: Record<Bucket, string> = {
  // The hall's calendar day (tz), as YYYY-MM-DD.
  day: `formatDateTime(toDate(hour, {tz:String}), '%F')`,
  hour: `formatDateTime(hour, '%FT%TZ', 'UTC')`,
  minute: `formatDateTime(minute, '%FT%TZ', 'UTC')`,
};

/** The same sums from the per-minute table, which holds counts as columns (analytics/clickhouse.ts MINUTE_DAYS). */
const SUMS_MINUTE = `
  sum(n_taken) AS taken, sum(n_called) AS called, sum(n_served) AS served, sum(n_cases) AS cases, sum(n_skipped) AS skipped,
  round(sum(waited_min) / nullIf(sum(n_called), 0), 2) AS avg_wait_min,
  round(sum(service_min) / nullIf(sum(n_served), 0), 2) AS avg_service_min`;
const WHERE_MINUTES = `hall_id IN {hallIds:Array(String)} AND minute >= toStartOfMinute({from:DateTime64(3)}) AND minute < {to:DateTime64(3)}`;

/**
 * Taken / called / served / cases and average wait and handling per day, hour
 * or minute. Minutes come from the per-minute table, which keeps the last
 * MINUTE_DAYS days: an older period has no minute points.
 */
export async function trendSeries(
  ch: ClickHouseClient,
  s: PeriodScope,
  bucket: Bucket,
): Promise<(Sums & { t: string })[]> {
  const query =
    bucket === 'minute'
      ? `SELECT ${BUCKET.minute} AS t, ${SUMS_MINUTE} FROM event_counts_minute WHERE ${WHERE_MINUTES} GROUP BY t ORDER BY t`
      : `SELECT ${BUCKET[bucket]} AS t, ${SUMS} FROM event_counts_hourly WHERE ${WHERE} GROUP BY t ORDER BY t`;
  const rows = await (
    await ch.query({
      query,
      query_params: params(s),
      format: 'JSONEachRow',
    })
  ).json<SumRow & { t: string }>();
  return rows.map((r) => ({ t: r.t, ...sumsOf(r) }));
}

export type RankBy = 'hall' | 'window' | 'item' | 'department' | 'staff';
// Aliases differ from column names: ClickHouse lets a SELECT alias shadow a column in WHERE.
const KEY: Record<RankBy, string> = {
  hall: 'hall_id',
  window: 'window_id',
  item: 'item_code',
  department: 'department_id',
  staff: 'staff_id',
};

/**
 * Sums per hall, window, item, department or staff, busiest first. Which
 * events carry which key: windows on calls and completions, items on takes
 * and cases, departments on cases, staff on what a signed-in clerk did at a
 * window (contracts/queue-events.ts), so e.g. a window's `taken` is 0 by
 * construction.
 */
export async function ranking(
  ch: ClickHouseClient,
  s: PeriodScope,
  by: RankBy,
  limit: number,
): Promise<(Sums & { key: string; hallId: string })[]> {
  const key = KEY[by];
  const query =
    by === 'hall'
      ? `SELECT hall_id AS key, any(hall_id) AS any_hall, ${SUMS} FROM event_counts_hourly WHERE ${WHERE}
      GROUP BY key ORDER BY served DESC, cases DESC, taken DESC, key LIMIT {limit:UInt32}`
      : `SELECT ${key} AS key, any(hall_id) AS any_hall, ${SUMS} FROM event_stats_daily WHERE ${WHERE_DAYS} AND ${key} != ''
      GROUP BY key ORDER BY served DESC, cases DESC, taken DESC, key LIMIT {limit:UInt32}`;
  const rows = await (
    await ch.query({ query, query_params: { ...params(s), limit }, format: 'JSONEachRow' })
  ).json<SumRow & { key: string; any_hall: string }>();
  return rows.map((r) => ({ key: r.key, hallId: r.any_hall, ...sumsOf(r) }));
}

/** Sums per hall (the region roll-up adds them up per child region). */
export async function sumsByHall(ch: ClickHouseClient, s: PeriodScope): Promise<Map<string, Sums>> {
  const rows = await (
    await ch.query({
      query: `SELECT hall_id, ${SUMS} FROM event_counts_hourly WHERE ${WHERE} GROUP BY hall_id`,
      query_params: params(s),
      format: 'JSONEachRow',
    })
  ).json<SumRow & { hall_id: string }>();
  return new Map(rows.map((r) => [r.hall_id, sumsOf(r)]));
}

/** Adds per-hall sums; averages weighted by their counts. */
export function addSums(parts: readonly Sums[]): Sums {
  const t: Sums = { taken: 0, called: 0, served: 0, cases: 0, skipped: 0, avgWaitMin: null, avgServiceMin: null };
  let waitMin = 0;
  let serviceMin = 0;
  for (const p of parts) {
    t.taken += p.taken;
    t.called += p.called;
    t.served += p.served;
    t.cases += p.cases;
    t.skipped += p.skipped;
    waitMin += (p.avgWaitMin ?? 0) * p.called;
    serviceMin += (p.avgServiceMin ?? 0) * p.served;
  }
  t.avgWaitMin = t.called > 0 ? round2(waitMin / t.called) : null;
  t.avgServiceMin = t.served > 0 ? round2(serviceMin / t.served) : null;
  return t;
}
