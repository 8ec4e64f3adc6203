import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startStack, until, windowAndItem, type Stack } from '../helpers/stack.ts';
import { createOutboxRelay, type OutboxRelay } from '../../server/outbound/outbox-relay.ts';
import { insertEvents } from '../../analytics/events-writer.ts';
import { migrateAnalytics } from '../../analytics/clickhouse.ts';
import { runWindowOp } from '../../server/commands/window-ops.ts';
import { createLogger } from '../../server/logger.ts';

/**
 * The outbox relay (docs/analytics.md "Loading", ADR 0008) on the real stack:
 * embedded PostgreSQL → chDB. Events arrive once each in `events` and in the
 * views it feeds; a crash between the ClickHouse insert and the cursor
 * update re-sends the same batch, which ClickHouse drops; while ClickHouse
 * fails the queue keeps working and the relay catches up afterwards. The
 * faults are injected around the real insert (a wrapper that throws), since
 * an in-process engine cannot be stopped on its own.
 */
describe('outbox relay: PostgreSQL outbox → ClickHouse, at least once, counted once', () => {
  let s: Stack;
  const hall = 'h-east';
  const logger = createLogger('silent');

  beforeAll(async () => {
    // The app's own relay timer is off: the test decides when steps run.
    s = await startStack({ RELAY_INTERVAL_MS: '0' });
  });
  afterAll(async () => {
    await s?.stop();
  });

  const ch = async <T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> =>
    (await s.app.analytics.client.query({ query, format: 'JSONEachRow', query_params: params })).json<T>();
  const outboxCount = async () =>
    (await s.app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox')).rows[0]!.n;
  /** Rows in events (before any merge), distinct (hall, seq), and the views' sums. */
  const counts = async () => {
    const [e] = await ch<{ rows: string; distinct: string }>(
      'SELECT count() AS rows, uniqExact(hall_id, seq) AS distinct FROM events',
    );
    const [m] = await ch<{ n: string }>('SELECT sum(n) AS n FROM event_counts_hourly');
    const [h] = await ch<{ n: string }>('SELECT sum(n) AS n FROM event_stats_daily');
    return { rows: Number(e!.rows), distinct: Number(e!.distinct), hourly: Number(m!.n), daily: Number(h!.n) };
  };
  /** A few queue operations: takes, a call and a completion (each one transaction with its outbox events). */
  async function serveSome(n: number): Promise<void> {
    const { windowId: w, itemCode: code } = await windowAndItem(s, hall);
    await runWindowOp(s.app.queue, hall, w, { op: 'open' }).catch(() => undefined);
    for (let i = 0; i < n; i++) await s.app.queue.run(hall, { type: 'take', ticketId: randomUUID(), itemCode: code });
    await runWindowOp(s.app.queue, hall, w, { op: 'next' });
    await runWindowOp(s.app.queue, hall, w, { op: 'complete', outcome: 'done' });
  }

  it('delivers every committed event once, with the hall tree for drill-down, and the views count them once', async () => {
    await serveSome(3);
    const sent = await s.app.relay.drain();
    expect(sent).toBeGreaterThan(0);
    const total = await outboxCount();
    expect(await counts()).toEqual({ rows: total, distinct: total, hourly: total, daily: total });
    expect(await s.app.relay.lag()).toEqual({ events: 0, halls: 0 });
    // The same (hall, seq, type) as in PostgreSQL.
    const pg = (
      await s.app.db.query<{ seq: number; type: string }>(
        'SELECT seq, type FROM outbox WHERE hall_id = $1 ORDER BY seq',
        [hall],
      )
    ).rows;
    const got = await ch<{ seq: string; type: string }>(
      'SELECT seq, type FROM events WHERE hall_id = {h:String} ORDER BY seq',
      { h: hall },
    );
    expect(got.map((r) => ({ seq: Number(r.seq), type: r.type }))).toEqual(pg);
    const [dim] = await ch<{ region_code: string; name: string }>(
      'SELECT region_code, name FROM halls_dim FINAL WHERE id = {h:String}',
      { h: hall },
    );
    const region = (
      await s.app.db.query<{ region_code: string }>('SELECT region_code FROM halls WHERE id = $1', [hall])
    ).rows[0]!.region_code;
    expect(dim?.region_code).toBe(region);
    const [calls] = await ch<{ n: string }>(
      "SELECT sum(n) AS n FROM event_stats_daily WHERE hall_id = {h:String} AND type = 'ticket.called'",
      { h: hall },
    );
    expect(Number(calls!.n)).toBe(pg.filter((r) => r.type === 'ticket.called').length);
    // The columns the relay takes out of the jsonb equal the payload's fields (the catalog reads the columns).
    const [cols] = await ch<{ bad: string; firstCalls: string }>(
      `SELECT
        countIf(ticket_id != JSONExtractString(payload, 'data', 'ticketId') OR window_id != JSONExtractString(payload, 'data', 'windowId')
          OR waited_min != JSONExtractFloat(payload, 'data', 'waitedMin') OR service_min != JSONExtractFloat(payload, 'data', 'serviceMin')
          OR call_no != JSONExtract(payload, 'data', 'call', 'UInt16') OR staff_id != JSONExtractString(payload, 'data', 'staffId')
          OR case_id != JSONExtractString(payload, 'data', 'caseId') OR applicant_key != JSONExtractString(payload, 'data', 'applicantKey')) AS bad,
        countIf(type = 'ticket.called' AND call_no = 1) AS firstCalls
      FROM events WHERE hall_id = {h:String}`,
      { h: hall },
    );
    expect(Number(cols!.bad)).toBe(0);
    expect(Number(cols!.firstCalls)).toBe(pg.filter((r) => r.type === 'ticket.called').length);
  });

  it('a crash between the insert and the acknowledgement re-sends the same batch, and ClickHouse counts it once', async () => {
    await serveSome(2);
    // One relay at a time (advisory lock): the app's own lets go, as if its process had stopped.
    await s.app.relay.stop();
    let crashed = 0;
    const faulty = createOutboxRelay({
      db: s.app.db,
      client: s.app.analytics.client,
      logger,
      batchMax: 5000,
      intervalMs: 0,
      afterInsert() {
        crashed++;
        throw new Error('process died after the insert');
      },
    });
    await expect(faulty.step()).rejects.toThrow('process died');
    expect(crashed).toBe(1);
    // The insert is in ClickHouse, the cursor did not move, the plan is still there.
    expect((await counts()).rows).toBe(await outboxCount());
    expect((await s.app.db.query('SELECT 1 FROM relay_pending')).rowCount).toBe(1);
    expect((await s.app.relay.lag()).events).toBeGreaterThan(0);
    await faulty.stop(); // its session ends, as a dead process's would: the advisory lock is free

    // After a restart: a new relay finds the plan and sends it again.
    const fresh = createOutboxRelay({
      db: s.app.db,
      client: s.app.analytics.client,
      logger,
      batchMax: 5000,
      intervalMs: 0,
    });
    await fresh.drain();
    await fresh.stop();
    const total = await outboxCount();
    expect(await counts()).toEqual({ rows: total, distinct: total, hourly: total, daily: total });
    expect((await s.app.db.query('SELECT 1 FROM relay_pending')).rowCount).toBe(0);
    expect(await s.app.relay.lag()).toEqual({ events: 0, halls: 0 });
  });

  it("a data directory from before a view: the view's table is filled once from the events already there", async () => {
    await s.app.relay.drain();
    await s.app.relay.stop(); // lets go of the relay lock again, for the relays the next tests make
    const before = await counts();
    await s.app.analytics.client.command({ query: 'DROP VIEW event_stats_daily_mv' });
    await s.app.analytics.client.command({ query: 'DROP TABLE event_stats_daily' });
    await migrateAnalytics(s.app.analytics.client, s.app.config.HALL_TZ);
    expect(await counts()).toEqual(before);
    await migrateAnalytics(s.app.analytics.client, s.app.config.HALL_TZ); // again: nothing doubles
    expect(await counts()).toEqual(before);
  });

  it('a data directory from before the staff dimension: event_stats_daily without staff_id is rebuilt with it, from the events', async () => {
    const before = await counts();
    const client = s.app.analytics.client;
    await client.command({ query: 'DROP VIEW event_stats_daily_mv' });
    await client.command({ query: 'DROP TABLE event_stats_daily' });
    // The table and view as an earlier version made them, holding only part of the history.
    await client.command({
      query: `CREATE TABLE event_stats_daily (hall_id LowCardinality(String), day Date, type LowCardinality(String),
        window_id LowCardinality(String), item_code LowCardinality(String), department_id LowCardinality(String), n UInt64, waited_min Float64, service_min Float64)
      ENGINE = SummingMergeTree ORDER BY (hall_id, day, type, window_id, item_code, department_id)`,
    });
    await client.command({
      query: `CREATE MATERIALIZED VIEW event_stats_daily_mv TO event_stats_daily AS SELECT hall_id, toDate(at) AS day, type, window_id, item_code, department_id,
        count() AS n, sum(waited_min) AS waited_min, sum(service_min) AS service_min FROM events GROUP BY hall_id, day, type, window_id, item_code, department_id`,
    });
    await migrateAnalytics(client, s.app.config.HALL_TZ);
    expect(await counts()).toEqual(before);
    const [cols] = await ch<{ n: string }>(
      "SELECT count() AS n FROM system.columns WHERE database = currentDatabase() AND table = 'event_stats_daily' AND name = 'staff_id'",
    );
    expect(Number(cols!.n)).toBe(1);
  });

  it('a batch sent twice with its token is stored once', async () => {
    const before = await counts();
    const row = {
      hall_id: 'h-test-dup',
      seq: 1,
      type: 'window.opened',
      at: new Date().toISOString(),
      payload: '{"data":{"windowId":"x"}}',
    };
    await insertEvents(s.app.analytics.client, [row], 'relay-test-token');
    await insertEvents(s.app.analytics.client, [row], 'relay-test-token');
    const after = await counts();
    expect(after.rows - before.rows).toBe(1);
    expect(after.hourly - before.hourly).toBe(1);
    expect(after.daily - before.daily).toBe(1);
  });

  it('while ClickHouse fails the hall keeps working; afterwards the relay catches up by itself', async () => {
    let down = true;
    let refused = 0;
    const relay: OutboxRelay = createOutboxRelay({
      db: s.app.db,
      client: s.app.analytics.client,
      logger,
      batchMax: 2,
      intervalMs: 20,
      async insert(client, rows, token) {
        if (down) {
          refused++;
          throw new Error('ClickHouse unavailable (injected)');
        }
        await insertEvents(client, rows, token);
      },
    });
    relay.start();
    try {
      // The queue goes on while every relay step fails.
      await serveSome(4);
      await until(() => (refused >= 2 ? true : null));
      expect(relay.stats().errors).toBeGreaterThanOrEqual(2);
      const lag = await relay.lag();
      expect(lag.events).toBeGreaterThanOrEqual(6);
      await serveSome(1);
      down = false;
      // Small batches (2 events): it takes several steps, done by the timer.
      await until(async () => ((await relay.lag()).events === 0 ? true : null), 20_000);
    } finally {
      await relay.stop();
    }
    const total = await outboxCount();
    expect(await counts()).toMatchObject({ distinct: total + 1 }); // + the row of the token test above
    expect((await counts()).hourly).toBe(total + 1);
    expect((await counts()).daily).toBe(total + 1);
    expect(relay.stats().batches).toBeGreaterThanOrEqual(3);
  });

  it('deletes outbox rows past the retention that ClickHouse has, never the ones it does not', async () => {
    await serveSome(2);
    await s.app.relay.stop();
    const relay = createOutboxRelay({
      db: s.app.db,
      client: s.app.analytics.client,
      logger,
      batchMax: 5000,
      intervalMs: 0,
      retentionDays: 30,
    });
    await relay.drain();
    await serveSome(1); // committed after the drain: not in ClickHouse yet
    // Everything of the hall is made 40 days old: the relayed part may go, the unrelayed part must stay.
    await s.app.db.query("UPDATE outbox SET created_at = now() - interval '40 days' WHERE hall_id = $1", [hall]);
    const [{ relayed, unrelayed }] = (
      await s.app.db.query<{ relayed: number; unrelayed: number }>(
        `SELECT count(*) FILTER (WHERE o.seq <= c.seq)::int AS relayed, count(*) FILTER (WHERE o.seq > c.seq)::int AS unrelayed
         FROM outbox o JOIN relay_cursor c ON c.hall_id = o.hall_id WHERE o.hall_id = $1`,
        [hall],
      )
    ).rows as [{ relayed: number; unrelayed: number }];
    expect(relayed).toBeGreaterThan(0);
    expect(unrelayed).toBeGreaterThan(0);
    const young = (
      await s.app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE hall_id != $1', [hall])
    ).rows[0]!.n;
    expect(await relay.prune()).toBe(relayed);
    expect(relay.stats().pruned).toBe(relayed);
    // Left: the hall's unrelayed rows and every other hall's young rows; the relay still sends the rest, once.
    expect(await outboxCount()).toBe(unrelayed + young);
    const before = await counts();
    expect(await relay.drain()).toBe(unrelayed);
    expect((await counts()).rows).toBe(before.rows + unrelayed);
    await relay.stop();
  });
});
