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
 * The events table every domain event lands in (issue 5 adds the relay,
 * aggregates and models). Ordered by hall then time: the screens ask per hall
 * and per period. `ReplacingMergeTree` on (hall_id, seq) makes a re-sent
 * event collapse, which backs the relay's at-least-once delivery.
 */
export async function migrateAnalytics(client: ClickHouseClient): Promise<void> {
  await client.command({ query: `CREATE TABLE IF NOT EXISTS events (
      hall_id LowCardinality(String),
      seq UInt64,
      type LowCardinality(String),
      at DateTime64(3, 'UTC'),
      payload String
    ) ENGINE = ReplacingMergeTree ORDER BY (hall_id, at, seq)` });
}
