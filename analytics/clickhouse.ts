import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * The one adapter between the product and ClickHouse (DESIGN.md principle 5).
 * With CLICKHOUSE_URL the official client talks HTTP to a server or cluster;
 * without it the same client runs in process on chDB (`chdb/connection`), with
 * its data under DATA_DIR/clickhouse. The chDB integration is experimental
 * upstream and allows one data directory per process, so everything goes
 * through this file (ADR 0002).
 */
export interface Analytics { client: ClickHouseClient; mode: 'embedded' | 'server'; ping(): Promise<boolean>; close(): Promise<void> }

export async function createAnalytics(opts: { url?: string | undefined; dataDir: string }): Promise<Analytics> {
  let client: ClickHouseClient;
  let mode: Analytics['mode'];
  if (opts.url) {
    client = createClient({ url: opts.url, request_timeout: 30_000 });
    mode = 'server';
  } else {
    const dir = path.resolve(opts.dataDir, 'clickhouse');
    await mkdir(dir, { recursive: true });
    client = createClient({ connection: createChdbConnection({ path: dir }) } as Parameters<typeof createClient>[0]);
    mode = 'embedded';
  }
  await migrateAnalytics(client);
  return {
    client, mode,
    async ping() { try { return (await client.ping()).success; } catch { return false; } },
    async close() { await client.close(); },
  };
}

/**
 * Insert-deduplication for every table the relay fills or a materialized
 * view feeds (ADR 0008): a batch re-sent with the same
 * `insert_deduplication_token` is dropped, and so are the blocks it would
 * push into the views, so a retried batch never counts twice.
 */
const DEDUP = 'non_replicated_deduplication_window = 10000';

/** Columns of `events` taken from the event's data: [column, type, data field]. */
export const EVENT_COLUMNS = [
  ['ticket_id', 'String', 'ticketId'], ['window_id', 'String', 'windowId'], ['item_code', 'String', 'itemCode'], ['department_id', 'String', 'departmentId'],
  ['waited_min', 'Float64', 'waitedMin'], ['service_min', 'Float64', 'serviceMin'],
] as const;

/**
 * The analytics schema (issue 5 "Schema"), created or brought up to date at
 * start. `events` holds every domain event, ordered by hall then time (the
 * screens ask per hall and per period); ReplacingMergeTree on (hall_id, at,
 * seq) also collapses a re-sent event that escaped deduplication. The
 * per-minute and per-hour tables are filled by materialized views as events
 * arrive; `halls_dim` / `regions_dim` carry the region tree for drill-down.
 */
export async function migrateAnalytics(client: ClickHouseClient): Promise<void> {
  await client.command({ query: `CREATE TABLE IF NOT EXISTS events (
      hall_id LowCardinality(String),
      seq UInt64,
      type LowCardinality(String),
      at DateTime64(3, 'UTC'),
      payload String
    ) ENGINE = ReplacingMergeTree ORDER BY (hall_id, at, seq) SETTINGS ${DEDUP}` });
  // A data directory created before the relay existed has the table without the setting.
  await client.command({ query: `ALTER TABLE events MODIFY SETTING ${DEDUP}` });
  // The fields the views and the screens group by, as columns: the relay sends them (PostgreSQL
  // extracts them from the jsonb it already has), so ClickHouse parses no JSON on the load path;
  // an insert that leaves them out gets them from the payload (the DEFAULT).
  for (const [name, type, field] of EVENT_COLUMNS) {
    const extract = type === 'Float64' ? `JSONExtractFloat(payload, 'data', '${field}')` : `JSONExtractString(payload, 'data', '${field}')`;
    // Ticket ids are unique per ticket: a plain String; the others repeat and are dictionary-encoded.
    const colType = type === 'Float64' ? 'Float64' : name === 'ticket_id' ? 'String' : 'LowCardinality(String)';
    await client.command({ query: `ALTER TABLE events ADD COLUMN IF NOT EXISTS ${name} ${colType} DEFAULT ${extract}` });
  }
  // Per hall, minute and event type: live curves (calls, takes per minute) for the screens.
  await client.command({ query: `CREATE TABLE IF NOT EXISTS event_counts_minute (
      hall_id LowCardinality(String), minute DateTime('UTC'), type LowCardinality(String), n UInt64
    ) ENGINE = SummingMergeTree ORDER BY (hall_id, minute, type) SETTINGS ${DEDUP}` });
  await client.command({ query: `CREATE MATERIALIZED VIEW IF NOT EXISTS event_counts_minute_mv TO event_counts_minute AS
      SELECT hall_id, toStartOfMinute(at) AS minute, type, count() AS n FROM events GROUP BY hall_id, minute, type` });
  // Per hall, hour, type, window and item, with the summed wait and handling minutes: the hourly and
  // daily series of the indicators by hall, window, item and department.
  await client.command({ query: `CREATE TABLE IF NOT EXISTS event_stats_hourly (
      hall_id LowCardinality(String), hour DateTime('UTC'), type LowCardinality(String),
      window_id LowCardinality(String), item_code LowCardinality(String), department_id LowCardinality(String),
      n UInt64, waited_min Float64, service_min Float64
    ) ENGINE = SummingMergeTree ORDER BY (hall_id, hour, type, window_id, item_code, department_id) SETTINGS ${DEDUP}` });
  await client.command({ query: `CREATE MATERIALIZED VIEW IF NOT EXISTS event_stats_hourly_mv TO event_stats_hourly AS
      SELECT hall_id, toStartOfHour(at) AS hour, type, window_id, item_code, department_id,
        count() AS n, sum(waited_min) AS waited_min, sum(service_min) AS service_min
      FROM events GROUP BY hall_id, hour, type, window_id, item_code, department_id` });
  await client.command({ query: `CREATE TABLE IF NOT EXISTS halls_dim (
      id String, name String, region_code LowCardinality(String), level LowCardinality(String), version UInt64
    ) ENGINE = ReplacingMergeTree(version) ORDER BY id` });
  await client.command({ query: `CREATE TABLE IF NOT EXISTS regions_dim (
      code String, name String, level LowCardinality(String), parent_code Nullable(String), version UInt64
    ) ENGINE = ReplacingMergeTree(version) ORDER BY code` });
}
