import { randomBytes } from 'node:crypto';
import { HallError, type ErrorCode } from '../../contracts/index.ts';
import type {
  DepartmentBody, HallConfigView, HallPatchBody, ItemBody, PeriodsBody, QueueBody, WindowBody,
} from '../../contracts/config-admin.ts';
import { policyOf, validateHallConfig, type ConfigProblem } from '../domain/queue/index.ts';
import { hallDay } from '../domain/hall-time.ts';
import { recordAudit } from './audit-repo.ts';
import { loadHallQueueConfig } from './queue-config-repo.ts';
import { ensureQueueStateRow } from './queue-state-repo.ts';
import { withTx, type Db, type Tx } from './pool.ts';

/**
 * The queue configuration admin's writes (issue 4 "Admin"; 001 §1.1.1.15–16
 * 队列配置 / 窗口配置). Every change is ONE transaction:
 *
 *   lock the hall's queue state row, then the hall row (the queue service's
 *   lock order), so no queue operation runs half on the old configuration;
 *   write; load the hall's resulting configuration in the transaction and
 *   validate it with the engine's own rules (validateHallConfig); a problem
 *   the change brought → ROLLBACK and a coded refusal listing the problems;
 *   otherwise bump `halls.config_version` (every process's queue service
 *   reloads on the next operation), append the audit row, COMMIT.
 *
 * Changes take effect for the next operation; tickets already taken keep
 * their numbers and queues (docs/admin.md).
 */

export interface ConfigActor { userId: number | null; username: string | null; role: string | null; ip: string | null }
export interface ConfigChangeCtx { db: Db; tz: string; now: Date; actor: ConfigActor }

/** Problem codes of the engine's validator → REST refusal codes (malformed is a 400 BAD_REQUEST at the REST boundary). */
function restCode(c: ErrorCode): ErrorCode {
  return c === 'HALL_ERR_BAD_DATA' ? 'HALL_ERR_BAD_REQUEST' : c;
}

function refuse(code: ErrorCode, message: string, problems?: ConfigProblem[]): never {
  throw new HallError(restCode(code), message, { problems: problems ?? [{ code: restCode(code), path: '', message }] });
}

/** A PostgreSQL constraint error → a coded refusal; anything else is rethrown. */
function translatePg(e: unknown, deleting: boolean): never {
  const pe = e as { code?: string; detail?: string; constraint?: string; message?: string };
  const detail = pe.detail ?? pe.message ?? 'constraint';
  if (pe.code === '23505') refuse('HALL_ERR_CONFLICT', `already exists: ${detail}`);
  if (pe.code === '23503') {
    if (deleting) refuse('HALL_ERR_CONFLICT', `still in use: ${detail}`);
    refuse('HALL_ERR_NOT_FOUND', `refers to nothing: ${detail}`);
  }
  if (pe.code === '23514' || pe.code === '22007' || pe.code === '22008' || pe.code === '23502') refuse('HALL_ERR_BAD_REQUEST', `invalid value: ${detail}`);
  throw e;
}

const newId = (hallId: string, kind: string) => `${hallId}-${kind}${randomBytes(3).toString('hex')}`.slice(0, 64);

export interface Change {
  /** Audit target, e.g. `queue:h-east-qB`. */
  target: string;
  /** What changed, for the audit row. */
  detail: Record<string, unknown>;
  deleting?: boolean;
  write(tx: Tx): Promise<void>;
}

/**
 * Runs one configuration change as described above and returns the new
 * configuration version. Problems the configuration already had before the
 * change do not block it (so an administrator can repair a hall step by
 * step); only new ones refuse it.
 */
export async function changeHallConfig(ctx: ConfigChangeCtx, hallId: string, change: Change): Promise<number> {
  // The queue service's state row must exist before we can lock it (a hall nobody operated yet).
  await ensureQueueStateRow(ctx.db, hallId, hallDay(ctx.now, ctx.tz)).catch((e: unknown) => {
    if ((e as { code?: string }).code === '23503') refuse('HALL_ERR_NOT_FOUND', `no hall ${hallId}`);
    throw e;
  });
  return withTx(ctx.db, async (tx) => {
    // Lock order of the queue service (docs/architecture.md "Ordering"): queue state row, then the hall row.
    // The state row's version moves too: a process's one-statement write (migration 012) checks only that
    // version, so a configuration change must make every cached state stale.
    await tx.query('UPDATE hall_queue_state SET version = version + 1 WHERE hall_id = $1', [hallId]);
    const h = await tx.query<{ config_version: number }>('SELECT config_version FROM halls WHERE id = $1 FOR UPDATE', [hallId]);
    if (!h.rows[0]) refuse('HALL_ERR_NOT_FOUND', `no hall ${hallId}`);
    const before = await loadHallQueueConfig(tx, hallId, ctx.tz);
    const known = new Set(validateHallConfig(before!.config).map(key));

    // A failed statement aborts the transaction; a savepoint is not needed since we refuse anyway.
    try { await change.write(tx); } catch (e) {
      if (e instanceof HallError) throw e;
      translatePg(e, change.deleting ?? false);
    }

    const after = await loadHallQueueConfig(tx, hallId, ctx.tz);
    const fresh = validateHallConfig(after!.config).filter((p) => !known.has(key(p)));
    const first = fresh[0];
    if (first) {
      refuse(first.code, `the change would break the queue configuration: ${fresh.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
        fresh.map((p) => ({ ...p, code: restCode(p.code) })));
    }
    const v = await tx.query<{ config_version: number }>('UPDATE halls SET config_version = config_version + 1 WHERE id = $1 RETURNING config_version', [hallId]);
    const version = v.rows[0]!.config_version;
    await recordAudit(tx, {
      at: ctx.now, ...ctx.actor, action: 'config.change', target: `hall:${hallId}/${change.target}`, result: 'ok',
      detail: { hallId, configVersion: version, ...change.detail },
    });
    return version;
  });
}

/** Problems compared without their list index (an insert shifts indices). */
function key(p: ConfigProblem): string {
  return `${p.code}|${p.message}`;
}

// ── references must be of the same hall ─────────────────────────────────────

type Ref = 'departments' | 'queues' | 'windows';
const REF_NAME: Record<Ref, string> = { departments: 'department', queues: 'queue', windows: 'window' };

async function mustBelong(tx: Tx, table: Ref, id: string, hallId: string): Promise<void> {
  const r = await tx.query(`SELECT 1 FROM ${table} WHERE id = $1 AND hall_id = $2`, [id, hallId]);
  if (r.rowCount === 0) refuse('HALL_ERR_NOT_FOUND', `no ${REF_NAME[table]} ${id} in hall ${hallId}`);
}

async function mustBeDevice(tx: Tx, deviceId: string, hallId: string, kind: string): Promise<void> {
  const r = await tx.query<{ kind: string }>('SELECT kind FROM devices WHERE id = $1 AND hall_id = $2 AND revoked_at IS NULL', [deviceId, hallId]);
  if (!r.rows[0]) refuse('HALL_ERR_NOT_FOUND', `no device ${deviceId} in hall ${hallId}`);
  if (r.rows[0].kind !== kind) refuse('HALL_ERR_BAD_REQUEST', `device ${deviceId} is a ${r.rows[0].kind}, not a ${kind}`);
}

async function mustHave(tx: Tx, sql: string, params: unknown[], what: string): Promise<void> {
  const r = await tx.query(sql, params);
  if (r.rowCount === 0) refuse('HALL_ERR_NOT_FOUND', what);
}

// ── the changes ─────────────────────────────────────────────────────────────

export function patchHall(hallId: string, b: HallPatchBody): Change {
  return {
    target: 'hall', detail: { op: 'hall.update', ...b },
    async write(tx) {
      if (b.name !== undefined) await tx.query('UPDATE halls SET name = $2 WHERE id = $1', [hallId, b.name]);
      if (b.address !== undefined) await tx.query('UPDATE halls SET address = $2 WHERE id = $1', [hallId, b.address]);
      // Policy fields merge into the hall's overrides; what is not given keeps its value.
      if (b.policy) await tx.query("UPDATE halls SET queue_policy = COALESCE(queue_policy, '{}'::jsonb) || $2::jsonb WHERE id = $1", [hallId, JSON.stringify(b.policy)]);
    },
  };
}

export function createDepartment(hallId: string, b: DepartmentBody): Change & { id: string } {
  const id = b.id ?? newId(hallId, 'd');
  return {
    id, target: `department:${id}`, detail: { op: 'department.create', id, name: b.name },
    async write(tx) { await tx.query('INSERT INTO departments (id, hall_id, name) VALUES ($1, $2, $3)', [id, hallId, b.name]); },
  };
}

export function updateDepartment(hallId: string, id: string, b: DepartmentBody): Change {
  return {
    target: `department:${id}`, detail: { op: 'department.update', id, name: b.name },
    async write(tx) {
      await mustHave(tx, 'UPDATE departments SET name = $3 WHERE id = $1 AND hall_id = $2', [id, hallId, b.name], `no department ${id} in hall ${hallId}`);
    },
  };
}

export function deleteDepartment(hallId: string, id: string): Change {
  return {
    target: `department:${id}`, detail: { op: 'department.delete', id }, deleting: true,
    async write(tx) {
      await mustBelong(tx, 'departments', id, hallId);
      const u = await tx.query<{ items: number; queues: number; windows: number; users: number }>(
        `SELECT (SELECT count(*) FROM items WHERE department_id = $1)::int AS items, (SELECT count(*) FROM queues WHERE department_id = $1)::int AS queues,
                (SELECT count(*) FROM windows WHERE department_id = $1)::int AS windows, (SELECT count(*) FROM users WHERE department_id = $1)::int AS users`, [id]);
      const use = u.rows[0]!;
      const inUse = Object.entries(use).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`);
      if (inUse.length) refuse('HALL_ERR_CONFLICT', `department ${id} is in use by ${inUse.join(', ')}; move them first`);
      await tx.query('DELETE FROM departments WHERE id = $1 AND hall_id = $2', [id, hallId]);
    },
  };
}

async function checkItemRefs(tx: Tx, hallId: string, b: ItemBody): Promise<void> {
  await mustBelong(tx, 'departments', b.departmentId, hallId);
  await mustBelong(tx, 'queues', b.queueId, hallId);
}

export function createItem(hallId: string, code: string, b: ItemBody): Change {
  return {
    target: `item:${code}`, detail: { op: 'item.create', code, ...b },
    async write(tx) {
      await checkItemRefs(tx, hallId, b);
      await tx.query('INSERT INTO items (hall_id, code, name, department_id, queue_id, promised_days, standard_min, enterprise) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [hallId, code, b.name, b.departmentId, b.queueId, b.promisedDays ?? null, b.standardMin ?? null, b.enterprise ?? false]);
    },
  };
}

/** Moving an item to another queue: tickets already taken stay in their queue; new ones go to the new queue. */
export function updateItem(hallId: string, code: string, b: ItemBody): Change {
  return {
    target: `item:${code}`, detail: { op: 'item.update', code, ...b },
    async write(tx) {
      await checkItemRefs(tx, hallId, b);
      // The model fields stay as stored when a client that does not know them leaves them out.
      await mustHave(tx, `UPDATE items SET name = $3, department_id = $4, queue_id = $5, promised_days = $6,
          standard_min = CASE WHEN $7 THEN $8::numeric ELSE standard_min END, enterprise = COALESCE($9, enterprise)
        WHERE hall_id = $1 AND code = $2`,
        [hallId, code, b.name, b.departmentId, b.queueId, b.promisedDays ?? null, b.standardMin !== undefined, b.standardMin ?? null, b.enterprise ?? null],
        `no item ${code} in hall ${hallId}`);
    },
  };
}

export function deleteItem(hallId: string, code: string): Change {
  return {
    target: `item:${code}`, detail: { op: 'item.delete', code }, deleting: true,
    async write(tx) {
      await mustHave(tx, 'DELETE FROM items WHERE hall_id = $1 AND code = $2', [hallId, code], `no item ${code} in hall ${hallId}`);
      // Machines' item sets forget it too (an empty set would offer nothing, which is what it then says).
      await tx.query('UPDATE devices SET item_codes = array_remove(item_codes, $2) WHERE hall_id = $1 AND $2 = ANY(item_codes)', [hallId, code]);
    },
  };
}

export function createQueue(hallId: string, b: QueueBody): Change & { id: string } {
  const id = b.id ?? newId(hallId, 'q');
  return {
    id, target: `queue:${id}`, detail: { op: 'queue.create', ...b, id },
    async write(tx) {
      if (b.departmentId) await mustBelong(tx, 'departments', b.departmentId, hallId);
      await prefixFree(tx, hallId, b.prefix, null);
      await tx.query('INSERT INTO queues (id, hall_id, name, prefix, department_id, daily_cap, open_from, open_to) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [id, hallId, b.name, b.prefix, b.departmentId ?? null, b.dailyCap, b.openFrom, b.openTo]);
    },
  };
}

/** A new prefix applies to tickets taken from now on; tickets already taken keep their numbers. */
export function updateQueue(hallId: string, id: string, b: QueueBody): Change {
  return {
    target: `queue:${id}`, detail: { op: 'queue.update', ...b, id },
    async write(tx) {
      await mustBelong(tx, 'queues', id, hallId);
      if (b.departmentId) await mustBelong(tx, 'departments', b.departmentId, hallId);
      await prefixFree(tx, hallId, b.prefix, id);
      await tx.query('UPDATE queues SET name = $3, prefix = $4, department_id = $5, daily_cap = $6, open_from = $7, open_to = $8 WHERE id = $1 AND hall_id = $2',
        [id, hallId, b.name, b.prefix, b.departmentId ?? null, b.dailyCap, b.openFrom, b.openTo]);
    },
  };
}

async function prefixFree(tx: Tx, hallId: string, prefix: string, self: string | null): Promise<void> {
  const r = await tx.query<{ id: string }>('SELECT id FROM queues WHERE hall_id = $1 AND prefix = $2 AND id IS DISTINCT FROM $3', [hallId, prefix, self]);
  if (r.rows[0]) refuse('HALL_ERR_CONFLICT', `prefix ${prefix} is used by queue ${r.rows[0].id}`);
}

/**
 * A queue with unfinished tickets today, or with items, is refused (409).
 * One that ever issued tickets cannot be removed either: those tickets keep
 * pointing at it (history); take it off its windows and move its items.
 * Otherwise it leaves every window's all-day set and periods with it.
 */
export function deleteQueue(hallId: string, id: string, today: string): Change {
  return {
    target: `queue:${id}`, detail: { op: 'queue.delete', id }, deleting: true,
    async write(tx) {
      await mustBelong(tx, 'queues', id, hallId);
      const w = await tx.query<{ n: number }>("SELECT count(*)::int AS n FROM tickets WHERE queue_id = $1 AND day = $2 AND status IN ('waiting', 'called', 'serving', 'skipped')", [id, today]);
      if (w.rows[0]!.n > 0) refuse('HALL_ERR_CONFLICT', `queue ${id} has ${w.rows[0]!.n} unfinished tickets today`);
      const it = await tx.query<{ code: string }>('SELECT code FROM items WHERE queue_id = $1 ORDER BY code', [id]);
      if (it.rows.length) refuse('HALL_ERR_CONFLICT', `items ${it.rows.map((r) => r.code).join(', ')} go to queue ${id}; move them first`);
      const past = await tx.query('SELECT 1 FROM tickets WHERE queue_id = $1 LIMIT 1', [id]);
      if (past.rowCount) refuse('HALL_ERR_CONFLICT', `queue ${id} has issued tickets, which keep pointing at it; take it off its windows instead`);
      await tx.query('DELETE FROM window_queues WHERE queue_id = $1', [id]);
      await tx.query('DELETE FROM window_periods WHERE queue_id = $1', [id]);
      await tx.query('DELETE FROM queue_counters WHERE queue_id = $1', [id]);
      await tx.query('DELETE FROM queues WHERE id = $1', [id]);
    },
  };
}

async function checkWindowRefs(tx: Tx, hallId: string, b: WindowBody): Promise<void> {
  if (b.departmentId) await mustBelong(tx, 'departments', b.departmentId, hallId);
  if (b.raterDeviceId) await mustBeDevice(tx, b.raterDeviceId, hallId, 'rater');
  const seen = new Set<string>();
  for (const q of b.queues) {
    if (seen.has(q.queueId)) refuse('HALL_ERR_CONFLICT', `queue ${q.queueId} is listed twice`);
    seen.add(q.queueId);
    await mustBelong(tx, 'queues', q.queueId, hallId);
  }
}

async function writeWindowQueues(tx: Tx, windowId: string, b: WindowBody): Promise<void> {
  await tx.query('DELETE FROM window_queues WHERE window_id = $1', [windowId]);
  if (b.queues.length) {
    await tx.query('INSERT INTO window_queues (window_id, queue_id, weight) SELECT $1, q, w FROM unnest($2::text[], $3::int[]) AS x(q, w)',
      [windowId, b.queues.map((q) => q.queueId), b.queues.map((q) => q.weight)]);
  }
}

export function createWindow(hallId: string, b: WindowBody): Change & { id: string } {
  const id = b.id ?? newId(hallId, 'w');
  return {
    id, target: `window:${id}`, detail: { op: 'window.create', ...b, id },
    async write(tx) {
      await checkWindowRefs(tx, hallId, b);
      await tx.query('INSERT INTO windows (id, hall_id, no, name, department_id, rater_device_id) VALUES ($1, $2, $3, $4, $5, $6)',
        [id, hallId, b.no, b.name, b.departmentId ?? null, b.raterDeviceId ?? null]);
      await writeWindowQueues(tx, id, b);
    },
  };
}

export function updateWindow(hallId: string, id: string, b: WindowBody): Change {
  return {
    target: `window:${id}`, detail: { op: 'window.update', ...b, id },
    async write(tx) {
      await mustBelong(tx, 'windows', id, hallId);
      await checkWindowRefs(tx, hallId, b);
      await tx.query('UPDATE windows SET no = $3, name = $4, department_id = $5, rater_device_id = $6 WHERE id = $1 AND hall_id = $2',
        [id, hallId, b.no, b.name, b.departmentId ?? null, b.raterDeviceId ?? null]);
      await writeWindowQueues(tx, id, b);
    },
  };
}

/**
 * A window that holds a ticket (called or serving), has tickets transferred
 * to it waiting, or has staff signed in is refused (409): close it first.
 */
export function deleteWindow(hallId: string, id: string, today: string): Change {
  return {
    target: `window:${id}`, detail: { op: 'window.delete', id }, deleting: true,
    async write(tx) {
      await mustBelong(tx, 'windows', id, hallId);
      const st = await tx.query<{ current: string | null }>("SELECT windows -> $2 ->> 'current' AS current FROM hall_queue_state WHERE hall_id = $1", [hallId, id]);
      const held = await tx.query<{ ticket_no: string; status: string }>(
        `SELECT ticket_no, status FROM tickets WHERE hall_id = $1 AND day = $2
           AND ((window_id = $3 AND status IN ('called', 'serving')) OR (target_window_id = $3 AND status IN ('waiting', 'skipped'))) LIMIT 5`, [hallId, today, id]);
      if (st.rows[0]?.current || held.rows.length) {
        refuse('HALL_ERR_CONFLICT', `window ${id} holds tickets (${held.rows.map((r) => `${r.ticket_no} ${r.status}`).join(', ') || 'current ticket'}); finish or transfer them first`);
      }
      const staff = await tx.query('SELECT 1 FROM window_staff WHERE window_id = $1', [id]);
      if (staff.rowCount) refuse('HALL_ERR_CONFLICT', `staff is signed in at window ${id}; sign out first`);
      await tx.query('UPDATE devices SET window_id = NULL WHERE window_id = $1', [id]);
      await tx.query('DELETE FROM window_queues WHERE window_id = $1', [id]);
      await tx.query('DELETE FROM window_periods WHERE window_id = $1', [id]);
      await tx.query('DELETE FROM windows WHERE id = $1', [id]);
      // The engine's per-window state (status, served today) goes with it.
      await tx.query('UPDATE hall_queue_state SET windows = windows - $2::text WHERE hall_id = $1', [hallId, id]);
    },
  };
}

/**
 * Replaces the window's whole period list (按时间段). The list's own rules
 * (order, overlap, a queue twice) are checked before the write, queues of
 * other halls or of nothing are 404, and the engine's validator checks the
 * result like every change.
 */
export function replacePeriods(hallId: string, windowId: string, b: PeriodsBody): Change {
  return {
    target: `window:${windowId}/periods`, detail: { op: 'window.periods', windowId, periods: b.periods },
    async write(tx) {
      await mustBelong(tx, 'windows', windowId, hallId);
      // The list's own rules first (pure), so an overlap of equal starts is named as an overlap, not a key clash.
      b.periods.forEach((p, i) => {
        if (p.from >= p.to) refuse('HALL_ERR_BAD_REQUEST', `periods[${i}] ${p.from}–${p.to} is empty or crosses midnight`);
        // window_periods holds one row per queue: a period without one would vanish silently.
        if (p.queues.length === 0) refuse('HALL_ERR_BAD_REQUEST', `periods[${i}] lists no queue; leave the time out instead (outside its periods a window serves nothing)`);
        const ids = p.queues.map((q) => q.queueId);
        if (new Set(ids).size !== ids.length) refuse('HALL_ERR_CONFLICT', `periods[${i}] lists a queue twice`);
      });
      const spans = b.periods.map((p, i) => ({ i, from: p.from, to: p.to })).sort((x, y) => x.from.localeCompare(y.from));
      for (let k = 1; k < spans.length; k++) {
        const a = spans[k - 1]!, c = spans[k]!;
        if (c.from < a.to) refuse('HALL_ERR_CONFLICT', `periods[${c.i}] ${c.from}–${c.to} overlaps periods[${a.i}] ${a.from}–${a.to}`);
      }
      for (const p of b.periods) for (const q of p.queues) await mustBelong(tx, 'queues', q.queueId, hallId);
      await tx.query('DELETE FROM window_periods WHERE window_id = $1', [windowId]);
      const rows = b.periods.flatMap((p) => p.queues.map((q) => [p.from, p.to, q.queueId, q.weight] as const));
      if (rows.length) {
        await tx.query(
          `INSERT INTO window_periods (window_id, period_from, period_to, queue_id, weight)
           SELECT $1, f::time, t::time, q, w FROM unnest($2::text[], $3::text[], $4::text[], $5::real[]) AS x(f, t, q, w)`,
          [windowId, rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3])]);
      }
    },
  };
}

export function setDeviceItems(hallId: string, deviceId: string, itemCodes: readonly string[] | null): Change {
  return {
    target: `device:${deviceId}/items`, detail: { op: 'device.items', deviceId, itemCodes },
    async write(tx) {
      await mustBeDevice(tx, deviceId, hallId, 'ticketer');
      if (itemCodes) {
        const known = await tx.query<{ code: string }>('SELECT code FROM items WHERE hall_id = $1 AND code = ANY($2::text[])', [hallId, itemCodes]);
        const have = new Set(known.rows.map((r) => r.code));
        const missing = itemCodes.filter((c) => !have.has(c));
        if (missing.length) refuse('HALL_ERR_NOT_FOUND', `no item ${missing.join(', ')} in hall ${hallId}`);
      }
      await tx.query('UPDATE devices SET item_codes = $2 WHERE id = $1', [deviceId, itemCodes ? [...new Set(itemCodes)] : null]);
    },
  };
}

export function setDeviceWindow(hallId: string, deviceId: string, windowId: string | null): Change {
  return {
    target: `device:${deviceId}/window`, detail: { op: 'device.window', deviceId, windowId },
    async write(tx) {
      await mustBeDevice(tx, deviceId, hallId, 'caller');
      if (windowId) await mustBelong(tx, 'windows', windowId, hallId);
      await tx.query('UPDATE devices SET window_id = $2 WHERE id = $1', [deviceId, windowId]);
    },
  };
}

// ── the view ────────────────────────────────────────────────────────────────

/**
 * The whole queue configuration of a hall as the admin page edits it: the
 * engine's view (loadHallQueueConfig) plus what it leaves out — address,
 * promised days, the raw department of queues and windows, a window's
 * all-day queues and its explicit periods apart, ticket machines' item sets
 * and callers' windows.
 */
export async function readHallConfig(db: Db | Tx, hallId: string, tz: string): Promise<HallConfigView> {
  const loaded = await loadHallQueueConfig(db, hallId, tz);
  if (!loaded) refuse('HALL_ERR_NOT_FOUND', `no hall ${hallId}`);
  const h = await db.query<{ address: string | null; queue_policy: Record<string, unknown> | null }>('SELECT address, queue_policy FROM halls WHERE id = $1', [hallId]);
  const items = await db.query<{ code: string; name: string; department_id: string; queue_id: string; promised_days: number | null; standard_min: string | null; enterprise: boolean }>(
    'SELECT code, name, department_id, queue_id, promised_days, standard_min, enterprise FROM items WHERE hall_id = $1 ORDER BY code', [hallId]);
  const queues = await db.query<{ id: string; department_id: string | null }>('SELECT id, department_id FROM queues WHERE hall_id = $1', [hallId]);
  const windows = await db.query<{ id: string; no: string; name: string; department_id: string | null; rater_device_id: string | null }>(
    'SELECT id, no, name, department_id, rater_device_id FROM windows WHERE hall_id = $1', [hallId]);
  const wq = await db.query<{ window_id: string; queue_id: string; weight: number }>(
    'SELECT wq.window_id, wq.queue_id, wq.weight FROM window_queues wq JOIN windows w ON w.id = wq.window_id WHERE w.hall_id = $1 ORDER BY wq.window_id, wq.queue_id', [hallId]);
  const per = await db.query<{ window_id: string; f: string; t: string; queue_id: string; weight: number }>(
    `SELECT p.window_id, to_char(p.period_from, 'HH24:MI') AS f, to_char(p.period_to, 'HH24:MI') AS t, p.queue_id, p.weight
     FROM window_periods p JOIN windows w ON w.id = p.window_id WHERE w.hall_id = $1 ORDER BY p.window_id, p.period_from, p.queue_id`, [hallId]);
  const devs = await db.query<{ id: string; kind: HallConfigView['devices'][number]['kind']; online: boolean; revoked: boolean; window_id: string | null; item_codes: string[] | null }>(
    "SELECT id, kind, online, revoked_at IS NOT NULL AS revoked, window_id, item_codes FROM devices WHERE hall_id = $1 AND kind IN ('ticketer', 'caller', 'rater') ORDER BY kind, id", [hallId]);

  const cfg = loaded!.config;
  const qDep = new Map(queues.rows.map((q) => [q.id, q.department_id]));
  const allDay = new Map<string, { queueId: string; weight: number }[]>();
  for (const r of wq.rows) (allDay.get(r.window_id) ?? allDay.set(r.window_id, []).get(r.window_id)!).push({ queueId: r.queue_id, weight: Number(r.weight) });
  const periods = new Map<string, { from: string; to: string; queues: { queueId: string; weight: number }[] }[]>();
  for (const r of per.rows) {
    const list = periods.get(r.window_id) ?? periods.set(r.window_id, []).get(r.window_id)!;
    let p = list.find((x) => x.from === r.f);
    if (!p) list.push(p = { from: r.f, to: r.t, queues: [] });
    p.queues.push({ queueId: r.queue_id, weight: Number(r.weight) });
  }
  const pol = policyOf(cfg);
  return {
    hall: {
      id: hallId, name: loaded!.hallName, address: h.rows[0]?.address ?? null, configVersion: loaded!.version,
      policy: { starvationMin: pol.starvationMin, skip: pol.skip, reactivateWithinMin: pol.reactivateWithinMin, transferAs: pol.transferAs },
      policyOverrides: h.rows[0]?.queue_policy ?? null,
    },
    departments: cfg.departments.map((d) => ({ id: d.id, name: d.name })),
    items: items.rows.map((i) => ({
      code: i.code, name: i.name, departmentId: i.department_id, queueId: i.queue_id, promisedDays: i.promised_days,
      // numeric arrives as text from pg
      standardMin: i.standard_min === null ? null : Number(i.standard_min), enterprise: i.enterprise,
    })),
    queues: cfg.queues.map((q) => ({
      id: q.id, name: q.name, prefix: q.prefix, departmentId: qDep.get(q.id) ?? null, dailyCap: q.dailyCap,
      openFrom: q.openFrom, openTo: q.openTo, itemCodes: [...q.itemCodes],
    })),
    windows: windows.rows
      .map((w) => ({
        id: w.id, no: w.no, name: w.name, departmentId: w.department_id, raterDeviceId: w.rater_device_id,
        queues: allDay.get(w.id) ?? [], periods: periods.get(w.id) ?? [],
      }))
      // Numeric window numbers in number order (1, 2, …, 10), others after.
      .sort((a, b) => (Number(a.no) || Infinity) - (Number(b.no) || Infinity) || a.no.localeCompare(b.no)),
    devices: devs.rows.map((d) => ({ deviceId: d.id, kind: d.kind, online: d.online, revoked: d.revoked, windowId: d.window_id, itemCodes: d.item_codes })),
    problems: validateHallConfig(cfg).map((p) => ({ ...p, code: restCode(p.code) })),
  };
}

/** readHallConfig in one REPEATABLE READ snapshot, so the parts agree with each other and the version. */
export async function readHallConfigSnapshot(db: Db, hallId: string, tz: string): Promise<HallConfigView> {
  const c = await db.connect();
  try {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const view = await readHallConfig(c, hallId, tz);
    await c.query('COMMIT');
    return view;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}
