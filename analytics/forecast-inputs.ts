import type { ClickHouseClient } from '@clickhouse/client';

/**
 * What the next-hour pressure forecast and the staffing advice need from
 * history (server/domain/models/pressure-forecast.ts, staffing.ts;
 * docs/models.md "Pressure model": a next-hour forecast from same-weekday same-hour history):
 * per hall, the tickets taken in the same hour of the same weekday in past
 * weeks (null for a week the hall took no ticket that day: closed), and the
 * mean handling minutes over those weeks. From `event_counts_hourly`.
 */
export interface HallHistory {
  walkIns: (number | null)[];
  meanServiceMin: number | null;
}

export async function forecastInputs(
  ch: ClickHouseClient,
  hallIds: readonly string[],
  hourStartMs: number,
  weeks: number,
): Promise<Map<string, HallHistory>> {
  const hours = Array.from({ length: weeks }, (_, k) => hourStartMs - (k + 1) * 7 * 86_400_000);
  const sec = (ms: number) => Math.floor(ms / 1000);
  const rows = await (
    await ch.query({
      query: `SELECT hall_id, toUnixTimestamp(hour) AS h, sumIf(n, type = 'ticket.issued') AS taken
      FROM event_counts_hourly
      WHERE hall_id IN {hallIds:Array(String)} AND toUnixTimestamp(hour) IN {hours:Array(UInt32)} GROUP BY hall_id, h`,
      query_params: { hallIds: [...hallIds], hours: hours.map(sec) },
      format: 'JSONEachRow',
    })
  ).json<{ hall_id: string; h: number; taken: string }>();
  // A day (24 h from the same hour) with any ticket taken tells the hall was open that week.
  const open = await (
    await ch.query({
      query: `SELECT hall_id, arrayJoin({hours:Array(UInt32)}) AS h, sumIf(n, type = 'ticket.issued' AND toUnixTimestamp(hour) >= h - 43200 AND toUnixTimestamp(hour) < h + 43200) AS day_taken
      FROM event_counts_hourly
      WHERE hall_id IN {hallIds:Array(String)} AND hour >= toDateTime({from:UInt32}) AND hour < toDateTime({to:UInt32}) GROUP BY hall_id, h`,
      query_params: {
        hallIds: [...hallIds],
        hours: hours.map(sec),
        from: sec(Math.min(...hours)) - 43200,
        to: sec(Math.max(...hours)) + 43200,
      },
      format: 'JSONEachRow',
    })
  ).json<{ hall_id: string; h: number; day_taken: string }>();
  const service = await (
    await ch.query({
      query: `SELECT hall_id, sumIf(service_min, type = 'ticket.completed') / nullIf(sumIf(n, type = 'ticket.completed'), 0) AS m
      FROM event_counts_hourly WHERE hall_id IN {hallIds:Array(String)} AND hour >= toDateTime({from:UInt32}) AND hour < toDateTime({to:UInt32}) GROUP BY hall_id`,
      query_params: { hallIds: [...hallIds], from: sec(hourStartMs - weeks * 7 * 86_400_000), to: sec(hourStartMs) },
      format: 'JSONEachRow',
    })
  ).json<{ hall_id: string; m: number | null }>();
  const taken = new Map(rows.map((r) => [`${r.hall_id}|${r.h}`, Number(r.taken)]));
  const dayOpen = new Set(open.filter((r) => Number(r.day_taken) > 0).map((r) => `${r.hall_id}|${r.h}`));
  const mean = new Map(service.map((r) => [r.hall_id, r.m]));
  return new Map(
    hallIds.map((id) => [
      id,
      {
        walkIns: hours.map((h) => (dayOpen.has(`${id}|${sec(h)}`) ? (taken.get(`${id}|${sec(h)}`) ?? 0) : null)),
        meanServiceMin: mean.get(id) ?? null,
      },
    ]),
  );
}
