import type { ClickHouseClient } from '@clickhouse/client';
import type { EventColumnValues } from '../contracts/event-columns.ts';

/**
 * Writes relayed events into ClickHouse (docs/analytics.md "Loading", ADR 0008). The
 * token names the batch: ClickHouse keeps the last tokens of each table
 * (non_replicated_deduplication_window) and drops a block it has seen, in
 * `events` and in the views it feeds, so sending a batch twice counts once.
 */
/** An event for `events`; its data-field columns (contracts/event-columns.ts) left out are extracted by ClickHouse from the payload. */
export type EventRow = {
  hall_id: string;
  seq: number;
  type: string;
  at: string;
  payload: string;
} & Partial<EventColumnValues>;

export async function insertEvents(client: ClickHouseClient, rows: readonly EventRow[], token: string): Promise<void> {
  if (rows.length === 0) return;
  await client.insert({
    table: 'events',
    values: rows as EventRow[],
    format: 'JSONEachRow',
    clickhouse_settings: {
      insert_deduplicate: 1,
      insert_deduplication_token: token,
      deduplicate_blocks_in_dependent_materialized_views: 1,
      // Events carry ISO times ('2026-11-28T03:00:00.000Z').
      date_time_input_format: 'best_effort',
    },
  });
}

/** Replaces the halls and regions dimension rows (ReplacingMergeTree by version: the newest wins). */
export async function writeDimensions(
  client: ClickHouseClient,
  dims: {
    halls: readonly { id: string; name: string; region_code: string; level: string }[];
    regions: readonly { code: string; name: string; level: string; parent_code: string | null }[];
  },
  version: number,
): Promise<void> {
  if (dims.halls.length > 0)
    await client.insert({
      table: 'halls_dim',
      values: dims.halls.map((h) => ({ ...h, version })),
      format: 'JSONEachRow',
    });
  if (dims.regions.length > 0)
    await client.insert({
      table: 'regions_dim',
      values: dims.regions.map((r) => ({ ...r, version })),
      format: 'JSONEachRow',
    });
}
