import { randomUUID } from 'node:crypto';
import { HallError, type DomainEvent } from '../../contracts/index.ts';
import {
  applyCommand,
  assertValidHallConfig,
  liveState,
  rollDay,
  type Command,
  type HallDayState,
  type HallQueueConfig,
  type QueueEvent,
} from '../domain/queue/index.ts';
import { hallDay } from '../domain/hall-time.ts';
import type { Clock } from '../domain/clock.ts';
import { withTx, type Db, type Tx } from '../store/pool.ts';
import { findReply } from '../store/inbox-repo.ts';
import { loadHallQueueConfig, type LoadedConfig } from '../store/queue-config-repo.ts';
import {
  confirmNoChange,
  DuplicateMessage,
  ensureQueueStateRow,
  loadQueueState,
  lockQueueState,
  queueStateVersion,
  StaleQueueState,
  writeQueueState,
  type CaseRow,
  type TicketExtras,
} from '../store/queue-state-repo.ts';

/**
 * The adapter between the pure queue engine (server/domain/queue) and
 * PostgreSQL: every operation is one PostgreSQL transaction, the hall's seq,
 * an outbox event; safe when many windows and several server processes act
 * at once (docs/architecture.md "Queue assignment and calling").
 *
 * One operation = one transaction (ADR 0006, ADR 0007). A hall's operations
 * run one at a time in this process. When the process holds the hall's state
 * (it wrote or loaded it last), the engine runs on it and ONE autocommit
 * statement writes the result: it checks the state row's `version`, takes
 * one hall seq per event, claims the device message (redeliveries get the
 * first reply), and writes tickets, state, outbox, cases and reply. If the
 * version moved (another process, a configuration change) the statement
 * writes nothing and the operation runs again in a transaction that locks
 * the state row, reloads, and uses the same statement. A refusal (HallError)
 * writes nothing.
 */
export interface QueueServiceDeps {
  db: Db;
  clock: Clock;
  tz: string;
}

export interface QueueView {
  readonly state: HallDayState;
  readonly config: HallQueueConfig;
  readonly hallName: string;
  readonly version: number;
}

export interface QueueCommitted extends QueueView {
  readonly hallId: string;
  readonly events: readonly DomainEvent[];
  readonly receivedAt?: number;
}

export interface RunContext {
  /** Device message being answered: claims (deviceId, msgId) and stores the reply for redeliveries. */
  readonly deviceId?: string;
  readonly msgId?: string;
  /** Staff acting (console user, or the user signed in on the caller): stamped on called / completed tickets and cases. */
  readonly userId?: number | null;
  /** For a take: the issuing device and the encrypted personal data of the new ticket. */
  readonly extras?: TicketExtras;
  /** performance.now() when the device message arrived, for the MQTT→socket latency metric. */
  readonly receivedAt?: number;
  /** Builds the device's reply from the committed result (stored with the inbox row). */
  reply?(r: QueueCommitted): { replyType: string; reply: unknown };
}

/** A command, or a function that builds it from the state under the hall lock (to resolve a ticket number, say). */
export type CommandInput = Command | ((state: HallDayState, config: HallQueueConfig) => Command);

export type RunResult =
  | { readonly duplicate: true; readonly replyType: string | null; readonly reply: unknown }
  | ({ readonly duplicate: false; readonly replyType: string | null; readonly reply: unknown } & QueueCommitted);

interface Cached {
  loaded: LoadedConfig;
  state: HallDayState;
  version: number;
}

interface Attempt {
  done: QueueCommitted;
  reply: { replyType: string; reply: unknown } | undefined;
  changed: boolean;
  loaded: LoadedConfig;
  after: HallDayState;
}

export interface QueueService {
  run(hallId: string, cmd: CommandInput, ctx?: RunContext): Promise<RunResult>;
  /** The hall's current state for screens (the day rolled forward if a new one began), without a lock. */
  view(hallId: string): Promise<QueueView>;
  /** Called after each commit (sockets, displays, rating terminals). */
  onCommitted(fn: (c: QueueCommitted) => void): void;
  /** Drops what this process keeps of a hall (after a configuration change made here). */
  invalidate(hallId: string): void;
  /**
   * The hall feed (NOTIFY hall_feed) says the hall changed: the next `view` checks the stored
   * version again. While the feed is live and says nothing, `view` answers from memory without a
   * query (the console, the citizen's ticket page; docs/scaling.md).
   */
  hallChanged(hallId: string): void;
  /** The feed is listening (true) or was lost (false: every view checks the version until it is back). */
  feedLive(live: boolean): void;
}

export function createQueueService(deps: QueueServiceDeps): QueueService {
  const cache = new Map<string, Cached>();
  const ensured = new Set<string>();
  const listeners: ((c: QueueCommitted) => void)[] = [];
  /** Halls whose cached view the feed has said nothing against since it was checked. */
  const trusted = new Set<string>();
  let feed = false;

  async function ensure(hallId: string, now: Date): Promise<void> {
    if (ensured.has(hallId)) return;
    try {
      await ensureQueueStateRow(deps.db, hallId, hallDay(now, deps.tz));
    } catch (e) {
      if ((e as { code?: string }).code === '23503') throw new HallError('HALL_ERR_NOT_FOUND', `no hall ${hallId}`);
      throw e;
    }
    ensured.add(hallId);
  }

  async function configFor(
    db: Parameters<typeof loadHallQueueConfig>[0],
    hallId: string,
    version: number,
  ): Promise<LoadedConfig> {
    const c = cache.get(hallId);
    if (c && c.loaded.version === version) return c.loaded;
    const loaded = await loadHallQueueConfig(db, hallId, deps.tz);
    if (!loaded) throw new HallError('HALL_ERR_NOT_FOUND', `no hall ${hallId}`);
    // A configuration the engine cannot use refuses operations instead of calling wrongly.
    try {
      assertValidHallConfig(loaded.config);
    } catch (e) {
      if (e instanceof HallError) throw new HallError('HALL_ERR_CONFIG', e.message, e.details);
      throw e;
    }
    return loaded;
  }

  /**
   * Computes one operation on `before` (the state at `version`) and writes it
   * with writeQueueState on `q` — the pool (the fast path: one autocommit
   * statement) or the locking transaction (the fallback). Refusals
   * (HallError) throw before anything is written.
   */
  async function attempt(
    q: Db | Tx,
    hallId: string,
    loaded: LoadedConfig,
    cached: HallDayState,
    version: number,
    now: Date,
    input: CommandInput,
    ctx: RunContext,
  ): Promise<Attempt> {
    const before = liveState(cached, now, loaded.config);
    const cmd = typeof input === 'function' ? input(rollDay(before, now, loaded.config).state, loaded.config) : input;
    const { state: after, events: qevents } = applyCommand(before, cmd, now, loaded.config);
    // Provisional seqs 1…n; the statement takes n seqs from the hall row and returns the base to add.
    const events = qevents.map((qe, i) => toDomainEvent(hallId, i + 1, qe, ctx));
    const device = ctx.deviceId && ctx.msgId ? { deviceId: ctx.deviceId, msgId: ctx.msgId } : null;
    const receivedAt = ctx.receivedAt !== undefined ? { receivedAt: ctx.receivedAt } : {};
    if (events.length === 0 && after === before) {
      // Nothing happened (call next with nobody waiting): no seq, no version; the device's reply is kept.
      const done: QueueCommitted = {
        hallId,
        events,
        state: after,
        config: loaded.config,
        hallName: loaded.hallName,
        version,
        ...receivedAt,
      };
      const reply = ctx.reply?.(done);
      await confirmNoChange(q, hallId, version, reply && device ? { ...device, ...reply } : undefined);
      return { done, reply, changed: false, loaded, after };
    }
    const ticketSeq = new Map<string, number>();
    const cases: CaseRow[] = [];
    const staffTicketIds = new Set<string>();
    for (const e of events) {
      const d = e.data as Record<string, unknown>;
      if (e.type === 'ticket.issued') ticketSeq.set(String(d.ticketId), e.seq);
      if (e.type === 'ticket.called' || e.type === 'service.started' || e.type === 'ticket.completed')
        staffTicketIds.add(String(d.ticketId));
      if (e.type === 'case.opened') {
        cases.push({
          id: String(d.caseId),
          ticketId: String(d.ticketId),
          itemCode: String(d.itemCode),
          departmentId: String(d.departmentId),
          windowId: String(d.windowId),
          outcome: String(d.outcome),
          takenAt: String(d.takenAt),
          calledAt: String(d.calledAt),
          startedAt: String(d.startedAt),
          endedAt: String(d.endedAt),
          seq: e.seq,
        });
      }
    }
    const provisional: QueueCommitted = {
      hallId,
      events,
      state: after,
      config: loaded.config,
      hallName: loaded.hallName,
      version: version + 1,
      ...receivedAt,
    };
    const reply = ctx.reply?.(provisional);
    const extras = new Map<string, TicketExtras>();
    if (cmd.type === 'take' && ctx.extras) extras.set(cmd.ticketId, ctx.extras);
    const base = await writeQueueState(q, {
      hallId,
      before,
      after,
      version: version + 1,
      at: now,
      events,
      ticketSeq,
      extras,
      cases,
      staffTicketIds,
      staffUserId: ctx.userId ?? null,
      ...(reply && device ? { reply: { ...device, ...reply } } : {}),
    });
    // The seqs the statement gave: event i is base + i, and so is a reply's top-level seq (as stored with the inbox row).
    const done: QueueCommitted = { ...provisional, events: events.map((e) => ({ ...e, seq: base + e.seq })) };
    const r = reply?.reply as { seq?: unknown } | undefined;
    if (r && typeof r === 'object' && typeof r.seq === 'number') r.seq += base;
    return { done, reply, changed: true, loaded, after };
  }

  /** A duplicate device message: the reply stored with its first delivery. */
  async function duplicateOf(ctx: RunContext): Promise<RunResult> {
    const found = await findReply(deps.db, ctx.deviceId!, ctx.msgId!);
    return { duplicate: true, replyType: found?.replyType ?? null, reply: found?.reply ?? null };
  }

  function committedResult(a: Attempt, hallId: string, now: Date): RunResult {
    if (a.changed) {
      cache.set(hallId, { loaded: a.loaded, state: liveState(a.after, now, a.loaded.config), version: a.done.version });
      for (const fn of listeners) fn(a.done);
    }
    return { duplicate: false, replyType: a.reply?.replyType ?? null, reply: a.reply?.reply ?? null, ...a.done };
  }

  async function runNow(hallId: string, input: CommandInput, ctx: RunContext): Promise<RunResult> {
    const now = deps.clock.now();
    await ensure(hallId, now);
    const c = cache.get(hallId);
    if (c) {
      // Fast path: this process holds the state it last wrote; one statement checks that it is
      // still the database's and writes the operation (migration 012).
      try {
        return committedResult(
          await attempt(deps.db, hallId, c.loaded, c.state, c.version, now, input, ctx),
          hallId,
          now,
        );
      } catch (e) {
        if (e instanceof DuplicateMessage) return duplicateOf(ctx);
        if (e instanceof HallError) {
          // The engine runs before the statement claims the message: a redelivery of an operation that
          // went through is refused by the state it left (the window holds the ticket now) — answer it
          // with the stored reply. A refusal decided on a state that is still current stands; otherwise
          // decide again under the lock.
          if (ctx.deviceId && ctx.msgId && (await findReply(deps.db, ctx.deviceId, ctx.msgId))) return duplicateOf(ctx);
          const v = await queueStateVersion(deps.db, hallId);
          if (v && v.version === c.version && v.configVersion === c.loaded.version) throw e;
        } else if (!(e instanceof StaleQueueState)) {
          cache.delete(hallId);
          throw e;
        }
        cache.delete(hallId);
      }
    }
    // Fallback: lock the state row (and the hall row), load what changed, run the operation in that transaction.
    let done: Attempt;
    try {
      const a = await withTx(deps.db, async (tx): Promise<Attempt> => {
        const lock = await lockQueueState(tx, hallId);
        if (!lock) throw new HallError('HALL_ERR_NOT_FOUND', `no hall ${hallId}`);
        const loaded = await configFor(tx, hallId, lock.configVersion);
        const cur = cache.get(hallId);
        const state =
          cur && cur.version === lock.version && cur.loaded === loaded
            ? cur.state
            : (await loadQueueState(tx, hallId, loaded.config, now)).state;
        return attempt(tx, hallId, loaded, state, lock.version, now, input, ctx);
      });
      done = a;
    } catch (e) {
      if (e instanceof DuplicateMessage) return duplicateOf(ctx);
      if (e instanceof HallError && ctx.deviceId && ctx.msgId && (await findReply(deps.db, ctx.deviceId, ctx.msgId)))
        return duplicateOf(ctx);
      if (!(e instanceof HallError)) cache.delete(hallId);
      throw e;
    }
    return committedResult(done, hallId, now);
  }

  /**
   * One hall's operations go one at a time within this process (a promise
   * chain per hall): they never race each other for the state row, and the
   * commit listeners see them in seq order. Across processes the state row's
   * version (fast path) and its row lock (fallback) keep them apart.
   */
  const tails = new Map<string, Promise<unknown>>();
  function run(hallId: string, input: CommandInput, ctx: RunContext = {}): Promise<RunResult> {
    const prev = tails.get(hallId) ?? Promise.resolve();
    const p = prev.then(() => runNow(hallId, input, ctx));
    const tail = p.catch(() => undefined);
    tails.set(hallId, tail);
    void tail.then(() => {
      if (tails.get(hallId) === tail) tails.delete(hallId);
    });
    return p;
  }

  async function view(hallId: string): Promise<QueueView> {
    const now = deps.clock.now();
    await ensure(hallId, now);
    let c = cache.get(hallId);
    if (c && feed && trusted.has(hallId)) return viewOf(c, now);
    const v = await queueStateVersion(deps.db, hallId);
    if (!v) throw new HallError('HALL_ERR_NOT_FOUND', `no hall ${hallId}`);
    // Trusted from here: a change after the version read sends a notice, which untrusts again.
    trusted.add(hallId);
    if (!c || c.version !== v.version || c.loaded.version !== v.configVersion) {
      // One snapshot for the version, the configuration and the state, so they agree.
      const client = await deps.db.connect();
      try {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const vv = await queueStateVersion(client, hallId);
        const loaded = await configFor(client, hallId, vv!.configVersion);
        const st = await loadQueueState(client, hallId, loaded.config, now);
        await client.query('COMMIT');
        const fresh: Cached = { loaded, state: st.state, version: vv!.version };
        const cur = cache.get(hallId);
        if (!cur || cur.version <= fresh.version) cache.set(hallId, fresh);
        c = fresh;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    }
    return viewOf(c, now);
  }

  function viewOf(c: Cached, now: Date): QueueView {
    // A new hall day that no operation has started yet still shows as empty.
    const state = liveState(rollDay(c.state, now, c.loaded.config).state, now, c.loaded.config);
    return { state, config: c.loaded.config, hallName: c.loaded.hallName, version: c.version };
  }

  return {
    run,
    view,
    onCommitted(fn) {
      listeners.push(fn);
    },
    invalidate(hallId) {
      cache.delete(hallId);
      trusted.delete(hallId);
    },
    hallChanged(hallId) {
      trusted.delete(hallId);
    },
    feedLive(live) {
      feed = live;
      trusted.clear();
    },
  };
}

/**
 * Engine event → outbox event. The case gets its id here (the domain makes
 * no randomness); a take carries the issuing device and the applicant's keyed
 * hash, as ticket.issued did before the queue engine.
 */
function toDomainEvent(hallId: string, seq: number, qe: QueueEvent, ctx: RunContext): DomainEvent {
  const { type, at, ...rest } = qe;
  let data: Record<string, unknown> = rest;
  if (type === 'ticket.issued')
    data = { ...rest, deviceId: ctx.extras?.deviceId ?? null, applicantKey: ctx.extras?.applicantKey ?? null };
  if (type === 'case.opened') data = { ...rest, caseId: randomUUID() };
  // Who acted at the window: the staff dimension of the analytics (rankings and efficiency per staff,
  // docs/analytics.md "Schema"). An internal user id, not a name: no personal data leaves for ClickHouse.
  if ('windowId' in rest && ctx.userId !== undefined && ctx.userId !== null)
    data = { ...data, staffId: String(ctx.userId) };
  return { hallId, seq, at, type, data } as DomainEvent;
}
