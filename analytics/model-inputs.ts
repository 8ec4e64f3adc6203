import type { ClickHouseClient } from '@clickhouse/client';
import { chInstant } from './indicators/evaluate.ts';
import { WHERE_DAYS, params, type PeriodScope } from './screen-queries.ts';

/**
 * What the models read from ClickHouse (seed 001_8e9aa79f8e53624f.txt
 * “好差评”评价结果应用模型: 服务效能、涉企服务效能、办件趋势、好差评评分量化、跑多次;
 * seed 004_894aaa4ee2cebbc3.txt line 1058 人员工作量分析、部门办件分析, lines
 * 1086–1089 实时效能). The formulas are in server/domain/models; this file only
 * fetches their inputs. Inputs are query parameters only.
 *
 * The aggregates are read where they suffice (the case trend: per hour from
 * `event_counts_hourly`). Raw `events` are read where no aggregate keeps what
 * a model needs, each time for one or two event types of the period, by the
 * columns the relay fills (contracts/event-columns.ts), so no
 * payload is parsed on a city's month (bench:analytics):
 *  - service efficiency: completions per window, staff and item with their
 *    handling minutes — from `event_stats_daily` when the period is whole
 *    hall days (the screens'), else from raw `ticket.completed` — which also
 *    give each item's average handling time, the standard of an item without
 *    a configured one; and the open spans of the windows (raw window events:
 *    they need the order of opened/paused/resumed/closed);
 *  - reviews: the level is a payload field, the case a column; staff and
 *    department come from the reviewed case's `case.opened`;
 *  - multiple visits: the applicant's keyed hash (`applicant_key`) of
 *    ticket.issued, pre-counted here so that only applicants with two or more
 *    trip days for an item leave ClickHouse.
 */

const RAW_PERIOD = 'hall_id IN {hallIds:Array(String)} AND at >= {from:DateTime64(3)} AND at < {to:DateTime64(3)}';

/** Completed services per hall, window, staff and item, with their handling minutes. */
export interface ServiceGroup {
  hallId: string;
  windowId: string;
  staffId: string;
  itemCode: string;
  cases: number;
  serviceMin: number;
}
/** Minutes a window was open with one staff member (the one who opened or resumed it; '' when none signed in). */
export interface OpenGroup {
  hallId: string;
  windowId: string;
  staffId: string;
  openMin: number;
}
export interface EfficiencyInputs {
  services: ServiceGroup[];
  open: OpenGroup[];
  /** Per `hallId/itemCode`: the item's average handling minutes in the period, the stand-in for a missing standard. */
  averageMin: Map<string, number>;
}

/**
 * Completions of the period with their item (the engine names it on ticket.completed; a completion without
 * one, from before it did, is no service of any item and is left out).
 */
const COMPLETIONS = `FROM events WHERE ${RAW_PERIOD} AND type = 'ticket.completed' AND item_code != ''`;

/**
 * Spans from window.opened or window.resumed to the window's next event
 * (paused, closed, or opened again when a close went missing), cut at the end
 * of the hall day, at the period's ends and at `now` (a window open now counts
 * up to now). Events from a day before the period find a window opened before it.
 */
const SPANS = `SELECT hall_id, window_id AS w, opener AS st,
    sum(greatest(0, dateDiff('millisecond', greatest(at, {from:DateTime64(3)}), least(
      if(next_type = '', day_end, least(next_at, day_end)), {to:DateTime64(3)}, {now:DateTime64(3)})))) / 60000 AS open_min
  FROM (
    SELECT hall_id, window_id, staff_id AS opener, type, at,
      toDateTime64(addDays(toStartOfDay(toTimeZone(at, {tz:String})), 1), 3) AS day_end,
      leadInFrame(at) OVER win AS next_at, leadInFrame(toString(type)) OVER win AS next_type
    FROM events
    WHERE hall_id IN {hallIds:Array(String)} AND at >= subtractDays({from:DateTime64(3)}, 1) AND at < {to:DateTime64(3)}
      AND type IN ('window.opened', 'window.paused', 'window.resumed', 'window.closed') AND window_id != ''
    WINDOW win AS (PARTITION BY hall_id, window_id ORDER BY at, seq ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)
  )
  WHERE type IN ('window.opened', 'window.resumed')
  GROUP BY hall_id, w, st HAVING open_min > 0`;

/**
 * `wholeDays`: the period is whole hall days (server/domain/hall-time.ts
 * isWholeHallDays), so the daily aggregate counts exactly its completions;
 * any other period reads the raw completions, as the open spans are cut to it.
 */
export async function efficiencyInputs(
  ch: ClickHouseClient,
  s: PeriodScope,
  nowIso: string,
  wholeDays: boolean,
): Promise<EfficiencyInputs> {
  const p = { ...params(s), now: chInstant(nowIso) };
  const [services, open] = await Promise.all([
    ch
      .query({
        query: wholeDays
          ? `SELECT hall_id, window_id AS w, staff_id AS st, item_code AS item, sum(n) AS n, sum(service_min) AS service_min
          FROM event_stats_daily WHERE ${WHERE_DAYS} AND type = 'ticket.completed' AND item_code != ''
          GROUP BY hall_id, w, st, item`
          : `SELECT hall_id, window_id AS w, staff_id AS st, item_code AS item, count() AS n, sum(service_min) AS service_min ${COMPLETIONS}
          GROUP BY hall_id, w, st, item`,
        query_params: p,
        format: 'JSONEachRow',
      })
      .then((r) =>
        r.json<{ hall_id: string; w: string; st: string; item: string; n: string | number; service_min: number }>(),
      ),
    ch
      .query({ query: SPANS, query_params: p, format: 'JSONEachRow' })
      .then((r) => r.json<{ hall_id: string; w: string; st: string; open_min: number }>()),
  ]);
  // The average rather than the median: it comes from the same sums, where a median would need one more scan of
  // every completion of the period (bench:analytics: 280–350 ms for the city over 30 days with it).
  const sums = new Map<string, { n: number; min: number }>();
  for (const r of services) {
    const k = `${r.hall_id}/${r.item}`;
    const t = sums.get(k) ?? { n: 0, min: 0 };
    sums.set(k, { n: t.n + Number(r.n), min: t.min + r.service_min });
  }
  return {
    services: services.map((r) => ({
      hallId: r.hall_id,
      windowId: r.w,
      staffId: r.st,
      itemCode: r.item,
      cases: Number(r.n),
      serviceMin: r.service_min,
    })),
    open: open.map((r) => ({ hallId: r.hall_id, windowId: r.w, staffId: r.st, openMin: r.open_min })),
    averageMin: new Map([...sums].filter(([, t]) => t.n > 0).map(([k, t]) => [k, t.min / t.n])),
  };
}

export type TrendMeasure = 'cases' | 'taken';
const MEASURE_TYPE: Record<TrendMeasure, string> = { cases: 'case.opened', taken: 'ticket.issued' };

/** Counts per hall day (tz) of cases opened (办件) or tickets taken, from the hourly aggregate; days without any are absent. */
export async function dailyCounts(
  ch: ClickHouseClient,
  s: PeriodScope,
  measure: TrendMeasure,
): Promise<Map<string, number>> {
  const rows = await (
    await ch.query({
      query: `SELECT formatDateTime(toDate(hour, {tz:String}), '%F') AS d, sum(n) AS n FROM event_counts_hourly
      WHERE hall_id IN {hallIds:Array(String)} AND hour >= {from:DateTime64(3)} AND hour < {to:DateTime64(3)} AND type = {type:String}
      GROUP BY d`,
      query_params: { ...params(s), type: MEASURE_TYPE[measure] },
      format: 'JSONEachRow',
    })
  ).json<{ d: string; n: string | number }>();
  return new Map(rows.map((r) => [r.d, Number(r.n)]));
}

/** A review as the ranking reads it; '' where the review or its case has no such object. */
export interface ReviewRow {
  hallId: string;
  level: number;
  windowId: string;
  staffId: string;
  departmentId: string;
}

/**
 * How far before the period a reviewed case may have been opened: the default
 * review comes after 7 natural days (001 §1.1.1.10), a day more for the hall day.
 */
export const REVIEW_CASE_LOOKBACK_DAYS = 8;

/**
 * review.submitted events of the period (contracts/indicators.ts), with the
 * staff and department of the reviewed case (its case.opened, up to
 * REVIEW_CASE_LOOKBACK_DAYS before the period). `includeDefault` false leaves
 * out the 7-day default reviews (001 §1.1.1.10): active and return-visit ratings only.
 */
export async function reviewRows(ch: ClickHouseClient, s: PeriodScope, includeDefault: boolean): Promise<ReviewRow[]> {
  const rows = await (
    await ch.query({
      query: `WITH r AS (
        SELECT hall_id, toUInt8(JSONExtractInt(payload, 'data', 'level')) AS level, window_id AS rw, case_id
        FROM events WHERE ${RAW_PERIOD} AND type = 'review.submitted' AND ({includeDefault:Bool} OR NOT JSONExtractBool(payload, 'data', 'isDefault'))
      ), c AS (
        SELECT hall_id, case_id, any(window_id) AS cw, any(staff_id) AS cs, any(department_id) AS cd
        FROM events WHERE hall_id IN {hallIds:Array(String)} AND at >= subtractDays({from:DateTime64(3)}, {lookback:UInt16}) AND at < {to:DateTime64(3)}
          AND type = 'case.opened' AND case_id IN (SELECT case_id FROM r WHERE case_id != '')
        GROUP BY hall_id, case_id
      )
      SELECT r.hall_id AS hall_id, r.level AS level, if(r.rw != '', r.rw, c.cw) AS window_id, c.cs AS staff_id, c.cd AS department_id
      FROM r LEFT JOIN c ON c.hall_id = r.hall_id AND c.case_id = r.case_id
      SETTINGS join_use_nulls = 0`,
      query_params: { ...params(s), includeDefault, lookback: REVIEW_CASE_LOOKBACK_DAYS },
      format: 'JSONEachRow',
    })
  ).json<{ hall_id: string; level: number; window_id: string; staff_id: string; department_id: string }>();
  return rows.map((r) => ({
    hallId: r.hall_id,
    level: Number(r.level),
    windowId: r.window_id,
    staffId: r.staff_id,
    departmentId: r.department_id,
  }));
}

/** One visit: an applicant (keyed hash) took a ticket for an item on a hall day. */
export interface VisitRow {
  applicantKey: string;
  itemCode: string;
  day: string;
}

/**
 * The period's trips (distinct applicant key, item, hall day of ticket.issued
 * events that carry a key), pre-counted in ClickHouse: the trips of
 * (applicant, item) pairs with two or more days as rows — the only ones that
 * can make a repeat visit — and per item the pairs with a single day, which
 * are one matter each. Keys that are not the keyed look-up hash (`keyPattern`,
 * the model's) are only counted, never returned.
 */
export interface VisitInputs {
  multi: VisitRow[];
  singlesByItem: Map<string, number>;
  trips: number;
  skippedTrips: number;
}

export async function visitInputs(ch: ClickHouseClient, s: PeriodScope, keyPattern: string): Promise<VisitInputs> {
  // One scan: trip days per (applicant, item), then per item and key validity the single-day pairs, the trips,
  // and the (key, days) of pairs with two or more days — the only rows that leave ClickHouse with a key.
  const counts = await (
    await ch.query({
      query: `SELECT item, match(k, {re:String}) AS valid, countIf(length(days) = 1) AS singles, sum(length(days)) AS trips,
        groupArrayIf((k, days), length(days) >= 2 AND valid) AS multi
      FROM (
        SELECT applicant_key AS k, item_code AS item, groupUniqArray(formatDateTime(toDate(at, {tz:String}), '%F')) AS days
        FROM events WHERE ${RAW_PERIOD} AND type = 'ticket.issued' AND applicant_key != '' AND item_code != ''
        GROUP BY k, item
      )
      GROUP BY item, valid`,
      query_params: { ...params(s), re: keyPattern },
      format: 'JSONEachRow',
    })
  ).json<{
    item: string;
    valid: number | boolean;
    singles: string | number;
    trips: string | number;
    multi: [string, string[]][];
  }>();
  const multi: VisitRow[] = [];
  for (const c of counts)
    for (const [k, days] of c.multi) for (const day of days) multi.push({ applicantKey: k, itemCode: c.item, day });
  const singlesByItem = new Map<string, number>();
  let trips = 0;
  let skippedTrips = 0;
  for (const c of counts) {
    if (Number(c.valid) === 1) {
      singlesByItem.set(c.item, Number(c.singles));
      trips += Number(c.trips);
    } else skippedTrips += Number(c.trips);
  }
  return { multi, singlesByItem, trips, skippedTrips };
}
