import { readFileSync, readdirSync } from 'node:fs';

/**
 * CPU accounting from /proc (Linux only; elsewhere every figure is null):
 * the whole machine, this Node process (server and load-generator threads
 * together) and the PostgreSQL processes this process started (the embedded
 * postmaster is our child, its backends are its children). What is left of
 * the machine's busy time is "other": anything else running on the box.
 */
export interface CpuSample {
  at: number;
  machineBusy: number;
  machineTotal: number;
  self: number;
  pg: number;
}
export interface CpuShare {
  nodePct: number;
  pgPct: number;
  otherPct: number;
  machineBusyPct: number;
  cores: number;
}

const HZ = 100; // USER_HZ: /proc/[pid]/stat counts clock ticks of 1/100 s on Linux.

function procTicks(pid: number | 'self'): { ppid: number; comm: string; ticks: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = s.lastIndexOf(')');
    const comm = s.slice(s.indexOf('(') + 1, close);
    const rest = s.slice(close + 2).split(' ');
    return { ppid: Number(rest[1]), comm, ticks: Number(rest[11]) + Number(rest[12]) };
  } catch {
    return null;
  }
}

function pgTicks(): number {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return 0;
  }
  const procs = pids
    .map((p) => ({ pid: Number(p), info: procTicks(Number(p)) }))
    .filter((p) => p.info?.comm === 'postgres');
  const postmasters = new Set(procs.filter((p) => p.info!.ppid === process.pid).map((p) => p.pid));
  let ticks = 0;
  for (const p of procs) if (postmasters.has(p.pid) || postmasters.has(p.info!.ppid)) ticks += p.info!.ticks;
  return ticks;
}

export function sampleCpu(): CpuSample | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = line.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (line[3] ?? 0) + (line[4] ?? 0);
    return {
      at: performance.now(),
      machineBusy: total - idle,
      machineTotal: total,
      self: procTicks('self')?.ticks ?? 0,
      pg: pgTicks(),
    };
  } catch {
    return null;
  }
}

/** Percent of ONE core (so 2 busy cores = 200 %). */
export function cpuShare(a: CpuSample | null, b: CpuSample | null, cores: number): CpuShare | null {
  if (!a || !b) return null;
  const seconds = (b.at - a.at) / 1000;
  if (seconds <= 0) return null;
  const pct = (ticks: number) => Math.round((ticks / HZ / seconds) * 1000) / 10;
  const machine = ((b.machineBusy - a.machineBusy) / Math.max(1, b.machineTotal - a.machineTotal)) * cores * 100;
  const nodePct = pct(b.self - a.self);
  const pgPct = pct(b.pg - a.pg);
  const machineBusyPct = Math.round(machine * 10) / 10;
  return {
    nodePct,
    pgPct,
    otherPct: Math.max(0, Math.round((machineBusyPct - nodePct - pgPct) * 10) / 10),
    machineBusyPct,
    cores,
  };
}
