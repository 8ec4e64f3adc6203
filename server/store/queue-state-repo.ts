import type { DomainEvent } from '../../contracts/index.ts';
import {
  policyOf,
  type HallDayState,
  type HallQueueConfig,
  type Ticket,
  type WindowState,
} from '../domain/queue/index.ts';
import { hallDay } from '../domain/hall-time.ts';
import type { Db, Tx } from './pool.ts';

/**
 * Where the queue engine's hall-day state lives between operations (001 §1.1.1.15–16,
 * migration 008): the tickets of the day in `tickets`, the rest (window
 * status, counters, recent service times) in one `hall_queue_state` row
 * whose `version` moves with every operation.
 */

/** Creates the hall's state row on first use; a no-op afterwards. */
export async function ensureQueueStateRow(db: Db, hallId: string, day: string): Promise<void> {
  await db.query('INSERT INTO hall_queue_state (hall_id, day) VALUES ($1, $2) ON CONFLICT (hall_id) DO NOTHING', [
    hallId,
    day,
  ]);
}

/**
 * Locks the hall's queue state row and its hall row until commit (the
 * fallback of ADR 0007; lock order of ADR 0006): the hall's queue operations
 * go one at a time, across processes. Returns the row's version and the
 * hall's configuration version, so the process can tell whether its cached
 * state and configuration are current. The write statement then takes the
 * hall's seqs itself.
 */
export async function lockQueueState(
  tx: Tx,
  hallId: string,
): Promise<{ version: number; configVersion: number } | null> {
  const r = await tx.query<{ version: number; config_version: number }>({
    name: 'queue-lock',
    text: 'SELECT s.version, h.config_version FROM hall_queue_state s JOIN halls h ON h.id = s.hall_id WHERE s.hall_id = $1 FOR UPDATE OF s, h',
    values: [hallId],
  });
  const row = r.rows[0];
  return row ? { version: row.version, configVersion: row.config_version } : null;
}

/** The current version without a lock (read paths check their cache with it). */
export async function queueStateVersion(
  db: Db | Tx,
  hallId: string,
): Promise<{ version: number; configVersion: number } | null> {
  const r = await db.query<{ version: number; config_version: number }>({
    name: 'queue-version',
    text: 'SELECT s.version, h.config_version FROM hall_queue_state s JOIN halls h ON h.id = s.hall_id WHERE s.hall_id = $1',
    values: [hallId],
  });
  const row = r.rows[0];
  return row ? { version: row.version, configVersion: row.config_version } : null;
}

interface StateRow {
  day: string;
  version: number;
  issued: Record<string, number>;
  queue_calls: Record<string, number>;
  windows: Record<string, WindowState>;
  recent_service: Record<string, number[]>;
}
interface TicketRow {
  id: string;
  ticket_no: string;
  n: number | null;
  day: string;
  queue_id: string;
  item_code: string;
  class: Ticket['class'];
  issued_at: Date;
  status: Ticket['status'];
  target_window_id: string | null;
  window_id: string | null;
  called_at: Date | null;
  started_at: Date | null;
  ended_at: Date | null;
  outcome: Ticket['outcome'] | null;
  calls: number;
  recalls: number;
  skip_count: number;
  skipped_at: Date | null;
  return_at_queue_call: number | null;
  reactivations: number;
  transfers: number;
  appointment_code: string | null;
  drop_reason: Ticket['dropReason'] | null;
}

/**
 * Reads the live line (server/domain/queue/state.ts liveState) as it stands in
 * the database (inside the locking transaction, or a read-only one): the
 * unfinished tickets of the day and the no-show drops a late comer may still
 * re-activate. Tickets come in take order, as the engine keeps them. Windows the configuration gained since the row was written
 * start closed.
 */
export async function loadQueueState(
  tx: Tx | Db,
  hallId: string,
  config: HallQueueConfig,
  now: Date,
): Promise<{ state: HallDayState; version: number }> {
  const r = await tx.query<StateRow>({
    name: 'queue-state-read',
    text: 'SELECT day, version, issued, queue_calls, windows, recent_service FROM hall_queue_state WHERE hall_id = $1',
    values: [hallId],
  });
  const row = r.rows[0];
  const day = row?.day ?? hallDay(now, config.tz);
  const t = await tx.query<TicketRow>({
    name: 'queue-tickets-read',
    text: `SELECT id, ticket_no, n, day, queue_id, item_code, class, issued_at, status, target_window_id, window_id, called_at, started_at,
        ended_at, outcome, calls, recalls, skip_count, skipped_at, return_at_queue_call, reactivations, transfers, appointment_code, drop_reason
      FROM tickets WHERE hall_id = $1 AND day = $2
        AND (status IN ('waiting', 'called', 'serving', 'skipped') OR (status = 'dropped' AND drop_reason = 'no-show' AND skipped_at >= $3))
      ORDER BY issued_at, seq`,
    // The live line only (liveState): finished tickets stay in the table and out of every operation.
    values: [hallId, day, new Date(now.getTime() - policyOf(config).reactivateWithinMin * 60_000)],
  });
  const tickets: Record<string, Ticket> = {};
  for (const x of t.rows) tickets[x.id] = ticketOfRow(x);
  const windows: Record<string, WindowState> = { ...(row?.windows ?? {}) };
  for (const w of config.windows) windows[w.id] ??= { id: w.id, status: 'closed', served: 0 };
  return {
    version: row?.version ?? 0,
    state: {
      hallId,
      day,
      tickets,
      windows,
      issued: row?.issued ?? {},
      queueCalls: row?.queue_calls ?? {},
      recentServiceMin: row?.recent_service ?? {},
    },
  };
}

function ticketOfRow(x: TicketRow): Ticket {
  const opt = <K extends string, V>(k: K, v: V | null): { [P in K]?: V } =>
    v === null ? {} : ({ [k]: v } as { [P in K]: V });
  const iso = (d: Date | null) => (d === null ? null : d.toISOString());
  return {
    id: x.id,
    no: x.ticket_no,
    n: x.n ?? Number(/\d+$/.exec(x.ticket_no)?.[0] ?? 0),
    day: x.day,
    queueId: x.queue_id,
    itemCode: x.item_code,
    class: x.class,
    takenAt: x.issued_at.toISOString(),
    status: x.status,
    calls: x.calls,
    recalls: x.recalls,
    skipCount: x.skip_count,
    reactivations: x.reactivations,
    transfers: x.transfers,
    ...opt('targetWindowId', x.target_window_id),
    ...opt('windowId', x.window_id),
    ...opt('calledAt', iso(x.called_at)),
    ...opt('startedAt', iso(x.started_at)),
    ...opt('endedAt', iso(x.ended_at)),
    ...opt('outcome', x.outcome),
    ...opt('skippedAt', iso(x.skipped_at)),
    ...opt('returnAtQueueCall', x.return_at_queue_call),
    ...opt('appointmentCode', x.appointment_code),
    ...opt('dropReason', x.drop_reason),
  };
}

/** What a take stores beside the engine's fields: the issuing device and the encrypted personal data. */
export interface TicketExtras {
  deviceId: string | null;
  applicantKey: string | null;
  idNumberEnc: string | null;
  nameEnc: string | null;
  phoneEnc: string | null;
}

export interface CaseRow {
  id: string;
  ticketId: string;
  itemCode: string;
  departmentId: string;
  windowId: string;
  outcome: string;
  takenAt: string;
  calledAt: string;
  startedAt: string;
  endedAt: string;
  seq: number;
}

export interface StateWrite {
  hallId: string;
  before: HallDayState;
  after: HallDayState;
  /** The state row's version after this operation; the write happens only if the row is at `version - 1`. */
  version: number;
  at: Date;
  /**
   * The operation's events with PROVISIONAL seqs 1…n: the statement takes n
   * seqs from the hall row and stores event i as (hall seq before) + i.
   */
  events: readonly DomainEvent[];
  /** Provisional seq (1…n) of each new ticket's issuing event. */
  ticketSeq: ReadonlyMap<string, number>;
  extras: ReadonlyMap<string, TicketExtras>;
  /** Cases completion opened; their `seq` is provisional like the events'. */
  cases: readonly CaseRow[];
  staffUserId: number | null;
  /** Staff stamp goes on the tickets the operation acted on (called / completed at a window). */
  staffTicketIds: ReadonlySet<string>;
  /** The device message being answered: claimed here, with its reply (a top-level provisional `seq` is rebased too). */
  reply?: { deviceId: string; msgId: string; replyType: string; reply: unknown };
}

/** The statement found the device message handled before (SQLSTATE HQ409 of queue_write_guard). */
export class DuplicateMessage extends Error {
  constructor() {
    super('device message already handled');
  }
}
/** The statement found the state row at another version (SQLSTATE 40001 of queue_write_guard). */
export class StaleQueueState extends Error {
  constructor() {
    super('hall queue state moved on');
  }
}

function guardError(e: unknown): unknown {
  const code = (e as { code?: string }).code;
  if (code === 'HQ409') return new DuplicateMessage();
  if (code === '40001') return new StaleQueueState();
  return e;
}

/**
 * Writes one operation in ONE statement (migration 012, ADR 0006): the state
 * row moves from `version - 1` to `version`, the hall row gives n seqs, the
 * device message is claimed with its reply, and every ticket the operation
 * changed (the engine is copy-on-write, so a changed ticket is a new object),
 * the tickets a new day dropped, the daily counters the wall reads, the
 * cases completion opened and the outbox events are written. If the state
 * row is at another version (StaleQueueState) or the message was handled
 * before (DuplicateMessage) the guard aborts the statement and nothing is
 * written. Run alone it is its own transaction; inside the locking
 * transaction (queue-service's fallback) it is one more statement of it.
 * Returns the hall seq before the operation: event i has seq base + i.
 */
export async function writeQueueState(q: Db | Tx, w: StateWrite): Promise<number> {
  const changed: Record<string, unknown>[] = [];
  for (const t of Object.values(w.after.tickets)) {
    if (w.before.tickets[t.id] === t) continue;
    const ex = w.extras.get(t.id);
    changed.push({
      id: t.id,
      hall_id: w.hallId,
      queue_id: t.queueId,
      item_code: t.itemCode,
      day: t.day,
      ticket_no: t.no,
      status: t.status,
      issued_at: t.takenAt,
      device_id: ex?.deviceId ?? null,
      seq: w.ticketSeq.get(t.id) ?? 0,
      applicant_key: ex?.applicantKey ?? null,
      id_number_enc: ex?.idNumberEnc ?? null,
      name_enc: ex?.nameEnc ?? null,
      phone_enc: ex?.phoneEnc ?? null,
      n: t.n,
      class: t.class,
      target_window_id: t.targetWindowId ?? null,
      window_id: t.windowId ?? null,
      called_at: t.calledAt ?? null,
      started_at: t.startedAt ?? null,
      ended_at: t.endedAt ?? null,
      outcome: t.outcome ?? null,
      calls: t.calls,
      recalls: t.recalls,
      skip_count: t.skipCount,
      skipped_at: t.skippedAt ?? null,
      return_at_queue_call: t.returnAtQueueCall ?? null,
      reactivations: t.reactivations,
      transfers: t.transfers,
      appointment_code: t.appointmentCode ?? null,
      drop_reason: t.dropReason ?? null,
      staff_user_id: w.staffTicketIds.has(t.id) ? w.staffUserId : null,
    });
  }
  const droppedByDay =
    w.before.day === w.after.day
      ? []
      : Object.keys(w.before.tickets).filter((id) => {
          const s = w.before.tickets[id]!.status;
          return s === 'waiting' || s === 'called' || s === 'serving' || s === 'skipped';
        });
  const counters = w.before.issued === w.after.issued ? {} : w.after.issued;
  try {
    const r = await q.query<{ base: number }>({
      name: 'queue-state-write',
      text: WRITE_SQL,
      values: [
        // An unchanged part of the state is sent as NULL and kept by COALESCE: the row's large JSON values
        // (windows, recent service times) are not re-encoded and re-compressed by every take.
        w.hallId,
        w.after.day,
        w.version,
        changedJson(w.before.issued, w.after.issued),
        changedJson(w.before.queueCalls, w.after.queueCalls),
        changedJson(w.before.windows, w.after.windows),
        changedJson(w.before.recentServiceMin, w.after.recentServiceMin),
        w.at,
        JSON.stringify(changed),
        JSON.stringify(w.events),
        JSON.stringify(counters),
        JSON.stringify(w.cases.map((c) => ({ ...c, staffUserId: w.staffUserId }))),
        droppedByDay,
        w.reply?.deviceId ?? null,
        w.reply?.msgId ?? null,
        w.reply?.replyType ?? null,
        w.reply ? JSON.stringify(w.reply.reply) : null,
        w.events.length,
      ],
    });
    return r.rows[0]!.base;
  } catch (e) {
    throw guardError(e);
  }
}

/**
 * An operation that changed nothing (call next with nobody waiting): checks
 * that the state it was decided on is current and claims the device message
 * with its reply, in one statement. Same guard as writeQueueState.
 */
export async function confirmNoChange(
  q: Db | Tx,
  hallId: string,
  version: number,
  reply?: StateWrite['reply'],
): Promise<void> {
  try {
    await q.query({
      name: 'queue-no-change',
      text: `WITH s AS (SELECT 1 FROM hall_queue_state WHERE hall_id = $1 AND version = $2),
        i AS (INSERT INTO inbox (device_id, msg_id, reply_type, reply) SELECT $3, $4, $5, $6 FROM s WHERE $3::text IS NOT NULL ON CONFLICT DO NOTHING RETURNING 1)
        SELECT queue_write_guard(EXISTS (SELECT FROM s), $3::text IS NULL OR EXISTS (SELECT FROM i))`,
      values: [
        hallId,
        version,
        reply?.deviceId ?? null,
        reply?.msgId ?? null,
        reply?.replyType ?? null,
        reply ? JSON.stringify(reply.reply) : null,
      ],
    });
  } catch (e) {
    throw guardError(e);
  }
}

/** JSON of `after`, or null when the engine kept the same object (copy-on-write: same object = unchanged). */
function changedJson(before: unknown, after: unknown): string | null {
  return before === after ? null : JSON.stringify(after);
}

const TICKET_COLS = `id uuid, hall_id text, queue_id text, item_code text, day date, ticket_no text, status text, issued_at timestamptz,
  device_id text, seq bigint, applicant_key text, id_number_enc text, name_enc text, phone_enc text, n integer, class text,
  target_window_id text, window_id text, called_at timestamptz, started_at timestamptz, ended_at timestamptz, outcome text,
  calls integer, recalls integer, skip_count integer, skipped_at timestamptz, return_at_queue_call integer, reactivations integer,
  transfers integer, appointment_code text, drop_reason text, staff_user_id bigint`;
const TICKET_NAMES = TICKET_COLS.split(',').map((c) => c.trim().split(/\s+/)[0]!);
const UPDATABLE = [
  'queue_id',
  'status',
  'n',
  'class',
  'target_window_id',
  'window_id',
  'called_at',
  'started_at',
  'ended_at',
  'outcome',
  'calls',
  'recalls',
  'skip_count',
  'skipped_at',
  'return_at_queue_call',
  'reactivations',
  'transfers',
  'drop_reason',
];
const TICKET_SELECT = TICKET_NAMES.map((c) =>
  c === 'seq' ? 'CASE WHEN x.seq = 0 THEN 0 ELSE h.base + x.seq END' : `x.${c}`,
).join(', ');

// Order of work (and of row locks, the order of ADR 0006): the main query
// reads h first, which reads s, so the state row is updated (and locked)
// first, then the hall row, then the inbox row; the guard then sees whether
// s and i did their part, and raises if not, which undoes all of it. The
// CTEs nobody reads (t, o, c, k, d) run after the main query, all gated on h.
// Sub-statements of one WITH see one snapshot and touch disjoint rows (a
// ticket is either in today's changed set or among yesterday's dropped).
const WRITE_SQL = `WITH
s AS (UPDATE hall_queue_state SET day = $2, version = $3, issued = COALESCE($4, issued), queue_calls = COALESCE($5, queue_calls),
        windows = COALESCE($6, windows), recent_service = COALESCE($7, recent_service), updated_at = $8
      WHERE hall_id = $1 AND version = $3 - 1 RETURNING 1),
h AS (UPDATE halls SET seq = seq + $18 WHERE id = $1 AND EXISTS (SELECT FROM s) RETURNING seq - $18 AS base),
i AS (INSERT INTO inbox (device_id, msg_id, reply_type, reply)
      SELECT $14, $15, $16, CASE WHEN jsonb_typeof($17::jsonb -> 'seq') = 'number'
        THEN jsonb_set($17::jsonb, '{seq}', to_jsonb(h.base + ($17::jsonb ->> 'seq')::bigint)) ELSE $17::jsonb END
      FROM h WHERE $14::text IS NOT NULL
      ON CONFLICT DO NOTHING RETURNING 1),
t AS (INSERT INTO tickets (${TICKET_NAMES.join(', ')})
      SELECT ${TICKET_SELECT} FROM h, jsonb_to_recordset($9::jsonb) AS x(${TICKET_COLS})
      ON CONFLICT (id) DO UPDATE SET ${UPDATABLE.map((c) => `${c} = EXCLUDED.${c}`).join(', ')},
        staff_user_id = COALESCE(EXCLUDED.staff_user_id, tickets.staff_user_id)),
o AS (INSERT INTO outbox (hall_id, seq, type, payload, created_at)
      SELECT $1, h.base + e.ord, e.v->>'type', jsonb_set(e.v, '{seq}', to_jsonb(h.base + e.ord)), $8
      FROM h, jsonb_array_elements($10::jsonb) WITH ORDINALITY AS e(v, ord)),
c AS (INSERT INTO queue_counters (queue_id, day, last_no)
      SELECT key, $2::date, value::int FROM h, jsonb_each_text($11::jsonb)
      ON CONFLICT (queue_id, day) DO UPDATE SET last_no = GREATEST(queue_counters.last_no, EXCLUDED.last_no)),
k AS (INSERT INTO cases (id, hall_id, ticket_id, item_code, department_id, window_id, staff_user_id, outcome, applicant_key, taken_at, called_at, started_at, ended_at, seq)
      SELECT x.id, $1, x."ticketId", x."itemCode", x."departmentId", x."windowId", x."staffUserId", x.outcome,
        (SELECT applicant_key FROM tickets WHERE id = x."ticketId"), x."takenAt", x."calledAt", x."startedAt", x."endedAt", h.base + x.seq
      FROM h, jsonb_to_recordset($12::jsonb) AS x(id uuid, "ticketId" uuid, "itemCode" text, "departmentId" text, "windowId" text, "staffUserId" bigint,
        outcome text, "takenAt" timestamptz, "calledAt" timestamptz, "startedAt" timestamptz, "endedAt" timestamptz, seq bigint)),
d AS (UPDATE tickets SET status = 'dropped', drop_reason = 'day-end' WHERE id = ANY($13::uuid[]) AND EXISTS (SELECT FROM h))
SELECT (SELECT base FROM h) AS base, queue_write_guard(EXISTS (SELECT FROM s), $14::text IS NULL OR EXISTS (SELECT FROM i)) AS ok`;
