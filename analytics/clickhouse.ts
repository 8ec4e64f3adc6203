import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { EVENT_COLUMNS } from '../contracts/event-columns.ts';
import { createIpcConnection, serveIpcConnection } from './ipc-connection.ts';

/**
 * The one adapter between the product and ClickHouse (DESIGN.md principle 5).
 * With CLICKHOUSE_URL the official client talks HTTP to a server or cluster;
 * without it the same client runs in process on chDB (`chdb/connection`), with
 * its data under DATA_DIR/clickhouse. The chDB integration is experimental
 * upstream and allows one data directory per process, so everything goes
 * through this file (ADR 0002).
 */
export interface Analytics {
  client: ClickHouseClient;
  mode: 'embedded' | 'server' | 'via-owner';
  /** Several server processes on embedded chDB: answer the other processes' reads (ipc-connection.ts). */
  serveOthers(channel: Parameters<typeof serveIpcConnection>[1]): void;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export async function createAnalytics(opts: {
  url?: string | undefined;
  dataDir: string;
  tz?: string;
  /** Embedded, in a process that is not the owner: reads go to the owner over this channel. */
  viaOwner?: Parameters<typeof createIpcConnection>[0];
}): Promise<Analytics> {
  let client: ClickHouseClient;
  let mode: Analytics['mode'];
  let chdb: ReturnType<typeof createChdbConnection> | null = null;
  if (opts.url) {
    client = createClient({ url: opts.url, request_timeout: 30_000 });
    mode = 'server';
  } else if (opts.viaOwner) {
    const connection = createIpcConnection(opts.viaOwner);
    client = createClient({ connection } as Parameters<typeof createClient>[0]);
    mode = 'via-owner';
  } else {
    const dir = path.resolve(opts.dataDir, 'clickhouse');
    await mkdir(dir, { recursive: true });
    chdb = createChdbConnection({ path: dir });
    client = createClient({ connection: chdb } as Parameters<typeof createClient>[0]);
    mode = 'embedded';
  }
  // The owner (or a server) migrates; a process reading through the owner finds it done.
  if (mode !== 'via-owner') await migrateAnalytics(client, opts.tz);
  return {
    client,
    mode,
    serveOthers(channel) {
      if (chdb) serveIpcConnection(chdb as never, channel);
    },
    async ping() {
      try {
        return (await client.ping()).success;
      } catch {
        return false;
      }
    },
    async close() {
      await client.close();
    },
  };
}

/**
 * Insert-deduplication for every table the relay fills or a materialized
 * view feeds (ADR 0008): a batch re-sent with the same
 * `insert_deduplication_token` is dropped, and so are the blocks it would
 * push into the views, so a retried batch never counts twice.
 */
const DEDUP = 'non_replicated_deduplication_window = 10000';

/** A time-zone name as an SQL string literal; only IANA names (letters, digits, `/`, `_`, `+`, `-`) pass. */
function quoteTz(tz: string): string {
  if (!/^[A-Za-z0-9/_+-]{1,64}$/.test(tz)) throw new Error(`not a time zone name: ${tz}`);
  return `'${tz}'`;
}

/** Days the per-minute table keeps (TTL), and how young an event must be to feed it. */
export const MINUTE_DAYS = 3;

/** True when `table` exists without `column` (a data directory from an earlier schema). */
async function lacksColumn(client: ClickHouseClient, table: string, column: string): Promise<boolean> {
  const rows = await (
    await client.query({
      query: `SELECT countIf(name = {c:String}) AS has, count() AS cols FROM system.columns WHERE database = currentDatabase() AND table = {t:String}`,
      query_params: { t: table, c: column },
      format: 'JSONEachRow',
    })
  ).json<{ has: string | number; cols: string | number }>();
  return Number(rows[0]!.cols) > 0 && Number(rows[0]!.has) === 0;
}

/** Columns nearly unique per row: a plain String; the others repeat and are dictionary-encoded. */
const PLAIN_STRING = new Set(['ticket_id', 'case_id', 'applicant_key']);

/**
 * The analytics schema (docs/analytics.md "Schema"), created or brought up to date at
 * start. `events` holds every domain event, ordered by hall then time (the
 * screens ask per hall and per period); ReplacingMergeTree on (hall_id, at,
 * seq) also collapses a re-sent event that escaped deduplication. The
 * per-hour and per-day tables are filled by materialized views as events
 * arrive; `halls_dim` / `regions_dim` carry the region tree for drill-down.
 */
export async function migrateAnalytics(client: ClickHouseClient, tz = 'Asia/Shanghai'): Promise<void> {
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS events (
      hall_id LowCardinality(String),
      seq UInt64,
      type LowCardinality(String),
      at DateTime64(3, 'UTC'),
      payload String
    ) ENGINE = ReplacingMergeTree ORDER BY (hall_id, at, seq) SETTINGS ${DEDUP}`,
  });
  // A data directory created before the relay existed has the table without the setting.
  await client.command({ query: `ALTER TABLE events MODIFY SETTING ${DEDUP}` });
  // Rare event types (device status, reviews, appointments) are a few in millions of queue events:
  // a set index on `type` lets a query for them skip every block that has none (bench:analytics:
  // device look-backs over 30 days took 1.2–2.2 s on a cold read without it).
  await client.command({
    query: 'ALTER TABLE events ADD INDEX IF NOT EXISTS type_set type TYPE set(64) GRANULARITY 4',
  });
  // The fields the views and the screens group by, as columns: the relay sends them (PostgreSQL
  // extracts them from the jsonb it already has), so ClickHouse parses no JSON on the load path;
  // an insert that leaves them out gets them from the payload (the DEFAULT).
  for (const [name, type, field] of EVENT_COLUMNS) {
    const extract =
      type === 'Float64'
        ? `JSONExtractFloat(payload, 'data', '${field}')`
        : type === 'UInt16'
          ? `JSONExtract(payload, 'data', '${field}', 'UInt16')`
          : `JSONExtractString(payload, 'data', '${field}')`;
    const colType = type !== 'String' ? type : PLAIN_STRING.has(name) ? 'String' : 'LowCardinality(String)';
    await client.command({
      query: `ALTER TABLE events ADD COLUMN IF NOT EXISTS ${name} ${colType} DEFAULT ${extract}`,
    });
  }
  // Aggregates fed by materialized views as events arrive (docs/analytics.md "Schema"). Their keys are chosen
  // so that they compact: at a city's density a (hall, minute, type) or (hall, hour, type, window,
  // item, department) key is nearly one per event (41 and 28 million rows for 55 million events in
  // bench:analytics), which costs the load rate and saves no reading. Per minute there is a table of
  // the last days only (event_counts_minute, below).
  // The first per-minute table had a (hall, minute, type) key over all history: replaced by the one below.
  if (await lacksColumn(client, 'event_counts_minute', 'n_taken')) {
    await client.command({ query: 'DROP VIEW IF EXISTS event_counts_minute_mv' });
    await client.command({ query: 'DROP TABLE IF EXISTS event_counts_minute' });
  }
  await client.command({ query: 'DROP VIEW IF EXISTS event_stats_hourly_mv' });
  await client.command({ query: 'DROP TABLE IF EXISTS event_stats_hourly' });
  // Per hall, hour and type, with summed wait and handling minutes: trends, the region roll-up, forecasts.
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS event_counts_hourly (
      hall_id LowCardinality(String), hour DateTime('UTC'), type LowCardinality(String),
      n UInt64, waited_min Float64, service_min Float64
    ) ENGINE = SummingMergeTree ORDER BY (hall_id, hour, type) SETTINGS ${DEDUP}`,
  });
  // Per hall, hall day (HALL_TZ), type, window, item, department and staff: rankings by each.
  // The day is fixed when the view is made: after a change of HALL_TZ, drop event_stats_daily(_mv) to rebuild it.
  // A table from before a key column was added (staff_id) is rebuilt: dropped here, refilled from events below.
  if (await lacksColumn(client, 'event_stats_daily', 'staff_id')) {
    await client.command({ query: 'DROP VIEW IF EXISTS event_stats_daily_mv' });
    await client.command({ query: 'DROP TABLE IF EXISTS event_stats_daily' });
  }
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS event_stats_daily (
      hall_id LowCardinality(String), day Date, type LowCardinality(String),
      window_id LowCardinality(String), item_code LowCardinality(String), department_id LowCardinality(String), staff_id LowCardinality(String),
      n UInt64, waited_min Float64, service_min Float64
    ) ENGINE = SummingMergeTree ORDER BY (hall_id, day, type, window_id, item_code, department_id, staff_id) SETTINGS ${DEDUP}`,
  });
  // Per hall and minute, the last days only: the leadership screen's "today" curve (trend bucket=minute).
  // Counts as columns and only events younger than MINUTE_DAYS at insert feed it (the view's WHERE), so a
  // year of history loaded at once costs this view nothing and the table stays a few days of hall-minutes:
  // a (hall, minute, type) table over all history was as big as the events (bench:analytics, Nov 2026).
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS event_counts_minute (
      hall_id LowCardinality(String), minute DateTime('UTC'),
      n_taken UInt32, n_called UInt32, n_served UInt32, n_cases UInt32, n_skipped UInt32, waited_min Float64, service_min Float64
    ) ENGINE = SummingMergeTree ORDER BY (hall_id, minute) TTL minute + INTERVAL ${MINUTE_DAYS} DAY SETTINGS ${DEDUP}`,
  });
  // People per camera zone (zone.counted, 视频通道): one row per zone per count, for the zone indicators.
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS zone_counts (
      hall_id LowCardinality(String), at DateTime64(3, 'UTC'), device_id LowCardinality(String), zone LowCardinality(String), people UInt32
    ) ENGINE = MergeTree ORDER BY (hall_id, at, device_id, zone) SETTINGS ${DEDUP}`,
  });
  // Each zone's largest count per 5 minutes: the peak indicator reads a tenth of the rows (cameras report every 30 s).
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS zone_peaks_5m (
      hall_id LowCardinality(String), bucket DateTime('UTC'), device_id LowCardinality(String), zone LowCardinality(String),
      people SimpleAggregateFunction(max, UInt32)
    ) ENGINE = AggregatingMergeTree ORDER BY (hall_id, bucket, device_id, zone) SETTINGS ${DEDUP}`,
  });
  const views: [string, string, string][] = [
    [
      'event_counts_hourly_mv',
      'event_counts_hourly',
      `SELECT hall_id, toStartOfHour(at) AS hour, type,
        count() AS n, sum(waited_min) AS waited_min, sum(service_min) AS service_min
      FROM events GROUP BY hall_id, hour, type`,
    ],
    [
      'event_stats_daily_mv',
      'event_stats_daily',
      `SELECT hall_id, toDate(at, ${quoteTz(tz)}) AS day, type, window_id, item_code, department_id, staff_id,
        count() AS n, sum(waited_min) AS waited_min, sum(service_min) AS service_min
      FROM events GROUP BY hall_id, day, type, window_id, item_code, department_id, staff_id`,
    ],
    [
      'event_counts_minute_mv',
      'event_counts_minute',
      `SELECT hall_id, toStartOfMinute(at) AS minute,
        countIf(type = 'ticket.issued') AS n_taken, countIf(type = 'ticket.called') AS n_called, countIf(type = 'ticket.completed') AS n_served,
        countIf(type = 'case.opened') AS n_cases, countIf(type = 'ticket.skipped') AS n_skipped,
        sumIf(waited_min, type = 'ticket.called') AS waited_min, sumIf(service_min, type = 'ticket.completed') AS service_min
      FROM events
      WHERE type IN ('ticket.issued', 'ticket.called', 'ticket.completed', 'case.opened', 'ticket.skipped') AND at >= now() - INTERVAL ${MINUTE_DAYS} DAY
      GROUP BY hall_id, minute`,
    ],
    [
      'zone_peaks_5m_mv',
      'zone_peaks_5m',
      `SELECT hall_id, toStartOfInterval(at, INTERVAL 5 MINUTE) AS bucket,
        JSONExtractString(payload, 'data', 'deviceId') AS device_id, z.1 AS zone, max(z.2) AS people
      FROM events ARRAY JOIN JSONExtract(payload, 'data', 'zones', 'Array(Tuple(zone String, people UInt32))') AS z
      WHERE type = 'zone.counted' GROUP BY hall_id, bucket, device_id, zone`,
    ],
    [
      'zone_counts_mv',
      'zone_counts',
      `SELECT hall_id, at, JSONExtractString(payload, 'data', 'deviceId') AS device_id, z.1 AS zone, z.2 AS people
      FROM events ARRAY JOIN JSONExtract(payload, 'data', 'zones', 'Array(Tuple(zone String, people UInt32))') AS z
      WHERE type = 'zone.counted'`,
    ],
  ];
  for (const [view, table, select] of views) {
    // count() is a UInt64: quoted or not depending on the engine's JSON settings, so compare as a number.
    const exists =
      Number(
        (
          await (
            await client.query({
              query: 'SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = {v:String}',
              query_params: { v: view },
              format: 'JSONEachRow',
            })
          ).json<{ n: string | number }>()
        )[0]!.n,
      ) > 0;
    if (exists) continue;
    await client.command({ query: `CREATE MATERIALIZED VIEW ${view} TO ${table} AS ${select}` });
    // A data directory from before this view: fill its table from the events already there, once.
    await client.command({ query: `INSERT INTO ${table} ${select}` });
  }
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS halls_dim (
      id String, name String, region_code LowCardinality(String), level LowCardinality(String), version UInt64
    ) ENGINE = ReplacingMergeTree(version) ORDER BY id`,
  });
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS regions_dim (
      code String, name String, level LowCardinality(String), parent_code Nullable(String), version UInt64
    ) ENGINE = ReplacingMergeTree(version) ORDER BY code`,
  });
}
