import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Hist, HistSet, addTally, type HistData, type HistSummary, type Tally } from './hist.ts';
import { call, hallsOf, login, logout, sleep, LoginError } from './http.ts';
import type {
  FromChild,
  MixPlan,
  MixResult,
  Progress,
  Session,
  SocketPlan,
  SocketResult,
  ToChild,
  WindowSlot,
} from './protocol.ts';

/**
 * `npm run load`: the load suite that needs nothing but Node (docs in
 * load-tests/README.md). This coordinator signs in (serially), forks the
 * generator processes — sockets split so no process holds more than
 * `--per-process` (9,000: a process may have at most 20,000 open files), and
 * one process for the REST mix — starts them together, merges their figures,
 * prints a table and writes bench/results/load-<timestamp>.json.
 *
 * Exit 0 when it ran: thresholds are reported as met or not met, not asserted.
 */

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');

const HELP = `npm run load -- [options]

  --base URL             server (default http://localhost:8080)
  --sockets N            sockets to hold, websocket transport (default 0)
  --storm                all sockets connect and join at once; report the time until all joined
  --ramp R               without --storm: sockets opened per second, all processes together (default 1000)
  --users N              concurrent REST users of the mix (readers, console operators, leaders) (default 0)
  --duration S           seconds to hold the sockets and run the mix, after all joined (default 30)
  --sessions K           sign-ins the sockets and readers are spread over (default ceil(sockets / per-session))
  --per-session N        sockets per session token when --sessions is not given (default 100: the
                         server's SOCKETS_PER_SESSION, open sockets one session may hold in one process)
  --session-users LIST   users signed in for the sessions, round robin
                         (default sup-city,leader,sup-east,east-leader,staff-city,staff-east,staff-west,staff-donghu)
  --password P           demo password (default Demo#2026)
  --per-process N        most sockets per generator process (default 9000)
  --procs P              socket generator processes (default ceil(sockets / per-process))
  --settle S             seconds after the start (and ramp) by which every socket must have joined (default 60)
  --join-timeout MS      hall:join ack timeout before a retry (default 10000)
  --operators N          console operators (default 5% of users, at most the window slots)
  --leaders N            leadership screens (default 5% of users, at least 1 when users >= 2)
  --clerks               also operate the simulator's clerks' windows as those clerks (sim-clerk-*):
                         more windows, but the simulator works them too (its 409s are counted apart)
  --read-every S         reader cadence: hall list + snapshot + ticket page (default 5)
  --op-think S           console think time between operations (default 2)
  --leader-refresh S     leadership screen refresh (default 60, as the dashboard)
  --no-xff               do not give each citizen its own X-Forwarded-For address
  --keep-windows         leave the operators signed in at their windows afterwards
  --out FILE             JSON result (default bench/results/load-<timestamp>.json)
  --help
`;

const OPTIONS = {
  options: {
    base: { type: 'string', default: 'http://localhost:8080' },
    sockets: { type: 'string', default: '0' },
    storm: { type: 'boolean', default: false },
    ramp: { type: 'string', default: '1000' },
    users: { type: 'string', default: '0' },
    duration: { type: 'string', default: '30' },
    sessions: { type: 'string' },
    'per-session': { type: 'string', default: '100' },
    'session-users': {
      type: 'string',
      default: 'sup-city,leader,sup-east,east-leader,staff-city,staff-east,staff-west,staff-donghu',
    },
    password: { type: 'string', default: 'Demo#2026' },
    'per-process': { type: 'string', default: '9000' },
    procs: { type: 'string' },
    settle: { type: 'string', default: '60' },
    'join-timeout': { type: 'string', default: '10000' },
    operators: { type: 'string' },
    leaders: { type: 'string' },
    clerks: { type: 'boolean', default: false },
    'read-every': { type: 'string', default: '5' },
    'op-think': { type: 'string', default: '2' },
    'leader-refresh': { type: 'string', default: '60' },
    'no-xff': { type: 'boolean', default: false },
    'keep-windows': { type: 'boolean', default: false },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
} as const;
let parsed: ReturnType<typeof parseArgs<typeof OPTIONS>>;
try {
  parsed = parseArgs(OPTIONS);
} catch (e) {
  console.error(`${e instanceof Error ? e.message : String(e)}\n\n${HELP}`);
  process.exit(2);
}
const a = parsed.values;

if (a.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

function num(name: string, v: string | undefined, min = 0): number {
  const n = Number(v);
  if (v === undefined || !Number.isFinite(n) || n < min) {
    console.error(`--${name} must be a number >= ${min} (got ${v})`);
    process.exit(2);
  }
  return n;
}

const base = a.base.replace(/\/+$/, '');
const sockets = Math.floor(num('sockets', a.sockets));
const users = Math.floor(num('users', a.users));
const durationMs = num('duration', a.duration, 1) * 1000;
const perProcess = Math.floor(num('per-process', a['per-process'], 1));
const perSession = Math.floor(num('per-session', a['per-session'], 1));
const procs = sockets === 0 ? 0 : a.procs ? Math.floor(num('procs', a.procs, 1)) : Math.ceil(sockets / perProcess);
const sessionUsers = a['session-users']
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const password = a.password;

const STAFF = ['staff-city', 'staff-east', 'staff-west', 'staff-donghu'];
const LEADERS = ['leader', 'east-leader'];

const wantedLeaders =
  a.leaders !== undefined
    ? Math.floor(num('leaders', a.leaders))
    : users >= 2
      ? Math.max(1, Math.round(users * 0.05))
      : 0;
const wantedOperators =
  a.operators !== undefined
    ? Math.floor(num('operators', a.operators))
    : users >= 3
      ? Math.max(1, Math.round(users * 0.05))
      : 0;
const sessionCount = a.sessions
  ? Math.floor(num('sessions', a.sessions, 1))
  : Math.max(sockets > 0 ? Math.ceil(sockets / perSession) : 0, users > 0 ? Math.min(4, sessionUsers.length) : 0);

const log = (s: string) => process.stderr.write(`${s}\n`);
const tokens: string[] = [];

async function main(): Promise<void> {
  if (sockets === 0 && users === 0) {
    process.stdout.write(HELP);
    console.error('\nnothing to do: give --sockets and/or --users');
    process.exit(2);
  }
  if (procs > 0 && Math.ceil(sockets / procs) > 19_000)
    log(`warning: ${Math.ceil(sockets / procs)} sockets per process; a process may have at most 20,000 open files`);
  checkOpenFiles(Math.ceil(sockets / Math.max(1, procs)));

  const health = await call(`${base}/healthz`);
  if (health.status !== 200)
    throw new Error(`server not answering at ${base}/healthz (${health.status} ${health.code})`);

  // ── Sign-ins, one at a time (each is an argon2 hash on the server; failures count against its rate limits).
  const t0 = Date.now();
  const sessions: Session[] = [];
  for (let i = 0; i < sessionCount; i++) sessions.push(await signIn(sessionUsers[i % sessionUsers.length]!));
  const leaderSessions: Session[] = [];
  for (let i = 0; i < Math.min(wantedLeaders, LEADERS.length); i++) leaderSessions.push(await signIn(LEADERS[i]!));
  const slots: WindowSlot[] = [];
  if (wantedOperators > 0) {
    for (const u of STAFF) {
      if (slots.length >= wantedOperators) break;
      const s = await signIn(u, true);
      slots.push({ username: u, token: s.token, hallId: s.halls[0]!, shared: false });
    }
    if (a.clerks && slots.length < wantedOperators) await addClerkSlots(slots, wantedOperators);
  }
  const operators = Math.min(wantedOperators, slots.length);
  if (wantedOperators > operators)
    log(`operators: ${operators} of ${wantedOperators} (one per window slot; --clerks adds the simulator's windows)`);
  const leaders = leaderSessions.length ? wantedLeaders : 0;
  const readers = Math.max(0, users - operators - leaders);
  // The ticket feed (one socket per hall) gets a session of its own unless a leader's is free of walls.
  const feed = leaderSessions[0] ?? (readers > 0 ? await signIn('leader') : sessions[0]);
  log(`signed in ${tokens.length} sessions in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  // ── Generator processes.
  const children: Child[] = [];
  for (let p = 0; p < procs; p++) {
    const from = Math.floor((sockets * p) / procs);
    const to = Math.floor((sockets * (p + 1)) / procs);
    const plan: SocketPlan = {
      base,
      from,
      count: to - from,
      sessions,
      storm: a.storm,
      ratePerSec: num('ramp', a.ramp, 1) / procs,
      joinTimeoutMs: num('join-timeout', a['join-timeout'], 100),
      settleTimeoutMs: num('settle', a.settle, 1) * 1000,
    };
    children.push(spawn(`sockets#${p}`, { t: 'init', role: 'sockets', plan }));
  }
  let mixChild: Child | null = null;
  if (users > 0) {
    if (!feed) throw new Error('no session for the readers');
    const plan: MixPlan = {
      base,
      readers,
      operators,
      leaders,
      readerSessions: sessions.length ? sessions : [feed],
      slots: slots.slice(0, operators),
      leaderSessions,
      feed,
      readerEveryMs: num('read-every', a['read-every'], 0.1) * 1000,
      opThinkMs: num('op-think', a['op-think']) * 1000,
      leaderRefreshMs: num('leader-refresh', a['leader-refresh'], 1) * 1000,
      xff: !a['no-xff'],
      signOut: !a['keep-windows'],
    };
    mixChild = spawn('mix', { t: 'init', role: 'mix', plan });
    children.push(mixChild);
  }
  const all = children;
  const socketChildren = children.filter((c) => c !== mixChild);
  await Promise.all(all.map((c) => c.ready));
  log(
    `${socketChildren.length} socket process(es), ${sockets} sockets over ${sessions.length} session(s)` +
      (mixChild ? `; mix: ${readers} readers, ${operators} operators, ${leaders} leaders` : ''),
  );

  const ticker = setInterval(() => log(progressLine(all)), 2000);
  // ── Connect: every socket process starts at the same instant.
  const startAt = Date.now() + 500;
  for (const c of socketChildren) c.send({ t: 'connect', startAt });
  await Promise.all(socketChildren.map((c) => c.settled));
  const settledAt = Date.now();
  if (socketChildren.length) log(`sockets settled after ${((settledAt - startAt) / 1000).toFixed(1)} s`);

  // ── Measure: hold the sockets, run the mix.
  for (const c of all) c.send({ t: 'measure', durationMs });
  if (mixChild) await mixChild.result;
  else await sleep(durationMs);
  for (const c of socketChildren) c.send({ t: 'stop' });
  const results = await Promise.all(all.map((c) => c.result));
  clearInterval(ticker);

  // ── Sign out (the sessions would otherwise idle out after SESSION_IDLE_MIN).
  for (const t of tokens) await logout(base, t).catch(() => undefined);

  const report = merge(
    results.filter((r): r is SocketResult => r.kind === 'sockets'),
    results.find((r): r is MixResult => r.kind === 'mix') ?? null,
    startAt,
    sessions.length,
  );
  process.stdout.write(render(report));
  const out =
    a.out ?? path.join(ROOT, 'bench', 'results', `load-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(`\nwritten ${path.relative(process.cwd(), out) || out}\n`);
}

// ── sign-in ─────────────────────────────────────────────────────────────────

async function signIn(username: string, needHall = false): Promise<Session> {
  try {
    const r = await login(base, username, password);
    tokens.push(r.token);
    const halls = await hallsOf(base, r.token);
    if (needHall && r.user.hallId) halls.unshift(...halls.splice(halls.indexOf(r.user.hallId), 1));
    if (halls.length === 0) throw new Error(`${username} sees no hall`);
    // Serial and spaced: sign-ins are expensive on purpose.
    await sleep(100);
    return { username, token: r.token, halls };
  } catch (e) {
    if (e instanceof LoginError) {
      const hint =
        e.code === 'HALL_ERR_RATE_LIMITED'
          ? ' (sign-in rate limit: wait, or raise LOGIN_RATE_PER_IP on the server)'
          : e.code === 'HALL_ERR_SECOND_FACTOR_REQUIRED'
            ? ' (TOTP required: use non-admin demo users)'
            : '';
      throw new Error(`${e.message}${hint}; stopped signing in so as not to lock the account`, { cause: e });
    }
    throw e;
  }
}

/** The simulator's clerks at their own windows: the windows of the staff halls where a sim-clerk-* is signed in. */
async function addClerkSlots(slots: WindowSlot[], wanted: number): Promise<void> {
  const byHall = new Map(slots.map((s) => [s.hallId, s.token]));
  for (const [hallId, token] of byHall) {
    const r = await call(`${base}/api/halls/${encodeURIComponent(hallId)}/windows`, { token });
    if (r.status !== 200) continue;
    const windows = (r.body as { windows: { id: string; staff: { username: string } | null }[] }).windows;
    for (const w of windows) {
      if (slots.length >= wanted) return;
      const u = w.staff?.username;
      if (!u || !u.startsWith('sim-clerk-')) continue;
      const s = await signIn(u, true);
      slots.push({ username: u, token: s.token, hallId, windowId: w.id, shared: true });
    }
  }
}

// ── children ────────────────────────────────────────────────────────────────

interface Child {
  name: string;
  send(m: ToChild): void;
  ready: Promise<void>;
  settled: Promise<void>;
  result: Promise<SocketResult | MixResult>;
  progress: Progress | null;
}

function spawn(name: string, init: ToChild): Child {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const cp: ChildProcess = fork(path.join(HERE, 'generator.ts'), [], {
    execArgv: ['--import', tsx],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let onReady!: () => void;
  let onSettled!: () => void;
  let onResult!: (r: SocketResult | MixResult) => void;
  let onFail!: (e: Error) => void;
  const ready = new Promise<void>((res) => (onReady = res));
  const settled = new Promise<void>((res) => (onSettled = res));
  const result = new Promise<SocketResult | MixResult>((res, rej) => {
    onResult = res;
    onFail = rej;
  });
  const child: Child = {
    name,
    send: (m) => {
      if (cp.connected) cp.send(m);
    },
    ready,
    settled,
    result,
    progress: null,
  };
  cp.on('message', (m: FromChild) => {
    if (m.t === 'ready') onReady();
    else if (m.t === 'settled') onSettled();
    else if (m.t === 'progress') child.progress = m.p;
    else if (m.t === 'result') onResult(m.r);
    else if (m.t === 'fatal') {
      log(`${name}: ${m.message}`);
      onFail(new Error(`${name} failed`));
    }
  });
  cp.on('exit', (code) => {
    onFail(new Error(`${name} exited (${code}) before reporting`));
    onReady();
    onSettled();
  });
  result.catch(() => undefined);
  cp.send(init);
  return child;
}

function progressLine(children: Child[]): string {
  const p = children.reduce(
    (s, c) => {
      const q = c.progress;
      if (!q) return s;
      // The mix's few feed sockets are not the held sockets: count its requests and deltas only.
      const keys: (keyof Progress)[] =
        c.name === 'mix'
          ? ['deltas', 'requests', 'errors']
          : ['created', 'connected', 'joined', 'failed', 'busy', 'deltas'];
      for (const k of keys) s[k] += q[k];
      return s;
    },
    { created: 0, connected: 0, joined: 0, failed: 0, busy: 0, deltas: 0, requests: 0, errors: 0 } as Progress,
  );
  return (
    `  sockets ${p.joined}/${p.created} joined, ${p.connected} connected, ${p.failed} failed, ${p.busy} busy refusals` +
    ` | deltas ${p.deltas} | requests ${p.requests}, errors ${p.errors}`
  );
}

function checkOpenFiles(perProc: number): void {
  if (perProc === 0) return;
  try {
    const n = Number(execFileSync('/bin/sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
    if (Number.isFinite(n) && n < perProc + 200)
      log(`warning: open-file limit ${n} < ${perProc + 200} needed per process; run \`ulimit -n 20000\` first`);
  } catch {
    // No shell to ask: go on.
  }
}

// ── merge and report ────────────────────────────────────────────────────────

interface Check {
  name: string;
  target: string;
  value: string;
  met: boolean | null;
}

interface Report {
  at: string;
  base: string;
  machine: { cpus: number; node: string };
  options: Record<string, unknown>;
  sockets: null | {
    held: number;
    storm: boolean;
    processes: number;
    sessions: number;
    joined: number;
    joinedLate: number;
    allJoinedMs: number | null;
    failed: Tally;
    busyHandshake: number;
    busyJoin: number;
    joinsLimited: number;
    retries: number;
    reconnects: number;
    connectErrors: Tally;
    disconnects: Tally;
    join: HistSummary;
    handshake: HistSummary;
    joinAck: HistSummary;
    gaps: number;
    resyncs: number;
    joinedAtStop: number;
  };
  delta: HistSummary;
  mix: null | {
    readers: number;
    operators: number;
    leaders: number;
    slots: MixResult['slots'];
    kinds: Record<string, HistSummary>;
    endpoints: Record<string, HistSummary & { requests: number }>;
    errors: Tally;
    conflicts: Tally;
    noTicket: number;
    ticketsSeen: number;
    setupErrors: string[];
    rps: number;
  };
  processes: (SocketResult['proc'] & { role: string })[];
  thresholds: Check[];
}

function merge(sr: SocketResult[], mr: MixResult | null, startAt: number, sessionCount: number): Report {
  const sum = (f: (r: SocketResult) => number) => sr.reduce((s, r) => s + f(r), 0);
  const hist = (f: (r: SocketResult) => HistData) => {
    const h = new Hist();
    for (const r of sr) h.merge(f(r));
    return h;
  };
  const delta = hist((r) => r.delta);
  if (mr) delta.merge(mr.delta);
  const tallies = (f: (r: SocketResult) => Tally) => {
    const t: Tally = {};
    for (const r of sr) addTally(t, f(r));
    return t;
  };
  const held = sum((r) => r.sockets);
  const joined = sum((r) => r.joined);
  const failedTally = tallies((r) => r.failed);
  const lastJoin = sr.reduce<number | null>(
    (m, r) => (r.lastJoinAt === null ? m : Math.max(m ?? 0, r.lastJoinAt)),
    null,
  );
  const allJoinedMs = held > 0 && joined === held && lastJoin !== null ? lastJoin - startAt : null;

  const socketsPart: Report['sockets'] =
    sr.length === 0
      ? null
      : {
          held,
          storm: a.storm,
          processes: sr.length,
          sessions: sessionCount,
          joined,
          joinedLate: sum((r) => r.joinedLate),
          allJoinedMs,
          failed: failedTally,
          busyHandshake: sum((r) => r.busyHandshake),
          busyJoin: sum((r) => r.busyJoin),
          joinsLimited: sum((r) => r.joinsLimited),
          retries: sum((r) => r.retries),
          reconnects: sum((r) => r.reconnects),
          connectErrors: tallies((r) => r.connectErrors),
          disconnects: tallies((r) => r.disconnects),
          join: hist((r) => r.join).summary(),
          handshake: hist((r) => r.handshake).summary(),
          joinAck: hist((r) => r.joinAck).summary(),
          gaps: sum((r) => r.gaps),
          resyncs: sum((r) => r.resyncs),
          joinedAtStop: sum((r) => r.joinedAtStop),
        };

  let mixPart: Report['mix'] = null;
  if (mr) {
    const byName = new HistSet();
    byName.merge(mr.http);
    const kinds = new HistSet();
    kinds.merge(mr.kinds);
    const total = Object.values(mr.requests).reduce((s, n) => s + n, 0);
    mixPart = {
      readers: mr.readers,
      operators: mr.operators,
      leaders: mr.leaders,
      slots: mr.slots,
      kinds: Object.fromEntries([...kinds.byName].map(([k, h]) => [k, h.summary()])),
      endpoints: Object.fromEntries(
        [...byName.byName]
          .sort(([x], [y]) => (x < y ? -1 : 1))
          .map(([k, h]) => [k, { requests: mr.requests[k] ?? 0, ...h.summary() }]),
      ),
      errors: mr.errors,
      conflicts: mr.conflicts,
      noTicket: mr.noTicket,
      ticketsSeen: mr.ticketsSeen,
      setupErrors: mr.setupErrors,
      rps: Math.round((total / (durationMs / 1000)) * 10) / 10,
    };
  }

  const checks: Check[] = [];
  const ms = (v: number | null) => (v === null ? '–' : `${v} ms`);
  if (mixPart) {
    const rd = mixPart.kinds.read;
    const op = mixPart.kinds.op;
    checks.push(
      lt('reads p95', 300, rd?.p95 ?? null),
      lt('reads p99', 1000, rd?.p99 ?? null),
      lt('operations p95', 500, op?.p95 ?? null),
    );
    const errs = Object.values(mixPart.errors).reduce((s, n) => s + n, 0);
    checks.push({ name: 'HTTP errors', target: '0', value: String(errs), met: errs === 0 });
  }
  if (socketsPart) {
    const failed = held - joined;
    checks.push({ name: 'sockets failed', target: '0', value: String(failed), met: failed === 0 });
    if (a.storm) {
      const target = held <= 5000 ? 10_000 : 15_000;
      checks.push({
        name: `storm: all ${held} joined`,
        target: `< ${target / 1000} s (${held <= 5000 ? '5,000' : '20,000'} sockets)`,
        value: allJoinedMs === null ? 'not all joined' : `${(allJoinedMs / 1000).toFixed(2)} s`,
        met: allJoinedMs !== null && allJoinedMs < target,
      });
    }
  }
  checks.push(lt('delta delay p99', 300, delta.n ? delta.summary().p99 : null));
  function lt(name: string, limit: number, v: number | null): Check {
    return { name, target: `< ${limit} ms`, value: ms(v), met: v === null ? null : v < limit };
  }

  return {
    at: new Date().toISOString(),
    base,
    machine: { cpus: os.cpus().length, node: process.version },
    options: {
      sockets,
      storm: a.storm,
      users,
      durationSec: durationMs / 1000,
      sessions: sessionCount,
      perProcess,
      procs,
      ramp: Number(a.ramp),
      clerks: a.clerks,
      readEverySec: Number(a['read-every']),
      opThinkSec: Number(a['op-think']),
      leaderRefreshSec: Number(a['leader-refresh']),
      xff: !a['no-xff'],
    },
    sockets: socketsPart,
    delta: delta.summary(),
    mix: mixPart,
    processes: [
      ...sr.map((r, i) => ({ role: `sockets#${i}`, ...r.proc })),
      ...(mr ? [{ role: 'mix', ...mr.proc }] : []),
    ],
    thresholds: checks,
  };
}

function table(head: string[], rows: (string | number | null)[][]): string {
  const cells = [head, ...rows.map((r) => r.map((c) => (c === null ? '–' : String(c))))];
  const w = head.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  return [line(cells[0]!), w.map((n) => '-'.repeat(n)).join('  '), ...cells.slice(1).map(line)].join('\n') + '\n';
}

function render(r: Report): string {
  let s = `\nload run ${r.at} against ${r.base} (${r.machine.cpus} CPUs, Node ${r.machine.node})\n`;
  const row = (name: string, h: HistSummary, extra: (string | number | null)[] = []) => [
    name,
    ...extra,
    h.n,
    h.p50,
    h.p95,
    h.p99,
    h.max,
  ];
  if (r.sockets) {
    const k = r.sockets;
    s += `\nsockets: ${k.held} held in ${k.processes} process(es) over ${k.sessions} session(s)${k.storm ? ', storm' : ''}\n`;
    s += `  joined ${k.joined}/${k.held}` + (k.joinedLate ? ` (+${k.joinedLate} late)` : '');
    s += k.allJoinedMs !== null ? `, all joined after ${(k.allJoinedMs / 1000).toFixed(2)} s\n` : '\n';
    s += `  HALL_ERR_BUSY refusals: ${k.busyHandshake} at handshake, ${k.busyJoin} on join`;
    s += `; join limit (HALL_ERR_RATE_LIMITED) ${k.joinsLimited}; retries ${k.retries}; reconnects ${k.reconnects}\n`;
    s += `  gaps ${k.gaps} (resyncs ${k.resyncs}); joined at stop ${k.joinedAtStop}\n`;
    if (Object.keys(k.failed).length) s += `  failures by reason: ${JSON.stringify(k.failed)}\n`;
    if (Object.keys(k.connectErrors).length) s += `  connect errors: ${JSON.stringify(k.connectErrors)}\n`;
    if (Object.keys(k.disconnects).length) s += `  disconnects: ${JSON.stringify(k.disconnects)}\n`;
    s +=
      '\n' +
      table(
        ['ms', 'n', 'p50', 'p95', 'p99', 'max'],
        [
          row('join (open → joined)', k.join),
          row('handshake (open → connect)', k.handshake),
          row('hall:join ack', k.joinAck),
          row('delta delay (now − event.at)', r.delta),
        ],
      );
  } else if (r.delta.n)
    s += '\n' + table(['ms', 'n', 'p50', 'p95', 'p99', 'max'], [row('delta delay (feed)', r.delta)]);
  if (r.mix) {
    const m = r.mix;
    s += `\nmix: ${m.readers} readers, ${m.operators} operators, ${m.leaders} leaders; ${m.rps} requests/s\n`;
    if (m.slots.length) s += `  windows: ${m.slots.map((x) => `${x.username}@${x.windowId}`).join(', ')}\n`;
    s +=
      '\n' +
      table(
        ['ms', 'requests', 'n', 'p50', 'p95', 'p99', 'max'],
        [
          ...Object.entries(m.kinds).map(([k, h]) => row(`kind:${k}`, h, [h.n])),
          ...Object.entries(m.endpoints).map(([k, h]) => row(k, h, [h.requests])),
        ],
      );
    if (Object.keys(m.errors).length) s += `  errors: ${JSON.stringify(m.errors)}\n`;
    if (Object.keys(m.conflicts).length)
      s += `  window ops refused because the simulator works the same windows (409, not errors): ${JSON.stringify(m.conflicts)}\n`;
    if (m.noTicket) s += `  reader iterations without a ticket yet: ${m.noTicket} (tickets seen ${m.ticketsSeen})\n`;
    if (m.setupErrors.length) s += `  setup: ${m.setupErrors.join('; ')}\n`;
  }
  s += '\nprocesses:\n';
  s += table(
    ['role', 'pid', 'loop lag p99 ms', 'max', 'cpu user ms', 'system', 'rss MB'],
    r.processes.map((p) => [p.role, p.pid, p.loopLagMs.p99, p.loopLagMs.max, p.cpuMs.user, p.cpuMs.system, p.rssMb]),
  );
  s += '\nthresholds (seed 001):\n';
  s += table(
    ['check', 'target', 'value', 'met'],
    r.thresholds.map((c) => [c.name, c.target, c.value, c.met === null ? 'n/a' : c.met ? 'met' : 'NOT MET']),
  );
  return s;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  // Sign out what was signed in before giving up.
  void Promise.all(tokens.map((t) => logout(base, t).catch(() => undefined))).finally(() => process.exit(1));
});
