import { randomUUID } from 'node:crypto';
import { HallError, type DomainEvent } from '../../contracts/index.ts';
import {
  applyCommand, assertValidHallConfig, liveState, rollDay, type Command, type HallDayState, type HallQueueConfig, type QueueEvent,
} from '../domain/queue/index.ts';
import { hallDay } from '../domain/hall-time.ts';
import type { Clock } from '../domain/clock.ts';
import { withTx, type Db } from '../store/pool.ts';
import { claimMessage, storeReply } from '../store/inbox-repo.ts';
import { loadHallQueueConfig, type LoadedConfig } from '../store/queue-config-repo.ts';
import {
  ensureQueueStateRow, loadQueueState, lockQueueState, queueStateVersion, writeQueueState, type CaseRow, type TicketExtras,
} from '../store/queue-state-repo.ts';

/**
 * The adapter between the pure queue engine (server/domain/queue) and
 * PostgreSQL (issue 4: "Every operation: one PostgreSQL transaction, the
 * hall's seq, an outbox event. Safe when many windows and several server
 * processes act at once").
 *
 * One operation = one transaction: claim the device message (redeliveries
 * get the first reply), lock the hall's `hall_queue_state` row, apply the
 * engine, take as many hall seqs as it produced events, write tickets, state,
 * outbox, cases and reply in one statement, commit. The row lock serialises a
 * hall's operations across processes; its `version` tells each process
 * whether the state it keeps in memory is still the database's (one process:
 * always; several: reloaded after another wrote). A refusal (HallError) rolls
 * back and changes nothing.
 */
export interface QueueServiceDeps { db: Db; clock: Clock; tz: string }

export interface QueueView { readonly state: HallDayState; readonly config: HallQueueConfig; readonly hallName: string; readonly version: number }

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

interface Cached { loaded: LoadedConfig; state: HallDayState; version: number }

export interface QueueService {
  run(hallId: string, cmd: CommandInput, ctx?: RunContext): Promise<RunResult>;
  /** The hall's current state for screens (the day rolled forward if a new one began), without a lock. */
  view(hallId: string): Promise<QueueView>;
  /** Called after each commit (sockets, displays, rating terminals). */
  onCommitted(fn: (c: QueueCommitted) => void): void;
  /** Drops what this process keeps of a hall (after a configuration change made here). */
  invalidate(hallId: string): void;
}

export function createQueueService(deps: QueueServiceDeps): QueueService {
  const cache = new Map<string, Cached>();
  const ensured = new Set<string>();
  const listeners: ((c: QueueCommitted) => void)[] = [];

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

  async function configFor(db: Parameters<typeof loadHallQueueConfig>[0], hallId: string, version: number): Promise<LoadedConfig> {
    const c = cache.get(hallId);
    if (c && c.loaded.version === version) return c.loaded;
    const loaded = await loadHallQueueConfig(db, hallId, deps.tz);
    if (!loaded) throw new HallError('HALL_ERR_NOT_FOUND', `no hall ${hallId}`);
    // A configuration the engine cannot use refuses operations instead of calling wrongly.
    try { assertValidHallConfig(loaded.config); } catch (e) {
      if (e instanceof HallError) throw new HallError('HALL_ERR_CONFIG', e.message, e.details);
      throw e;
    }
    return loaded;
  }

  async function run(hallId: string, input: CommandInput, ctx: RunContext = {}): Promise<RunResult> {
    const now = deps.clock.now();
    await ensure(hallId, now);
    let committed: QueueCommitted | null = null;
    try {
      const res = await withTx(deps.db, async (tx): Promise<RunResult> => {
        if (ctx.deviceId && ctx.msgId) {
          const claim = await claimMessage(tx, ctx.deviceId, ctx.msgId);
          if (!claim.fresh) return { duplicate: true, replyType: claim.replyType, reply: claim.reply };
        }
        const lock = await lockQueueState(tx, hallId);
        if (!lock) throw new HallError('HALL_ERR_NOT_FOUND', `no hall ${hallId}`);
        const loaded = await configFor(tx, hallId, lock.configVersion);
        const c = cache.get(hallId);
        const before = liveState(c && c.version === lock.version && c.loaded === loaded
          ? c.state
          : (await loadQueueState(tx, hallId, loaded.config, now)).state, now, loaded.config);

        const cmd = typeof input === 'function' ? input(rollDay(before, now, loaded.config).state, loaded.config) : input;
        const { state: after, events: qevents } = applyCommand(before, cmd, now, loaded.config);

        const n = qevents.length;
        // One seq per event; the hall row is locked since lockQueueState, the write statement stores the new seq.
        const firstSeq = lock.seq + 1;
        const ticketSeq = new Map<string, number>();
        const cases: CaseRow[] = [];
        const staffTicketIds = new Set<string>();
        const events = qevents.map((qe, i) => toDomainEvent(hallId, firstSeq + i, qe, ctx));
        for (const e of events) {
          const d = e.data as Record<string, unknown>;
          if (e.type === 'ticket.issued') ticketSeq.set(String(d.ticketId), e.seq);
          if (e.type === 'ticket.called' || e.type === 'service.started' || e.type === 'ticket.completed') staffTicketIds.add(String(d.ticketId));
          if (e.type === 'case.opened') {
            cases.push({
              id: String(d.caseId), ticketId: String(d.ticketId), itemCode: String(d.itemCode), departmentId: String(d.departmentId),
              windowId: String(d.windowId), outcome: String(d.outcome), takenAt: String(d.takenAt), calledAt: String(d.calledAt),
              startedAt: String(d.startedAt), endedAt: String(d.endedAt), seq: e.seq,
            });
          }
        }
        const version = lock.version + 1;
        const done: QueueCommitted = {
          hallId, events, state: after, config: loaded.config, hallName: loaded.hallName, version,
          ...(ctx.receivedAt !== undefined ? { receivedAt: ctx.receivedAt } : {}),
        };
        const reply = ctx.reply?.(done);
        if (n === 0 && after === before) {
          // Nothing happened (call next with nobody waiting): no seq, no version; only the device's reply is kept.
          if (reply && ctx.deviceId && ctx.msgId) await storeReply(tx, ctx.deviceId, ctx.msgId, reply.replyType, reply.reply);
          return { duplicate: false, replyType: reply?.replyType ?? null, reply: reply?.reply ?? null, ...done, version: lock.version };
        }
        const extras = new Map<string, TicketExtras>();
        if (cmd.type === 'take' && ctx.extras) extras.set(cmd.ticketId, ctx.extras);
        await writeQueueState(tx, {
          hallId, before, after, version, hallSeq: lock.seq + n, at: now, events, ticketSeq, extras, cases, staffTicketIds,
          staffUserId: ctx.userId ?? null,
          ...(reply && ctx.deviceId && ctx.msgId ? { reply: { deviceId: ctx.deviceId, msgId: ctx.msgId, ...reply } } : {}),
        });
        // Kept before COMMIT: if the commit fails the database keeps the old
        // version, and the next operation sees the mismatch and reloads.
        cache.set(hallId, { loaded, state: liveState(after, now, loaded.config), version });
        committed = done;
        return { duplicate: false, replyType: reply?.replyType ?? null, reply: reply?.reply ?? null, ...done };
      });
      if (committed) for (const fn of listeners) fn(committed);
      return res;
    } catch (e) {
      if (!(e instanceof HallError)) cache.delete(hallId);
      throw e;
    }
  }

  async function view(hallId: string): Promise<QueueView> {
    const now = deps.clock.now();
    await ensure(hallId, now);
    const v = await queueStateVersion(deps.db, hallId);
    if (!v) throw new HallError('HALL_ERR_NOT_FOUND', `no hall ${hallId}`);
    let c = cache.get(hallId);
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
    // A new hall day that no operation has started yet still shows as empty.
    const state = liveState(rollDay(c.state, now, c.loaded.config).state, now, c.loaded.config);
    return { state, config: c.loaded.config, hallName: c.loaded.hallName, version: c.version };
  }

  return {
    run, view,
    onCommitted(fn) { listeners.push(fn); },
    invalidate(hallId) { cache.delete(hallId); },
  };
}

/**
 * Engine event → outbox event. The case gets its id here (the domain makes
 * no randomness); a take carries the issuing device and the applicant's keyed
 * hash, as ticket.issued did before issue 4.
 */
function toDomainEvent(hallId: string, seq: number, qe: QueueEvent, ctx: RunContext): DomainEvent {
  const { type, at, ...rest } = qe;
  let data: Record<string, unknown> = rest;
  if (type === 'ticket.issued') data = { ...rest, deviceId: ctx.extras?.deviceId ?? null, applicantKey: ctx.extras?.applicantKey ?? null };
  if (type === 'case.opened') data = { ...rest, caseId: randomUUID() };
  return { hallId, seq, at, type, data } as DomainEvent;
}
