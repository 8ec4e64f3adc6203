import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { startStack, windowAndItem, type Stack } from '../helpers/stack.ts';
import { runWindowOp } from '../../server/commands/window-ops.ts';
import { insertEvents } from '../../analytics/events-writer.ts';
import { evaluateIndicator } from '../../analytics/indicators/evaluate.ts';

/**
 * The ClickHouse server path (CLICKHOUSE_URL;
 * docs/external-engines.md): the same schema, relay and catalog over HTTP.
 * It runs only where a current ClickHouse server is reachable:
 *
 *   CLICKHOUSE_TEST_URL=http://default:secret@127.0.0.1:8123 npm run test:external
 *
 * This machine has none (Debian offers 18.16, too old for this SQL), so here
 * it is skipped; it is written so that a machine with a server runs it as is.
 * Each run works in a database of its own, dropped at the end.
 */
const base = process.env.CLICKHOUSE_TEST_URL;

describe.skipIf(!base)('ClickHouse server (CLICKHOUSE_URL)', () => {
  let s: Stack;
  let admin: ClickHouseClient;
  const db = `hall_it_${randomBytes(4).toString('hex')}`;
  const hall = 'h-east';

  beforeAll(async () => {
    admin = createClient({ url: base! });
    await admin.command({ query: `CREATE DATABASE ${db}` });
    const url = new URL(base!);
    url.pathname = `/${db}`;
    s = await startStack({ CLICKHOUSE_URL: url.toString(), RELAY_INTERVAL_MS: '0' });
  });
  afterAll(async () => {
    await s?.stop();
    await admin?.command({ query: `DROP DATABASE IF EXISTS ${db}` });
    await admin?.close();
  });

  const one = async (query: string): Promise<number> =>
    Number(
      (await (await s.app.analytics.client.query({ query, format: 'JSONEachRow' })).json<{ n: string | number }>())[0]!
        .n,
    );

  it('runs in server mode and creates the schema there', async () => {
    expect(s.app.analytics.mode).toBe('server');
    for (const t of [
      'events',
      'event_counts_hourly',
      'event_stats_daily',
      'event_counts_minute',
      'zone_counts',
      'zone_peaks_5m',
      'halls_dim',
      'regions_dim',
    ]) {
      expect(
        await one(`SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = '${t}'`),
        t,
      ).toBe(1);
    }
  });

  it('relays every committed event once; a batch sent twice with its token is stored once', async () => {
    const { windowId: w, itemCode } = await windowAndItem(s, hall);
    await runWindowOp(s.app.queue, hall, w, { op: 'open' });
    for (let i = 0; i < 3; i++) await s.app.queue.run(hall, { type: 'take', ticketId: randomUUID(), itemCode });
    await runWindowOp(s.app.queue, hall, w, { op: 'next' });
    await runWindowOp(s.app.queue, hall, w, { op: 'complete', outcome: 'done' });
    await s.app.relay.drain();
    const outbox = (await s.app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox')).rows[0]!.n;
    expect(await one('SELECT count() AS n FROM events')).toBe(outbox);
    expect(await one('SELECT sum(n) AS n FROM event_counts_hourly')).toBe(outbox);
    const row = {
      hall_id: 'h-it-dup',
      seq: 1,
      type: 'window.opened',
      at: new Date().toISOString(),
      payload: '{"data":{"windowId":"x"}}',
    };
    await insertEvents(s.app.analytics.client, [row], 'it-token');
    await insertEvents(s.app.analytics.client, [row], 'it-token');
    expect(await one("SELECT count() AS n FROM events WHERE hall_id = 'h-it-dup'")).toBe(1);
  });

  it('evaluates the catalog over HTTP with the same values', async () => {
    const scope = {
      hallIds: [hall],
      from: new Date(Date.now() - 3_600_000).toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
      tz: 'Asia/Shanghai',
    };
    expect((await evaluateIndicator(s.app.analytics.client, 'queue.waiting.now', scope)).value).toBe(2);
    expect((await evaluateIndicator(s.app.analytics.client, 'queue.calls.per-hour', scope)).value).toBeGreaterThan(0);
  });
});
