import type { PhaseResult } from './ingest-load.ts';
import type { HistogramFigures, Summary } from './stats.ts';
import type { CpuShare } from './proc-cpu.ts';
import type { PgWaits } from './pg-waits.ts';

/** Server-side figures the main thread samples around each phase. */
export interface ServerPhase {
  name: string;
  command: HistogramFigures;
  mqttToSocket: HistogramFigures;
  /** Event-loop delay of the server's thread, ms. */
  loopDelayMs: { p50: number; p99: number; max: number };
  /** PostgreSQL pool (max 20 connections): clients waiting for a connection, connections in use. */
  pool: { waitingMax: number; waitingMean: number; activeMean: number; size: number };
  cpu: CpuShare | null;
  /** PostgreSQL sessions by what they were doing (mean per sample). */
  pgWaits: PgWaits | null;
}

export interface IngestBenchResult {
  bench: 'ingest';
  date: string;
  command: string;
  machine: {
    cpuModel: string;
    cores: number;
    memGiB: number;
    node: string;
    os: string;
    loadAvgAtStart: number[];
    gitCommit: string | null;
  };
  options: {
    serveAfterS: number;
    rate: number;
    seconds: number;
    devices: number;
    halls: number;
    steps: number[];
    stepSeconds: number;
    warmupSeconds: number;
    lostAfterMs: number;
    mode: 'worker' | 'inline';
  };
  notes: string[];
  phaseA: PhaseResult | null;
  phaseB: (PhaseResult & { pass: boolean })[];
  skippedSteps: number[];
  warmup: PhaseResult | null;
  sustainedRate: number | null;
  target: { rate: number; p99Ms: number; met: boolean | null };
  server: ServerPhase[];
  registryTotals: {
    mqttToSocket: { count: number; sumSeconds: number; meanMs: number | null };
    command: { count: number; sumSeconds: number; meanMs: number | null };
  };
  sequence: { gaps: number; outOfOrder: number; disconnects: number };
  diagnostics: {
    tables: { table: string; live: number; dead: number; autovacuums: number }[];
    waitingCount: {
      queueId: string;
      issued: number;
      waiting: number;
      executionMs: number | null;
      plan: string[];
    } | null;
  } | null;
}

const f = (v: number | null | undefined, unit = ''): string =>
  v === null || v === undefined ? '> window' : `${v}${unit}`;
const lat = (s: Summary) => `${f(s.p50)} / ${f(s.p95)} / ${f(s.p99)} / ${f(s.max)}`;
const errs = (p: PhaseResult) =>
  p.errorCount === 0
    ? '0'
    : `${p.errorCount} (${Object.entries(p.errors)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')})`;
const le = (v: number | null) => (v === null ? '> 1000' : `≤ ${v}`);

export function renderMarkdown(r: IngestBenchResult): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(`## bench:ingest — ${r.date}`, '');
  out.push(`\`${r.command}\``, '');
  out.push(
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memGiB} GiB, Node ${m.node}, ${m.os}; load average at start ${m.loadAvgAtStart.join(' / ')}${m.gitCommit ? `; commit ${m.gitCommit.slice(0, 10)}` : ''}.`,
  );
  out.push(
    `Load: ${r.options.devices} ticket machines over ${r.options.halls} halls (MQTT QoS 1), one Socket.IO screen per hall (admin); load generator in ${r.options.mode === 'worker' ? 'a worker thread of the server process' : 'the server thread itself (--inline)'}; lost = no delta ${r.options.lostAfterMs / 1000} s after the last publish.`,
  );
  for (const n of r.notes) out.push(`- ${n}`);
  out.push('');

  if (r.phaseA) {
    const a = r.phaseA;
    out.push(`### Phase A — latency at ${a.offeredRate} req/s for ${a.seconds} s`, '');
    out.push(
      '| offered/s | sent/s | issued/s | requests | errors | lost | of which arrived later | never arrived |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    out.push(
      `| ${a.offeredRate} | ${a.sentRate} | ${a.issuedRate} | ${a.requests} | ${errs(a)} | ${a.lost} | ${a.late} | ${a.neverDelivered} |`,
      '',
    );
    out.push('| latency, ms | p50 | p95 | p99 | max | mean |', '|---|---:|---:|---:|---:|---:|');
    const row = (name: string, s: Summary) =>
      `| ${name} | ${f(s.p50)} | ${f(s.p95)} | ${f(s.p99)} | ${f(s.max)} | ${f(s.mean)} |`;
    out.push(row('publish → reply (device)', a.publishToReplyMs));
    out.push(row('publish → hall delta (screen)', a.publishToDeltaMs));
    out.push(row('due time → hall delta', a.dueToDeltaMs));
    out.push(row('generator lateness (publish − due)', a.schedulerLagMs), '');
    out.push(`Generator event-loop delay: p99 ${a.clientLoopDelayMs.p99} ms, max ${a.clientLoopDelayMs.max} ms.`, '');
    out.push("Publish → delta by hall (each hall's tickets take its row lock one at a time):", '');
    out.push('| hall | requests | p50 ms | p99 ms | lost |', '|---|---:|---:|---:|---:|');
    for (const [hall, h] of Object.entries(a.byHall))
      out.push(`| ${hall} | ${h.requests} | ${f(h.p50)} | ${f(h.p99)} | ${h.lost} |`);
    out.push('');
    const met = r.target.met;
    out.push(
      `Target p99 < ${r.target.p99Ms} ms at ${r.target.rate} req/s (publish → delta): **${met === null ? 'not measured' : met ? 'met' : 'missed'}**.`,
      '',
    );
  }

  if (r.phaseB.length) {
    out.push(`### Phase B — stepped rate, ${r.options.stepSeconds} s per step`, '');
    out.push(
      '| offered/s | sent/s | issued/s | issued ≥ 95 %? | pub→delta p50 / p95 / p99 / max ms | pub→reply p99 ms | lost | errors | pass |',
      '|---:|---:|---:|:---:|---|---:|---:|---|:---:|',
    );
    for (const s of r.phaseB) {
      out.push(
        `| ${s.offeredRate} | ${s.sentRate} | ${s.issuedRate} | ${s.issuedRate >= 0.95 * s.offeredRate ? 'yes' : 'no'} | ${lat(s.publishToDeltaMs)} | ${f(s.publishToReplyMs.p99)} | ${s.lost} | ${errs(s)} | ${s.pass ? 'yes' : 'no'} |`,
      );
    }
    for (const rate of r.skippedSteps)
      out.push(`| ${rate} | – | – | – | skipped: a lower step already saturated the server | – | – | – | no |`);
    out.push('');
    const top = r.phaseB[r.phaseB.length - 1]!;
    out.push(
      r.sustainedRate === null
        ? '**Sustained rate: below the lowest step** (no step had issued ≥ 95 % of offered with p99 < 250 ms).'
        : `**Sustained rate: ${r.sustainedRate} req/s** — the highest step where issued ≥ 95 % of offered and publish → delta p99 < 250 ms${r.sustainedRate === top.offeredRate && !r.skippedSteps.length ? ' (the highest step offered; the real ceiling may be higher)' : ''}.`,
      '',
    );
  }

  out.push('### Server side, per phase', '');
  out.push(
    '| phase | tickets | command tx mean / p50 / p99 ms | ingest → emit mean / p99 ms | server loop delay p50 / p99 / max ms | pool waiting max / mean, in use mean | CPU % node / postgres / other (of ' +
      (r.server[0]?.cpu?.cores ?? '?') +
      '00) |',
    '|---|---:|---|---|---|---|---|',
  );
  for (const s of r.server) {
    const c = s.cpu ? `${s.cpu.nodePct} / ${s.cpu.pgPct} / ${s.cpu.otherPct}` : 'n/a';
    out.push(
      `| ${s.name} | ${s.command.count} | ${f(s.command.meanMs)} / ${le(s.command.p50LeMs)} / ${le(s.command.p99LeMs)} | ${f(s.mqttToSocket.meanMs)} / ${le(s.mqttToSocket.p99LeMs)} | ${s.loopDelayMs.p50} / ${s.loopDelayMs.p99} / ${s.loopDelayMs.max} | ${s.pool.waitingMax} / ${s.pool.waitingMean}, ${s.pool.activeMean} of ${s.pool.size} | ${c} |`,
    );
  }
  if (r.server.some((s) => s.pgWaits)) {
    out.push('', 'PostgreSQL sessions of the server pool, mean count per 50 ms sample:', '');
    out.push(
      '| phase | running | lock wait | WAL / IO wait | other wait | idle in transaction (waiting for Node) | most frequent |',
      '|---|---:|---:|---:|---:|---:|---|',
    );
    for (const s of r.server) {
      const w = s.pgWaits;
      if (!w) continue;
      out.push(
        `| ${s.name} | ${w.running} | ${w.lock} | ${w.walIo} | ${w.otherWait} | ${w.idleInTx} | ${Object.entries(w.top)
          .slice(0, 3)
          .map(([k, v]) => `${k} ${v}`)
          .join('; ')} |`,
      );
    }
  }
  out.push(
    '',
    '(p50/p99 of server histograms are bucket bounds: "≤ 20" means the quantile falls in the bucket ending at 20 ms.)',
    '',
  );
  const t = r.registryTotals;
  out.push(
    `Registry at the end: \`hall_mqtt_to_socket_seconds\` count = ${t.mqttToSocket.count}, sum = ${t.mqttToSocket.sumSeconds} s (mean ${f(t.mqttToSocket.meanMs)} ms); \`hall_command_seconds{type="ticket.request"}\` count = ${t.command.count}, sum = ${t.command.sumSeconds} s (mean ${f(t.command.meanMs)} ms).`,
  );
  const d = r.diagnostics;
  if (d) {
    out.push(
      `Store at the end: ${d.tables.map((t) => `${t.table} ${t.live} live / ${t.dead} dead rows (${t.autovacuums} vacuums)`).join('; ')}.`,
    );
    const w = d.waitingCount;
    if (w) {
      const scan = w.plan
        .find((l) => /Scan.* on tickets/.test(l))
        ?.replace(/\s*\(cost=[^)]*\)\s*\(actual[^)]*rows=([\d.]+)[^)]*\)/, ', $1 rows')
        .replace(/^->\s*/, '');
      const heap = w.plan.find((l) => /Heap (Fetches|Blocks)/.test(l));
      out.push(
        `The waiting-line count of the issue path on the busiest queue (${w.queueId}: ${w.issued} issued, ${w.waiting} waiting) takes ${f(w.executionMs)} ms at the end (${[scan, heap].filter(Boolean).join('; ') || 'plan in the JSON'}).`,
      );
    }
  }
  out.push(
    `Hall sequence seen by the screens: ${r.sequence.gaps} gaps, ${r.sequence.outOfOrder} out of order; ${r.sequence.disconnects} unexpected disconnects.`,
    '',
  );
  return out.join('\n');
}
