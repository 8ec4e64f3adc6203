import { HistSet, bump, type Tally } from './hist.ts';
import { call, jitter, sleep, type CallOptions, type Reply } from './http.ts';
import type { MixPlan, MixResult, Progress, Session, WindowSlot } from './protocol.ts';
import { SocketFleet } from './sockets.ts';

/**
 * The real mix of a working morning, over REST (the same endpoints the
 * dashboard calls, dashboard/src/api/*.ts):
 *
 * - readers: the hall list, one hall's snapshot and the citizen's ticket page
 *   (`GET /api/public/tickets/:id`, no session) of a ticket they took, every
 *   `readerEveryMs` (5 s, the ticket page's poll);
 * - operators: window staff at the console (呼叫端): one operation
 *   (`POST /api/halls/:h/windows/:w/ops`: open/resume → next → start →
 *   complete, as the window's state asks) then the console re-read, as the
 *   dashboard does after every op; one account signed in at one window;
 * - leaders: the leadership screen's first load (`#/leader`, the 9:00 rush:
 *   all at once), then its refresh every `leaderRefreshMs` (60 s).
 *
 * A citizen's ticket id comes from where a citizen gets it, the slip: the
 * `ticket.issued` deltas of the halls (one feed socket per hall), plus the
 * waiting lists of the consoles at the start.
 */

type Kind = 'read' | 'op';
interface WindowState {
  status: string;
  current: { status: string } | null;
}
interface ReadySlot extends WindowSlot {
  windowId: string;
  state: WindowState | null;
}

const DAY_MS = 86_400_000;
const HALL_OFFSET_MS = 8 * 3_600_000; // Asia/Shanghai, the demo halls' zone (no daylight saving)

export class Mix {
  private readonly http = new HistSet();
  private readonly kinds = new HistSet();
  private readonly requests: Tally = {};
  private readonly errors: Tally = {};
  private readonly conflicts: Tally = {};
  private readonly setupErrors: string[] = [];
  private readonly tickets: string[] = [];
  private readonly ticketSet = new Set<string>();
  private ticketCursor = 0;
  private noTicket = 0;
  private measuring = false;
  private stopAt = 0;
  private slots: ReadySlot[] = [];
  private readonly feed: SocketFleet;
  private reqCount = 0;
  private errCount = 0;

  constructor(private readonly p: MixPlan) {
    this.feed = new SocketFleet({
      base: p.base,
      joinTimeoutMs: 15_000,
      onDelta: (d) => {
        if (d.event.type === 'ticket.issued') this.addTicket(d.event.data.ticketId);
      },
    });
  }

  progress(): Progress {
    return {
      created: this.feed.created,
      connected: this.feed.connected,
      joined: this.feed.joinedNow,
      failed: this.feed.finallyFailed,
      busy: this.feed.busyHandshake + this.feed.busyJoin,
      deltas: this.feed.deltas,
      requests: this.reqCount,
      errors: this.errCount,
    };
  }

  /** Before the clock starts: windows signed in, the ticket feed open, the pool seeded from the consoles. */
  async prepare(): Promise<void> {
    const { p } = this;
    this.feed.settleDeadline = Infinity;
    if (p.readers > 0) for (const h of p.feed.halls) this.feed.open(p.feed, h);
    const taken = new Set(p.slots.filter((s) => s.windowId).map((s) => s.windowId!));
    for (const slot of p.slots.slice(0, p.operators)) {
      try {
        const ready = await this.signIn(slot, taken);
        if (ready) this.slots.push(ready);
      } catch (e) {
        this.setupErrors.push(`${slot.username}: ${String(e)}`);
      }
    }
    if (p.readers > 0) await this.seedTickets();
  }

  private async signIn(slot: WindowSlot, taken: Set<string>): Promise<ReadySlot | null> {
    const { base } = this.p;
    let windowId = slot.windowId;
    if (!windowId) {
      const r = await call(`${base}/api/halls/${enc(slot.hallId)}/windows`, { token: slot.token });
      if (r.status !== 200) {
        this.setupErrors.push(`${slot.username}: GET windows ${r.status} ${r.code ?? ''}`);
        return null;
      }
      const windows = (r.body as { windows: { id: string; staff: { username: string } | null }[] }).windows;
      const mine = windows.find((w) => w.staff?.username === slot.username && !taken.has(w.id));
      const free = windows.find((w) => w.staff === null && !taken.has(w.id));
      const last = [...windows].reverse().find((w) => !taken.has(w.id));
      const chosen = mine ?? free ?? last;
      if (!chosen) {
        this.setupErrors.push(`${slot.username}: no window left in ${slot.hallId}`);
        return null;
      }
      windowId = chosen.id;
      taken.add(windowId);
      if (!mine) {
        // A person sitting down at the window; takes it over from a simulated clerk if one is there.
        const s = await call(`${base}/api/halls/${enc(slot.hallId)}/windows/${enc(windowId)}/signin`, {
          method: 'POST',
          token: slot.token,
          body: { takeOver: true },
        });
        if (s.status !== 200) {
          this.setupErrors.push(`${slot.username}: sign-in at ${windowId} ${s.status} ${s.code ?? ''}`);
          return null;
        }
      }
    }
    const c = await call(this.consoleUrl(slot.hallId, windowId), { token: slot.token });
    return { ...slot, windowId, state: c.status === 200 ? stateOf(c.body) : null };
  }

  private async seedTickets(): Promise<void> {
    const halls = new Map<string, ReadySlot>();
    for (const s of this.slots) if (!halls.has(s.hallId)) halls.set(s.hallId, s);
    for (const [hallId, s] of halls) {
      const w = await call(`${this.p.base}/api/halls/${enc(hallId)}/windows`, { token: s.token });
      if (w.status !== 200) continue;
      for (const win of (w.body as { windows: { id: string }[] }).windows) {
        const c = await call(this.consoleUrl(hallId, win.id), { token: s.token });
        if (c.status !== 200) continue;
        const body = c.body as { waiting?: { ticketId: string }[]; current?: { ticketId: string } | null };
        for (const t of body.waiting ?? []) this.addTicket(t.ticketId);
        if (body.current) this.addTicket(body.current.ticketId);
      }
    }
  }

  private addTicket(id: string): void {
    if (this.ticketSet.has(id)) return;
    this.ticketSet.add(id);
    this.tickets.push(id);
    if (this.tickets.length > 20_000) {
      const drop = this.tickets.splice(0, 10_000);
      for (const d of drop) this.ticketSet.delete(d);
      this.ticketCursor = Math.max(0, this.ticketCursor - drop.length);
    }
  }

  /** A ticket nobody in the run holds yet (newest last); once all are held, a recent one at random. */
  private takeTicket(): string | null {
    if (this.tickets.length === 0) return null;
    if (this.ticketCursor < this.tickets.length) return this.tickets[this.ticketCursor++]!;
    const recent = Math.min(this.tickets.length, 500);
    return this.tickets[this.tickets.length - 1 - Math.floor(Math.random() * recent)]!;
  }

  private consoleUrl(hallId: string, windowId: string): string {
    return `${this.p.base}/api/halls/${enc(hallId)}/windows/${enc(windowId)}/console`;
  }

  /**
   * One measured request. `simRefusals`: for a window op, the 409s the demo's
   * simulator causes (it works the windows too, and its caller signs its clerk
   * back in at a window a person took over) are counted apart, not as errors.
   */
  private async timed(name: string, kind: Kind, url: string, o: CallOptions, simRefusals = false): Promise<Reply> {
    const r = await call(url, o);
    this.reqCount++;
    bump(this.requests, name);
    this.http.get(name).add(r.ms);
    this.kinds.get(kind).add(r.ms);
    if (simRefusals && r.status === 409 && (r.code === 'HALL_ERR_CONFLICT' || r.code === 'HALL_ERR_NOT_AT_WINDOW'))
      bump(this.conflicts, `${name} ${r.code}`);
    else if (r.status === 0 || r.status >= 400) {
      this.errCount++;
      bump(this.errors, `${name} ${r.status} ${r.code ?? ''}`.trim());
    }
    return r;
  }

  private running(): boolean {
    return this.measuring && Date.now() < this.stopAt;
  }
  private async waitUntil(t: number): Promise<void> {
    const until = Math.min(t, this.stopAt);
    while (this.running() && Date.now() < until) await sleep(Math.min(until - Date.now(), 250));
  }

  async run(durationMs: number): Promise<void> {
    this.measuring = true;
    this.feed.measuring = true;
    const t0 = Date.now();
    this.stopAt = t0 + durationMs;
    const loops: Promise<void>[] = [];
    for (let i = 0; i < this.p.readers; i++) loops.push(this.reader(i));
    for (const s of this.slots) loops.push(this.operator(s));
    for (let i = 0; i < this.p.leaders; i++) loops.push(this.leader(i));
    await Promise.all(loops);
    this.measuring = false;
    this.feed.measuring = false;
  }

  private async reader(i: number): Promise<void> {
    const { p } = this;
    const sess: Session = p.readerSessions[i % p.readerSessions.length]!;
    const xff = p.xff ? `10.${((i + 1) >> 16) & 255}.${((i + 1) >> 8) & 255}.${(i + 1) & 255}` : undefined;
    let hallIdx = i;
    let ticket: string | null = null;
    // Readers arrive over the first interval, not all in the same millisecond.
    await this.waitUntil(Date.now() + Math.random() * p.readerEveryMs);
    while (this.running()) {
      const start = Date.now();
      await this.timed('halls', 'read', `${p.base}/api/halls`, { token: sess.token });
      const hall = sess.halls[hallIdx++ % Math.max(1, sess.halls.length)];
      if (hall)
        await this.timed('snapshot', 'read', `${p.base}/api/halls/${enc(hall)}/snapshot`, { token: sess.token });
      ticket ??= this.takeTicket();
      if (ticket) {
        const r = await this.timed('ticket', 'read', `${p.base}/api/public/tickets/${enc(ticket)}`, { xff });
        const status = (r.body as { status?: string } | undefined)?.status;
        // Served or gone: the citizen's visit is over; the next reader iteration is another citizen's ticket.
        if (r.status !== 200 || status === 'done' || status === 'dropped') ticket = null;
      } else this.noTicket++;
      await this.waitUntil(start + jitter(p.readerEveryMs, 0.1));
    }
  }

  private async operator(slot: ReadySlot): Promise<void> {
    const { p } = this;
    const opsUrl = `${p.base}/api/halls/${enc(slot.hallId)}/windows/${enc(slot.windowId)}/ops`;
    await this.waitUntil(Date.now() + Math.random() * p.opThinkMs);
    while (this.running()) {
      const op = nextOp(slot.state);
      const r = await this.timed(`op:${op.op}`, 'op', opsUrl, { method: 'POST', token: slot.token, body: op }, true);
      if (r.status === 200) slot.state = stateOf(r.body);
      else if (r.code === 'HALL_ERR_NOT_AT_WINDOW' && !slot.shared)
        // The simulator's clerk signed back in at the window through its caller: take the desk again.
        await this.timed('op:signin', 'op', `${opsUrl.slice(0, -'/ops'.length)}/signin`, {
          method: 'POST',
          token: slot.token,
          body: { takeOver: true },
        });
      // The console reads its screen afresh after every operation (dashboard ConsoleView).
      const c = await this.timed('console', 'read', this.consoleUrl(slot.hallId, slot.windowId), { token: slot.token });
      if (c.status === 200) slot.state = stateOf(c.body);
      await this.waitUntil(Date.now() + jitter(p.opThinkMs, 0.3));
    }
  }

  private async leader(i: number): Promise<void> {
    const { p } = this;
    const sess = p.leaderSessions[i % p.leaderSessions.length]!;
    let first = true;
    while (this.running()) {
      const start = Date.now();
      await Promise.all(
        leaderPage(new Date(), first).map(([name, path]) =>
          this.timed(`leader:${name}`, 'read', `${p.base}${path}`, { token: sess.token }),
        ),
      );
      first = false;
      await this.waitUntil(start + p.leaderRefreshMs);
    }
  }

  async finish(): Promise<void> {
    this.feed.close();
    if (!this.p.signOut) return;
    for (const s of this.slots) {
      if (s.shared) continue;
      await call(`${this.p.base}/api/halls/${enc(s.hallId)}/windows/${enc(s.windowId)}/signout`, {
        method: 'POST',
        token: s.token,
        body: {},
      });
    }
  }

  result(proc: MixResult['proc']): MixResult {
    return {
      kind: 'mix',
      proc,
      readers: this.p.readers,
      operators: this.slots.length,
      leaders: this.p.leaders,
      slots: this.slots.map((s) => ({
        username: s.username,
        hallId: s.hallId,
        windowId: s.windowId,
        shared: s.shared,
      })),
      http: this.http.data(),
      kinds: this.kinds.data(),
      requests: this.requests,
      errors: this.errors,
      conflicts: this.conflicts,
      noTicket: this.noTicket,
      ticketsSeen: this.ticketSet.size,
      delta: this.feed.delta.data(),
      setupErrors: this.setupErrors,
    };
  }
}

/** What the window's state asks for next, as a clerk at the console would press it. */
function nextOp(s: WindowState | null): { op: string; outcome?: string } {
  if (!s) return { op: 'next' };
  if (s.status === 'closed') return { op: 'open' };
  if (s.status === 'paused') return { op: 'resume' };
  if (!s.current) return { op: 'next' };
  if (s.current.status === 'called') return { op: 'start' };
  return { op: 'complete', outcome: 'done' };
}

/** The window's state from an op reply (call.result) or a console screen: both carry window.status and current. */
function stateOf(body: unknown): WindowState | null {
  const b = body as { window?: { status?: unknown }; current?: { status?: unknown } | null } | undefined;
  if (!b || typeof b.window?.status !== 'string') return null;
  const cur = b.current && typeof b.current.status === 'string' ? { status: b.current.status } : null;
  return { status: b.window.status, current: cur };
}

/**
 * The requests of the leadership screen (dashboard/src/stores/leader.ts `load`)
 * for the whole scope and the default period (7 days, by day); the catalog and
 * the hall list only on the first load.
 */
export function leaderPage(now: Date, first: boolean): [string, string][] {
  // The screen ends its period on a whole 10 s (dashboard/src/components/leader/period.ts), so
  // leaders opening it together ask the server the same question.
  const end = new Date(Math.floor(now.getTime() / 10_000) * 10_000);
  const to = end.toISOString();
  const dayStart = Math.floor((now.getTime() + HALL_OFFSET_MS) / DAY_MS) * DAY_MS - HALL_OFFSET_MS;
  const from = new Date(dayStart - 6 * DAY_MS).toISOString();
  const visitsFrom = new Date(end.getTime() - 30 * DAY_MS).toISOString();
  const q = (o: Record<string, string>) => `?${new URLSearchParams(o).toString()}`;
  const range = { from, to };
  const out: [string, string][] = [];
  if (first) out.push(['indicators', '/api/indicators'], ['halls', '/api/halls']);
  out.push(
    ['values', `/api/indicators/values${q(range)}`],
    ['regions', `/api/analytics/regions${q(range)}`],
    ['map', '/api/analytics/map'],
    ['trend', `/api/analytics/trend${q({ ...range, bucket: 'day' })}`],
    ['ranking', `/api/analytics/ranking${q({ ...range, by: 'hall', limit: '50' })}`],
    ['forecast', '/api/analytics/forecast'],
    ['efficiency', `/api/analytics/efficiency${q({ ...range, by: 'window', enterprise: 'false', limit: '20' })}`],
    ['case-trend', '/api/analytics/case-trend'],
    ['review-scores', `/api/analytics/review-scores${q({ ...range, by: 'hall', limit: '20' })}`],
    ['multiple-visits', `/api/analytics/multiple-visits${q({ from: visitsFrom, to, limit: '10' })}`],
  );
  return out;
}

function enc(s: string): string {
  return encodeURIComponent(s);
}
