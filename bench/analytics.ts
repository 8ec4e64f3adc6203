/**
 * bench:analytics — a year of a city's history in the embedded ClickHouse
 * (chDB) and the leadership screens' queries on it (docs/benchmarks.md).
 *
 *   npm run bench:analytics
 *   npm run bench:analytics -- --days 365 --tickets-per-day 25000 --halls 120 --reps 10
 *
 * 1. Starts the real application (embedded PostgreSQL, chDB, relay timer off)
 *    in a temporary DATA_DIR and seeds a city: regions and `--halls` halls.
 * 2. Bulk history: generates `--days` × `--tickets-per-day` tickets inside
 *    ClickHouse (bench/lib/analytics-history.ts; ~6 events per ticket, plus
 *    window open/close per window and day) into `events`, which feeds the
 *    views (per hour; per day; per minute for the last days) as relayed
 *    events do, and `--camera-days` of camera people counts. Reports events/s.
 * 3. Relay path: `--relay-events` outbox rows written to PostgreSQL, then
 *    `relay.drain()` moves them (plan, read, insert with token, ack) — the
 *    product's own load path. Reports events/s.
 * 4. Screen queries: every catalog indicator (analytics/indicators) for the
 *    city today, the city over 30 days, one district over 30 days and one
 *    hall over 30 days, plus the trend, ranking and region roll-up queries
 *    of the leadership screen, each `--reps` times; p50/p95/max per query.
 * Run by hand; no test asserts on speed.
 */
import { mkdtemp, rm, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir, cpus, totalmem, release } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.ts';
import { createApplication } from '../server/app.ts';
import { createLogger } from '../server/logger.ts';
import { catalog } from '../analytics/indicators/catalog.ts';
import { evaluateIndicator } from '../analytics/indicators/evaluate.ts';
import { ticketEventsSql, windowEventsSql, zoneEventsSql } from './lib/analytics-history.ts';
import { ranking, sumsByHall, trendSeries, type PeriodScope } from '../analytics/screen-queries.ts';
import { forecastInputs } from '../analytics/forecast-inputs.ts';
import { dailyCounts, efficiencyInputs, reviewRows, visitInputs } from '../analytics/model-inputs.ts';
import { LOOKUP_KEY_PATTERN } from '../server/domain/models/index.ts';
import { summarize, round, type Summary } from './lib/stats.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));

interface Options {
  days: number;
  perDay: number;
  halls: number;
  reps: number;
  relayEvents: number;
  chunk: number;
  cameraDays: number;
  out: string;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      days: { type: 'string' },
      'tickets-per-day': { type: 'string' },
      halls: { type: 'string' },
      reps: { type: 'string' },
      'relay-events': { type: 'string' },
      chunk: { type: 'string' },
      'camera-days': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`npm run bench:analytics -- [options]
  --days N              days of history (365)
  --tickets-per-day N   tickets a day in the whole city (25000 → ~55 million events a year)
  --halls N             halls (120)
  --reps N              runs of each screen query (10)
  --relay-events N      outbox rows moved through the relay (300000)
  --chunk N             tickets per bulk INSERT (1000000)
  --camera-days N       days of camera people counts, 8 cameras per district hall and 2 per town hall, every 30 s (7)
  --out FILE            JSON result (bench/results/analytics-<time>.json)
`);
    process.exit(0);
  }
  const num = (v: string | undefined, d: number) => (v === undefined ? d : Number(v));
  return {
    days: num(values.days, 365),
    perDay: num(values['tickets-per-day'], 25000),
    halls: num(values.halls, 120),
    reps: num(values.reps, 10),
    relayEvents: num(values['relay-events'], 300000),
    chunk: num(values.chunk, 1_000_000),
    cameraDays: num(values['camera-days'], 7),
    out: values.out ?? path.join(HERE, 'results', `analytics-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
  };
}

const log = (s: string) => process.stderr.write(`${s}\n`);

async function main(): Promise<void> {
  const o = options();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'bench-analytics-'));
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    HTTP_PORT: '0',
    MQTT_PORT: '0',
    SIM: 'off',
    SEED: 'none',
    LOG_LEVEL: 'warn',
    HTTP_HOST: '127.0.0.1',
    MQTT_HOST: '127.0.0.1',
    RELAY_INTERVAL_MS: '0',
    RELAY_BATCH_MAX: '5000',
  };
  if (process.env.DATABASE_URL) env.DATABASE_URL = process.env.DATABASE_URL;
  const app = await createApplication({ config: loadConfig(env), logger: createLogger('warn') });
  const ch = app.analytics.client;
  try {
    // ── the city: 1 city, 6 districts, towns under them; big halls first (the generator skews toward low ids) ──
    await app.db.query(
      `INSERT INTO regions (code, name, level) VALUES ('449900', '压测市', 'city') ON CONFLICT DO NOTHING`,
    );
    await app.db.query(
      `INSERT INTO regions (code, name, level, parent_code) SELECT '4499' || lpad(d::text, 2, '0'), '压测区' || d, 'district', '449900' FROM generate_series(1, 6) d ON CONFLICT DO NOTHING`,
    );
    await app.db
      .query(`INSERT INTO regions (code, name, level, parent_code) SELECT '4499' || lpad(d::text, 2, '0') || lpad(t::text, 3, '0'), '压测镇' || d || '-' || t, 'town', '4499' || lpad(d::text, 2, '0')
      FROM generate_series(1, 6) d, generate_series(1, 15) t ON CONFLICT DO NOTHING`);
    await app.db.query(
      `INSERT INTO halls (id, name, region_code, level)
      SELECT 'bh' || h, '压测大厅' || h,
        CASE WHEN h <= 6 THEN '4499' || lpad(h::text, 2, '0') ELSE '4499' || lpad((1 + h % 6)::text, 2, '0') || lpad((1 + h % 15)::text, 3, '0') END,
        CASE WHEN h <= 6 THEN 'district' ELSE 'town' END
      FROM generate_series(1, $1) h`,
      [o.halls],
    );
    await app.relay.step(); // writes halls_dim / regions_dim

    // ── bulk history inside ClickHouse ──
    const start = new Date(
      Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()) -
        (o.days - 1) * 86_400_000,
    );
    const shape = { startIso: start.toISOString().slice(0, 19).replace('T', ' '), perDay: o.perDay, halls: o.halls };
    const tickets = o.days * o.perDay;
    log(`bulk: ${tickets} tickets over ${o.days} days in ${o.halls} halls …`);
    const t0 = performance.now();
    for (let first = 0; first < tickets; first += o.chunk) {
      const c0 = performance.now();
      await ch.command({ query: ticketEventsSql(shape, first, Math.min(o.chunk, tickets - first)) });
      log(`  tickets ${first + Math.min(o.chunk, tickets - first)} (${round((performance.now() - c0) / 1000, 1)} s)`);
    }
    await ch.command({ query: windowEventsSql(shape, o.days) });
    // People per camera zone: the last --camera-days days, every camera every 30 s of opening hours.
    await ch.command({ query: zoneEventsSql(shape, o.days, Math.min(o.cameraDays, o.days)) });
    const bulkSeconds = (performance.now() - t0) / 1000;
    const total = Number(
      (
        await (
          await ch.query({ query: 'SELECT count() AS n FROM events', format: 'JSONEachRow' })
        ).json<{ n: string }>()
      )[0]!.n,
    );
    log(`  ${total} events in ${round(bulkSeconds, 1)} s = ${Math.round(total / bulkSeconds)} events/s`);
    const disk = await (
      await ch.query({
        query: `SELECT table, sum(rows) AS rows, sum(data_compressed_bytes) AS compressed, sum(data_uncompressed_bytes) AS raw FROM system.parts WHERE active GROUP BY table ORDER BY table`,
        format: 'JSONEachRow',
      })
    ).json<{ table: string; rows: string; compressed: string; raw: string }>();

    // ── relay path: outbox rows in PostgreSQL → relay → ClickHouse ──
    // Dated 400 days back, outside every screen scope: the screens below read a normal day of the
    // history, not a day with the relay's 300,000 extra calls in 20 halls (twice a city's whole day).
    log(`relay: ${o.relayEvents} outbox rows …`);
    const relayHalls = Math.min(o.halls, 20);
    await app.db.query(
      `INSERT INTO outbox (hall_id, seq, type, payload, created_at)
      SELECT 'bh' || (1 + i % $2), 100000000000 + i / $2, 'ticket.called',
        jsonb_build_object('hallId', 'bh' || (1 + i % $2), 'seq', 100000000000 + i / $2, 'at', to_char((now() - interval '400 days') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'type', 'ticket.called',
          'data', jsonb_build_object('ticketId', 'R' || i, 'ticketNo', 'A001', 'windowId', 'bh' || (1 + i % $2) || '-w1', 'windowNo', '1', 'queueId', 'q',
            'class', 'walk-in', 'waitedMin', (i % 40)::float8, 'outOfOrder', false)), now()
      FROM generate_series(0, $1 - 1) i`,
      [o.relayEvents, relayHalls],
    );
    // Gapless seqs per hall, as the product writes them, after the history's: the cursor sits just before them.
    await app.db.query(
      `INSERT INTO relay_cursor (hall_id, seq) SELECT id, 100000000000 - 1 FROM halls WHERE substring(id from 3)::int <= $1
      ON CONFLICT (hall_id) DO UPDATE SET seq = EXCLUDED.seq`,
      [relayHalls],
    );
    await app.db.query(
      `UPDATE halls h SET seq = m.seq FROM (SELECT hall_id, max(seq) AS seq FROM outbox GROUP BY hall_id) m WHERE m.hall_id = h.id`,
    );
    const r0 = performance.now();
    const relayed = await app.relay.drain();
    const relaySeconds = (performance.now() - r0) / 1000;
    log(`  ${relayed} events in ${round(relaySeconds, 1)} s = ${Math.round(relayed / relaySeconds)} events/s`);

    // ── screen queries ──
    const halls = Array.from({ length: o.halls }, (_, i) => `bh${i + 1}`);
    const district = (
      await app.db.query<{ id: string }>(`SELECT id FROM halls WHERE region_code LIKE '449902%' ORDER BY id`)
    ).rows.map((r) => r.id);
    const now = new Date();
    const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - 8 * 3_600_000); // hall day (UTC+8) of today
    const d30 = new Date(dayStart.getTime() - 30 * 86_400_000);
    const y1 = new Date(dayStart.getTime() - 365 * 86_400_000);
    const scopes = {
      'city-today': { hallIds: halls, from: dayStart.toISOString(), to: now.toISOString() },
      'city-30d': { hallIds: halls, from: d30.toISOString(), to: now.toISOString() },
      'district-30d': { hallIds: district, from: d30.toISOString(), to: now.toISOString() },
      'hall-30d': { hallIds: ['bh1'], from: d30.toISOString(), to: now.toISOString() },
    };
    const timings: { query: string; scope: string; value: number | null; ms: Summary }[] = [];
    async function time(query: string, scope: string, fn: () => Promise<number | null>): Promise<void> {
      const ms: number[] = [];
      let value: number | null = null;
      for (let i = 0; i < o.reps; i++) {
        const q0 = performance.now();
        value = await fn();
        ms.push(performance.now() - q0);
      }
      const s = summarize(ms);
      timings.push({ query, scope, value, ms: s });
      log(`  ${query} [${scope}] p50 ${s.p50} p95 ${s.p95} ms → ${value}`);
    }
    log('screen queries …');
    for (const [name, scope] of Object.entries(scopes)) {
      for (const d of catalog) await time(d.id, name, async () => (await evaluateIndicator(ch, d.id, scope)).value);
    }
    // The leadership screen's own reads (analytics/screen-queries.ts, analytics/forecast-inputs.ts), as the routes run them.
    const period = (sc: { hallIds: string[]; from: string; to: string }): PeriodScope => ({
      ...sc,
      tz: 'Asia/Shanghai',
    });
    const year = period({ hallIds: halls, from: y1.toISOString(), to: now.toISOString() });
    const today = period(scopes['city-today']);
    const month = period(scopes['city-30d']);
    await time('screen.trend.day', 'city-365d', async () => (await trendSeries(ch, year, 'day')).length);
    await time('screen.trend.hour', 'city-30d', async () => (await trendSeries(ch, month, 'hour')).length);
    await time('screen.trend.minute', 'city-today', async () => (await trendSeries(ch, today, 'minute')).length);
    for (const by of ['hall', 'window', 'item', 'department', 'staff'] as const) {
      await time(`screen.ranking.${by}`, 'city-30d', async () => (await ranking(ch, month, by, 50)).length);
    }
    await time(
      'screen.ranking.window',
      'hall-30d',
      async () => (await ranking(ch, period(scopes['hall-30d']), 'window', 50)).length,
    );
    await time('screen.regions.by-hall', 'city-30d', async () => (await sumsByHall(ch, month)).size);
    await time('screen.regions.by-hall', 'city-365d', async () => (await sumsByHall(ch, year)).size);
    // The models' ClickHouse reads (analytics/model-inputs.ts); the rules run in Node afterwards.
    await time(
      'model.efficiency.inputs',
      'city-30d',
      async () => (await efficiencyInputs(ch, month, now.toISOString(), true)).services.length,
    );
    await time(
      'model.efficiency.inputs',
      'hall-30d',
      async () => (await efficiencyInputs(ch, period(scopes['hall-30d']), now.toISOString(), true)).services.length,
    );
    await time('model.case-trend.inputs', 'city-365d', async () => (await dailyCounts(ch, year, 'cases')).size);
    await time('model.review-scores.inputs', 'city-30d', async () => (await reviewRows(ch, month, true)).length);
    await time(
      'model.multiple-visits.inputs',
      'city-30d',
      async () => (await visitInputs(ch, month, LOOKUP_KEY_PATTERN)).multi.length,
    );
    await time(
      'screen.forecast.inputs',
      'city-now',
      async () => (await forecastInputs(ch, halls, Math.floor(now.getTime() / 3_600_000) * 3_600_000, 4)).size,
    );

    const result = {
      at: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        model: cpus()[0]?.model,
        memGiB: round(totalmem() / 2 ** 30, 1),
        kernel: release(),
        node: process.version,
      },
      options: { ...o, out: undefined },
      bulk: {
        events: total,
        seconds: round(bulkSeconds, 1),
        eventsPerSecond: Math.round(total / bulkSeconds),
        tables: disk,
      },
      relay: {
        events: relayed,
        seconds: round(relaySeconds, 1),
        eventsPerSecond: Math.round(relayed / relaySeconds),
        batchMax: 5000,
      },
      timings,
    };
    await mkdir(path.dirname(o.out), { recursive: true });
    await writeFile(o.out, JSON.stringify(result, null, 1));
    process.stdout.write(render(result));
  } finally {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function render(r: {
  at: string;
  bulk: { events: number; seconds: number; eventsPerSecond: number };
  relay: { events: number; seconds: number; eventsPerSecond: number };
  timings: { query: string; scope: string; value: number | null; ms: Summary }[];
}): string {
  const lines = [
    `### bench:analytics ${r.at}`,
    '',
    `bulk: ${r.bulk.events} events in ${r.bulk.seconds} s = ${r.bulk.eventsPerSecond} events/s; relay: ${r.relay.events} events in ${r.relay.seconds} s = ${r.relay.eventsPerSecond} events/s`,
    '',
    '| query | scope | value | p50 ms | p95 ms | max ms |',
    '|---|---|---:|---:|---:|---:|',
  ];
  for (const t of r.timings)
    lines.push(`| ${t.query} | ${t.scope} | ${t.value ?? '—'} | ${t.ms.p50} | ${t.ms.p95} | ${t.ms.max} |`);
  const worst = [...r.timings].sort((a, b) => (b.ms.p95 ?? 0) - (a.ms.p95 ?? 0))[0];
  lines.push('', `slowest p95: ${worst ? `${worst.query} [${worst.scope}] ${worst.ms.p95} ms` : '—'}`);
  return lines.join('\n') + '\n';
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
