import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Mix } from './mix.ts';
import type { FromChild, ProcStats, SocketPlan, ToChild } from './protocol.ts';
import { SocketFleet } from './sockets.ts';

/**
 * One generator process, forked by run.ts: either a share of the sockets
 * (at most ~9,000: a process may hold 20,000 open files here) or the REST mix.
 * It does what the coordinator says over IPC and answers with its figures;
 * it never prints (the coordinator owns the terminal).
 */

if (!process.send) {
  console.error('generator.ts is started by load-tests/node/run.ts (npm run load), not on its own');
  process.exit(2);
}

const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
const cpu0 = process.cpuUsage();

function send(m: FromChild): void {
  process.send!(m);
}

function procStats(): ProcStats {
  const c = process.cpuUsage(cpu0);
  const ms = (ns: number) => Math.round(ns / 1e5) / 10;
  return {
    pid: process.pid,
    loopLagMs: { p50: ms(lag.percentile(50)), p99: ms(lag.percentile(99)), max: ms(lag.max) },
    cpuMs: { user: Math.round(c.user / 1000), system: Math.round(c.system / 1000) },
    rssMb: Math.round(process.memoryUsage().rss / 1048576),
  };
}

let fleet: SocketFleet | null = null;
let plan: SocketPlan | null = null;
let mix: Mix | null = null;
let progressTimer: NodeJS.Timeout | null = null;

function startProgress(): void {
  progressTimer = setInterval(() => {
    if (fleet)
      send({
        t: 'progress',
        p: {
          created: fleet.created,
          connected: fleet.connected,
          joined: fleet.joinedNow,
          failed: fleet.finallyFailed,
          busy: fleet.busyHandshake + fleet.busyJoin,
          deltas: fleet.deltas,
          requests: 0,
          errors: 0,
        },
      });
    else if (mix) send({ t: 'progress', p: mix.progress() });
  }, 1000);
}

async function connect(startAt: number): Promise<void> {
  const f = fleet!;
  const pl = plan!;
  const wait = startAt - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  f.startAt = startAt;
  const rampMs = pl.storm ? 0 : Math.ceil((pl.count / Math.max(1, pl.ratePerSec)) * 1000);
  f.settleDeadline = startAt + rampMs + pl.settleTimeoutMs;
  const open = (k: number) => {
    const g = pl.from + k;
    const sess = pl.sessions[g % pl.sessions.length]!;
    const hall = sess.halls[Math.floor(g / pl.sessions.length) % sess.halls.length]!;
    f.open(sess, hall);
  };
  if (pl.storm) {
    // All at once, as fast as this process can create them (~1 ms of CPU each): in slices, so the
    // first sockets' handshakes go on while the later ones are made, as on thousands of screens.
    for (let k = 0; k < pl.count; k++) {
      open(k);
      if (k % 200 === 199) await new Promise((r) => setImmediate(r));
    }
  } else {
    const tickMs = 50;
    const perTick = Math.max(1, Math.round((pl.ratePerSec * tickMs) / 1000));
    let k = 0;
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        for (let i = 0; i < perTick && k < pl.count; i++, k++) open(k);
        if (k >= pl.count) {
          clearInterval(t);
          resolve();
        }
      }, tickMs);
    });
  }
  await new Promise<void>((resolve) => {
    const t = setInterval(() => {
      if (f.settled || Date.now() > f.settleDeadline) {
        clearInterval(t);
        resolve();
      }
    }, 100);
  });
  send({ t: 'settled' });
}

async function measure(durationMs: number): Promise<void> {
  if (fleet) {
    fleet.measuring = true;
    return;
  }
  if (mix) {
    await mix.run(durationMs);
    await mix.finish();
    send({ t: 'result', r: mix.result(procStats()) });
    finish();
  }
}

function stop(): void {
  if (fleet) {
    fleet.measuring = false;
    const r = fleet.result(procStats());
    fleet.close();
    send({ t: 'result', r });
  }
  finish();
}

function finish(): void {
  if (progressTimer) clearInterval(progressTimer);
  // Let the IPC message leave before the process goes.
  setTimeout(() => process.exit(0), 200);
}

function fatal(e: unknown): void {
  send({ t: 'fatal', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  finish();
}

process.on('message', (m: ToChild) => {
  switch (m.t) {
    case 'init':
      if (m.role === 'sockets') {
        plan = m.plan;
        fleet = new SocketFleet({ base: m.plan.base, joinTimeoutMs: m.plan.joinTimeoutMs });
        startProgress();
        send({ t: 'ready' });
      } else {
        mix = new Mix(m.plan);
        startProgress();
        mix.prepare().then(() => send({ t: 'ready' }), fatal);
      }
      return;
    case 'connect':
      connect(m.startAt).catch(fatal);
      return;
    case 'measure':
      measure(m.durationMs).catch(fatal);
      return;
    case 'stop':
      stop();
      return;
  }
});
process.on('disconnect', () => process.exit(0));
