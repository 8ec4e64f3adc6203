/**
 * bench:ingest — how fast a ticket request becomes a slip and a line on the
 * hall screen, on the real stack (embedded PostgreSQL, chDB, Aedes, Socket.IO)
 * in this process, driven by real MQTT devices and Socket.IO screens.
 *
 *   npm run bench:ingest
 *   npm run bench:ingest -- --rate 500 --seconds 30 --steps 500,750,1000,1500,2000 --step-seconds 10
 *   BENCH_RATE=800 BENCH_SECONDS=20 npm run bench:ingest
 *
 * Phase A: open-loop requests at a fixed rate; publish → reply and publish →
 * hall delta latencies. Phase B: stepped rates; the sustained rate is the
 * highest step with issued ≥ 95 % of offered and p99 < 250 ms. Prints a
 * Markdown report and writes the same result as JSON to bench/results/.
 * Run by hand; no test asserts on wall-clock speed (docs/benchmarks.md).
 */
import { mkdtemp, rm, mkdir, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir, cpus, totalmem, loadavg, availableParallelism, release, platform } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadConfig } from '../server/config.ts';
import { createApplication, type App } from '../server/app.ts';
import { createLogger } from '../server/logger.ts';
import { DEMO_PASSWORD } from '../server/store/seed-demo.ts';
import type { DeviceCredentials, HallSummary } from '../contracts/index.ts';
import {
  runLoad,
  type LoadPlan,
  type LoadResult,
  type PhasePlan,
  type BenchDevice,
  type LoadHooks,
} from './lib/ingest-load.ts';
import type { FromWorker, ToWorker } from './lib/ingest-worker.ts';
import {
  readHistogram,
  diffHistogram,
  histogramFigures,
  round,
  loopMs,
  LOOP_RESOLUTION_MS,
  type HistogramSnapshot,
} from './lib/stats.ts';
import { sampleCpu, cpuShare, type CpuSample } from './lib/proc-cpu.ts';
import { pgWaitSampler } from './lib/pg-waits.ts';
import { renderMarkdown, type IngestBenchResult, type ServerPhase } from './lib/ingest-report.ts';
import { enrollTotp } from '../tests/helpers/totp.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TARGET_P99_MS = 50;
const STEP_P99_MS = 250;
const QUIESCE_MAX_MS = 30_000;
/** A step that issues less than this share of its offered rate is saturated; higher steps are skipped. */
const SATURATED_BELOW = 0.8;

interface Options {
  serveAfterS: number;
  rate: number;
  seconds: number;
  devices: number;
  steps: number[];
  stepSeconds: number;
  warmupSeconds: number;
  lostAfterMs: number;
  inline: boolean;
  logLevel: string;
  out: string;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string' },
      seconds: { type: 'string' },
      devices: { type: 'string' },
      steps: { type: 'string' },
      'step-seconds': { type: 'string' },
      'warmup-seconds': { type: 'string' },
      'lost-after-ms': { type: 'string' },
      inline: { type: 'boolean' },
      'serve-after': { type: 'string' },
      'log-level': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`npm run bench:ingest -- [options]   (each also as an environment variable)
  --rate N             phase A rate, requests/s               BENCH_RATE (500)
  --seconds N          phase A duration                       BENCH_SECONDS (30)
  --devices N          ticket machines over the 5 demo halls  BENCH_DEVICES (50)
  --steps a,b,...      phase B rates; "none" skips phase B    BENCH_STEPS (250,375,500,750,1000,1500,2000)
                       (steps above one that issues < 80 % of its offered rate are skipped)
  --step-seconds N     duration of each step                  BENCH_STEP_SECONDS (10)
  --warmup-seconds N   unscored warm-up at min(rate, 200)/s   BENCH_WARMUP_SECONDS (5)
  --lost-after-ms N    no delta this long after the end = lost BENCH_LOST_AFTER_MS (5000)
  --serve-after S      windows serve a ticket S s after issue  BENCH_SERVE_AFTER (10; 0 = never)
  --inline             load generator on the server's thread  BENCH_INLINE=1
  --log-level L        server log level                       BENCH_LOG_LEVEL (warn)
  --out DIR            where the JSON goes                    BENCH_OUT (bench/results)
`);
    process.exit(0);
  }
  const env = process.env;
  const num = (name: string, v: string | undefined, dflt: number, min: number) => {
    if (v === undefined || v === '') return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number ≥ ${min}, got ${v}`);
    return n;
  };
  const stepsRaw = values.steps ?? env.BENCH_STEPS ?? '250,375,500,750,1000,1500,2000';
  const steps =
    stepsRaw === 'none' || stepsRaw === '' ? [] : stepsRaw.split(',').map((s) => num('--steps', s.trim(), 0, 1));
  return {
    rate: num('--rate', values.rate ?? env.BENCH_RATE, 500, 1),
    seconds: num('--seconds', values.seconds ?? env.BENCH_SECONDS, 30, 1),
    devices: Math.round(num('--devices', values.devices ?? env.BENCH_DEVICES, 50, 1)),
    steps,
    stepSeconds: num('--step-seconds', values['step-seconds'] ?? env.BENCH_STEP_SECONDS, 10, 1),
    warmupSeconds: num('--warmup-seconds', values['warmup-seconds'] ?? env.BENCH_WARMUP_SECONDS, 5, 0),
    lostAfterMs: num('--lost-after-ms', values['lost-after-ms'] ?? env.BENCH_LOST_AFTER_MS, 5000, 100),
    serveAfterS: num('--serve-after', values['serve-after'] ?? env.BENCH_SERVE_AFTER, 10, 0),
    inline: values.inline ?? (env.BENCH_INLINE === '1' || env.BENCH_INLINE === 'true'),
    logLevel: values['log-level'] ?? env.BENCH_LOG_LEVEL ?? 'warn',
    out: values.out ?? env.BENCH_OUT ?? path.join(HERE, 'results'),
  };
}

async function http<T>(base: string, method: string, url: string, body?: unknown, token?: string): Promise<T> {
  const res = await fetch(base + url, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** Samples the server's side of each phase: histograms, event-loop delay, pool, CPU. */
function serverSampler(app: App, waits: Awaited<ReturnType<typeof pgWaitSampler>>) {
  const reg = app.metrics.registry;
  const cores = availableParallelism();
  const eld = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  let start: { cmd: HistogramSnapshot; m2s: HistogramSnapshot; cpu: CpuSample | null } | null = null;
  let poolTimer: NodeJS.Timeout | null = null;
  let pool = { samples: 0, waitingMax: 0, waitingSum: 0, activeSum: 0 };
  const phases: ServerPhase[] = [];
  const hist = () =>
    Promise.all([
      readHistogram(reg.getSingleMetric('hall_command_seconds'), { type: 'ticket.request' }),
      readHistogram(reg.getSingleMetric('hall_mqtt_to_socket_seconds')),
    ]);
  return {
    phases,
    async phase(name: string, at: 'start' | 'end') {
      if (at === 'start') {
        const [cmd, m2s] = await hist();
        start = { cmd, m2s, cpu: sampleCpu() };
        eld.reset();
        eld.enable();
        waits.start();
        pool = { samples: 0, waitingMax: 0, waitingSum: 0, activeSum: 0 };
        poolTimer = setInterval(() => {
          const db = app.db;
          pool.samples++;
          pool.waitingMax = Math.max(pool.waitingMax, db.waitingCount);
          pool.waitingSum += db.waitingCount;
          pool.activeSum += db.totalCount - db.idleCount;
        }, 20);
        return;
      }
      const cpu = sampleCpu();
      eld.disable();
      const pgWaits = waits.stop();
      if (poolTimer) clearInterval(poolTimer);
      const [cmd, m2s] = await hist();
      const s = start!;
      phases.push({
        name,
        command: histogramFigures(diffHistogram(cmd, s.cmd)),
        mqttToSocket: histogramFigures(diffHistogram(m2s, s.m2s)),
        loopDelayMs: { p50: loopMs(eld.percentile(50)), p99: loopMs(eld.percentile(99)), max: loopMs(eld.max) },
        pool: {
          waitingMax: pool.waitingMax,
          waitingMean: round(pool.waitingSum / Math.max(1, pool.samples), 1),
          activeMean: round(pool.activeSum / Math.max(1, pool.samples), 1),
          size: app.config.PG_POOL_MAX,
        },
        cpu: cpuShare(s.cpu, cpu, cores),
        pgWaits,
      });
    },
  };
}

/**
 * The windows serve the line while tickets are taken, through the product's
 * own queue service: every window of the benchmark halls is opened,
 * and twice a second, per hall, as many tickets as have waited longer than
 * `afterS` seconds are served by "call next" then "complete" at the hall's
 * windows in turn. Each served citizen costs two queue operations besides the
 * take, so the server carries takes + 2 × served operations; without serving,
 * every line would grow without end (the engine's cost per operation follows
 * the waiting line, docs/benchmarks.md). Earlier versions marked tickets done
 * with SQL; that would now bypass the engine's state.
 */
function serveLine(app: App, afterS: number) {
  let served = 0;
  let busy = false;
  let stopped = false;
  const rr = new Map<string, number>();
  const ready =
    afterS > 0
      ? (async () => {
          const ws = (
            await app.db.query<{ id: string; hall_id: string }>('SELECT id, hall_id FROM windows ORDER BY hall_id, id')
          ).rows;
          for (const w of ws)
            await app.queue.run(w.hall_id, { type: 'window.open', windowId: w.id }).catch(() => undefined);
          return ws;
        })()
      : Promise.resolve([]);
  const timer =
    afterS > 0
      ? setInterval(() => {
          if (busy) return;
          busy = true;
          void (async () => {
            const ws = await ready;
            const byHall = new Map<string, string[]>();
            for (const w of ws) byHall.set(w.hall_id, [...(byHall.get(w.hall_id) ?? []), w.id]);
            const cutoff = Date.now() - afterS * 1000;
            await Promise.all(
              [...byHall].map(async ([hallId, windows]) => {
                const v = await app.queue.view(hallId);
                let due = Object.values(v.state.tickets).filter(
                  (t) => t.status === 'waiting' && Date.parse(t.takenAt) < cutoff,
                ).length;
                while (due-- > 0 && !stopped) {
                  const i = rr.get(hallId) ?? 0;
                  rr.set(hallId, i + 1);
                  const windowId = windows[i % windows.length]!;
                  try {
                    const r = await app.queue.run(hallId, { type: 'call-next', windowId });
                    if (!r.duplicate && r.state.windows[windowId]?.current !== undefined) {
                      await app.queue.run(hallId, { type: 'complete', windowId, outcome: 'done' });
                      served++;
                    }
                  } catch {
                    /* a window holding a ticket from an earlier round: next one */
                  }
                }
              }),
            );
          })()
            .catch(() => undefined)
            .finally(() => {
              busy = false;
            });
        }, 500)
      : null;
  return {
    stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      return served;
    },
  };
}

function runInWorker(plan: LoadPlan, hooks: LoadHooks): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(path.join(HERE, 'lib', 'worker-boot.mjs'), {
      workerData: { entry: path.join(HERE, 'lib', 'ingest-worker.ts'), plan },
    });
    let settled = false;
    w.on('message', (m: FromWorker) => {
      if (m.t === 'log') hooks.log(m.msg);
      else if (m.t === 'phase')
        void hooks.phase(m.name, m.at).then(() => w.postMessage({ t: 'ack', id: m.id } satisfies ToWorker));
      else if (m.t === 'done') {
        settled = true;
        resolve(m.result);
      } else {
        settled = true;
        reject(new Error(`load generator failed: ${m.message}`));
      }
    });
    w.on('error', (e) => {
      if (!settled) {
        settled = true;
        reject(e);
      }
    });
    w.on('exit', (code) => {
      if (!settled) {
        settled = true;
        reject(new Error(`load generator exited with ${code}`));
      }
    });
  });
}

/**
 * State of the store at the end of the run: table sizes and dead rows, and the
 * cost of the waiting-line count the issue path runs inside the hall lock
 * (the statement is copied from server/commands/issue-ticket.ts), timed on
 * the queue that issued the most tickets.
 */
async function dbDiagnostics(app: App): Promise<IngestBenchResult['diagnostics']> {
  try {
    const tables = await app.db.query<{ table: string; live: number; dead: number; autovacuums: number }>(
      `SELECT relname AS table, n_live_tup::int AS live, n_dead_tup::int AS dead, (autovacuum_count + vacuum_count)::int AS autovacuums
       FROM pg_stat_user_tables WHERE relname IN ('tickets', 'inbox', 'outbox', 'halls', 'queue_counters') ORDER BY relname`,
    );
    const q = (
      await app.db.query<{ queue_id: string; day: string; issued: number; waiting: number }>(
        `SELECT queue_id, day::text AS day, count(*)::int AS issued, count(*) FILTER (WHERE status = 'waiting')::int AS waiting
       FROM tickets GROUP BY queue_id, day ORDER BY issued DESC LIMIT 1`,
      )
    ).rows[0];
    let waitingCount: NonNullable<IngestBenchResult['diagnostics']>['waitingCount'] = null;
    if (q) {
      const plan = await app.db.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS) SELECT count(*)::int FROM tickets WHERE queue_id = $1 AND day = $2 AND status = 'waiting'`,
        [q.queue_id, q.day],
      );
      const lines = plan.rows.map((r) => r['QUERY PLAN']);
      const exec = lines.map((l) => /Execution Time: ([\d.]+)/.exec(l)?.[1]).find(Boolean);
      waitingCount = {
        queueId: q.queue_id,
        issued: q.issued,
        waiting: q.waiting,
        executionMs: exec ? Number(exec) : null,
        plan: lines.map((l) => l.trim()).slice(0, 12),
      };
    }
    return { tables: tables.rows, waitingCount };
  } catch {
    return null;
  }
}

/** Phases during which processes other than ours used a noticeable share of the machine. */
function disturbed(phases: ServerPhase[]): string[] {
  const hit = phases.filter((p) => (p.cpu?.otherPct ?? 0) > 15);
  return hit.length
    ? [
        `Other processes on the machine used more than 15 % of a core during ${hit.map((p) => `${p.name} (${p.cpu!.otherPct} %)`).join(', ')}: those figures are disturbed.`,
      ]
    : [];
}

function cpuModel(): string {
  try {
    const m = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m);
    if (m) return m[1]!.trim();
  } catch {
    /* not Linux */
  }
  return cpus()[0]?.model ?? 'unknown';
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: HERE, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const o = options();
  const phases: PhasePlan[] = [
    ...(o.warmupSeconds > 0
      ? [{ name: 'warm-up', kind: 'warmup' as const, rate: Math.min(o.rate, 200), seconds: o.warmupSeconds }]
      : []),
    { name: `A ${o.rate}/s`, kind: 'latency', rate: o.rate, seconds: o.seconds },
    ...o.steps.map((rate) => ({ name: `B ${rate}/s`, kind: 'step' as const, rate, seconds: o.stepSeconds })),
  ];
  const plannedMs = phases.reduce((a, p) => a + p.seconds * 1000 + o.lostAfterMs + QUIESCE_MAX_MS + 500, 0);
  const watchdog = setTimeout(() => {
    process.stderr.write('bench:ingest: watchdog fired, giving up\n');
    process.exit(3);
  }, plannedMs + 300_000);
  watchdog.unref();
  const log = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

  const dataDir = await mkdtemp(path.join(tmpdir(), 'hall-bench-'));
  const env = {
    DATA_DIR: dataDir,
    HTTP_PORT: '0',
    MQTT_PORT: '0',
    SIM: 'off',
    LOG_LEVEL: o.logLevel,
    HTTP_HOST: '127.0.0.1',
    MQTT_HOST: '127.0.0.1',
  };
  const loadAvgAtStart = loadavg().map((v) => round(v, 2));
  log(`starting the stack in ${dataDir}`);
  const config = loadConfig(env);
  const app = await createApplication({ config, logger: createLogger(config.LOG_LEVEL) });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.close().catch((e: unknown) => log(`close failed: ${String(e)}`));
    await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(sig);
    process.on(sig, () => {
      log(`${sig}: stopping`);
      void stop().then(() => process.exit(130));
    });
  }

  try {
    const base = `http://127.0.0.1:${app.httpPort}`;
    const { token, mustEnrollTotp } = await http<{ token: string; mustEnrollTotp?: boolean }>(
      base,
      'POST',
      '/api/auth/login',
      { username: 'admin', password: DEMO_PASSWORD },
    );
    // Administrators enrol a one-time code at their first sign-in (docs/authentication.md).
    if (mustEnrollTotp) await enrollTotp(base, token);
    // Queues take 999 tickets a day in the demo; a benchmark issues tens of thousands.
    await app.db.query('UPDATE queues SET daily_cap = 10000000');
    const { halls } = await http<{ halls: HallSummary[] }>(base, 'GET', '/api/halls', undefined, token);
    const devices: BenchDevice[] = [];
    for (let i = 0; i < o.devices; i++) {
      const hall = halls[i % halls.length]!;
      const creds = await http<DeviceCredentials>(
        base,
        'POST',
        '/api/devices',
        { hallId: hall.id, kind: 'ticketer', deviceId: `bench-t${i}` },
        token,
      );
      const codes = hall.items.map((it) => it.code);
      const shift = Math.floor(i / halls.length) % Math.max(1, codes.length);
      devices.push({ creds, items: [...codes.slice(shift), ...codes.slice(0, shift)] });
    }
    log(`provisioned ${devices.length} ticket machines over ${halls.length} halls`);

    const plan: LoadPlan = {
      base,
      mqttUrl: app.mqttUrl,
      token,
      devices,
      halls: halls.map((h) => h.id),
      phases,
      lostAfterMs: o.lostAfterMs,
      quiesceMaxMs: QUIESCE_MAX_MS,
      saturatedBelow: SATURATED_BELOW,
    };
    const waits = await pgWaitSampler(dataDir);
    const sampler = serverSampler(app, waits);
    const hooks: LoadHooks = { log, phase: (name, at) => sampler.phase(name, at) };
    const line = serveLine(app, o.serveAfterS);
    const load = await (o.inline ? runLoad(plan, hooks) : runInWorker(plan, hooks)).finally(() => waits.close());
    const served = line.stop();

    const diagnostics = await dbDiagnostics(app);
    const [m2s, cmd] = await Promise.all([
      readHistogram(app.metrics.registry.getSingleMetric('hall_mqtt_to_socket_seconds')),
      readHistogram(app.metrics.registry.getSingleMetric('hall_command_seconds'), { type: 'ticket.request' }),
    ]);
    const phaseA = load.phases.find((p) => p.kind === 'latency') ?? null;
    const phaseB = load.phases
      .filter((p) => p.kind === 'step')
      .map((p) => ({
        ...p,
        pass:
          p.issuedRate >= 0.95 * p.offeredRate &&
          p.publishToDeltaMs.p99 !== null &&
          p.publishToDeltaMs.p99 < STEP_P99_MS,
      }));
    const passing = phaseB.filter((p) => p.pass).map((p) => p.offeredRate);
    const argv = process.argv.slice(2);
    const result: IngestBenchResult = {
      bench: 'ingest',
      date: new Date().toISOString(),
      command: `npm run bench:ingest${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
      machine: {
        cpuModel: cpuModel(),
        cores: availableParallelism(),
        memGiB: round(totalmem() / 2 ** 30, 1),
        node: process.version,
        os: `${platform()} ${release()}`,
        loadAvgAtStart,
        gitCommit: gitCommit(),
      },
      options: {
        serveAfterS: o.serveAfterS,
        rate: o.rate,
        seconds: o.seconds,
        devices: o.devices,
        halls: halls.length,
        steps: o.steps,
        stepSeconds: o.stepSeconds,
        warmupSeconds: o.warmupSeconds,
        lostAfterMs: o.lostAfterMs,
        mode: o.inline ? 'inline' : 'worker',
      },
      notes: [
        `The load generator and the server (Node, embedded PostgreSQL, chDB) share this ${availableParallelism()}-core machine: every figure includes that contention.`,
        'Latencies are measured on the client side from the publish call; "due time" figures count from the open-loop schedule, so a late generator cannot hide server delay.',
        'Percentiles count lost requests as +∞ ("> window" in the tables).',
        o.serveAfterS > 0
          ? `Windows serve the line through the queue service: twice a second, per hall, tickets waiting longer than ${o.serveAfterS} s are called and completed at the hall's windows in turn (${served} served, each two queue operations besides its take), so the server carries takes + 2 × served operations.`
          : 'No window serves the line (--serve-after 0): every issued ticket stays waiting, and the waiting line grows through the run.',
        ...disturbed(sampler.phases),
      ],
      phaseA,
      phaseB,
      skippedSteps: load.skipped.map((p) => p.rate),
      warmup: load.phases.find((p) => p.kind === 'warmup') ?? null,
      sustainedRate: passing.length ? Math.max(...passing) : null,
      target: {
        rate: o.rate,
        p99Ms: TARGET_P99_MS,
        met: phaseA ? phaseA.publishToDeltaMs.p99 !== null && phaseA.publishToDeltaMs.p99 < TARGET_P99_MS : null,
      },
      server: sampler.phases,
      registryTotals: {
        mqttToSocket: {
          count: m2s.count,
          sumSeconds: round(m2s.sum, 3),
          meanMs: m2s.count ? round((m2s.sum / m2s.count) * 1000, 3) : null,
        },
        command: {
          count: cmd.count,
          sumSeconds: round(cmd.sum, 3),
          meanMs: cmd.count ? round((cmd.sum / cmd.count) * 1000, 3) : null,
        },
      },
      diagnostics,
      sequence: { gaps: load.seqGaps, outOfOrder: load.seqOutOfOrder, disconnects: load.disconnects },
    };

    process.stdout.write(renderMarkdown(result) + '\n');
    await mkdir(o.out, { recursive: true });
    const file = path.join(o.out, `ingest-${result.date.slice(0, 16).replace(/:/g, '')}.json`);
    await writeFile(file, JSON.stringify(result, null, 1) + '\n');
    log(`wrote ${path.relative(process.cwd(), file)}`);
  } finally {
    await stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench:ingest failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
