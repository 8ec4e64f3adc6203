import { HallError, type HallSnapshot, type HallSummary } from '../../contracts/index.ts';
import type { HallScope } from '../domain/access/scope.ts';
import { hallDay } from '../domain/hall-time.ts';
import { formatTicketNo } from '../domain/ticketing.ts';
import {
  activeQueuesOf,
  estimateFor,
  hallPressure,
  rollDay,
  type HallDayState,
  type HallQueueConfig,
  type Pressure,
  type Ticket,
} from '../domain/queue/index.ts';
import type { Db } from './pool.ts';
import { loadHallQueueConfig } from './queue-config-repo.ts';
import { loadQueueState } from './queue-state-repo.ts';
import { staffOfHall, type WindowStaff } from './window-staff-repo.ts';

/** Ids of the halls a scope may see; parameters $1 kind, $2 region code, $3 hall id (scopeArgs). */
export const SCOPE_SQL = `
  WITH RECURSIVE sub AS (
    SELECT code FROM regions WHERE code = $2
    UNION ALL SELECT r.code FROM regions r JOIN sub ON r.parent_code = sub.code)
  SELECT h.id FROM halls h WHERE
    $1 = 'all' OR ($1 = 'hall' AND h.id = $3) OR ($1 = 'region' AND h.region_code IN (SELECT code FROM sub))`;

/** $1–$3 of SCOPE_SQL for a scope. */
export function scopeArgs(scope: HallScope): [string, string | null, string | null] {
  return [scope.kind, scope.kind === 'region' ? scope.regionCode : null, scope.kind === 'hall' ? scope.hallId : null];
}

/** Halls a scope may see, with their service items (item codes used by ticket machines). */
export async function listHalls(db: Db, scope: HallScope): Promise<HallSummary[]> {
  if (scope.kind === 'none') return [];
  const args = scopeArgs(scope);
  const halls = await db.query<{
    id: string;
    name: string;
    region_code: string;
    level: HallSummary['level'];
    address: string | null;
  }>(`SELECT id, name, region_code, level, address FROM halls WHERE id IN (${SCOPE_SQL}) ORDER BY id`, args);
  const items = await db.query<{ hall_id: string; code: string; name: string; department: string; queue_id: string }>(
    `SELECT i.hall_id, i.code, i.name, d.name AS department, i.queue_id FROM items i JOIN departments d ON d.id = i.department_id
     WHERE i.hall_id IN (${SCOPE_SQL}) ORDER BY i.hall_id, i.code`,
    args,
  );
  const byHall = new Map<string, HallSummary['items']>();
  for (const i of items.rows) {
    const list = byHall.get(i.hall_id) ?? [];
    list.push({ code: i.code, name: i.name, department: i.department, queueId: i.queue_id });
    byHall.set(i.hall_id, list);
  }
  return halls.rows.map((h) => ({
    id: h.id,
    name: h.name,
    regionCode: h.region_code,
    level: h.level,
    address: h.address,
    items: byHall.get(h.id) ?? [],
  }));
}

export async function hallInScope(db: Db, scope: HallScope, hallId: string): Promise<boolean> {
  if (scope.kind === 'none') return false;
  const r = await db.query(`SELECT 1 FROM (${SCOPE_SQL}) s WHERE s.id = $4`, [...scopeArgs(scope), hallId]);
  return (r.rowCount ?? 0) > 0;
}

/**
 * Halls of a region and the regions below it (or every hall when `regionCode`
 * is null) that the scope may see: the halls an indicator query for that
 * region covers (docs/indicators.md). Null when the region does not exist or lies wholly
 * outside the scope, so the caller can answer like for a hall it may not see.
 */
export async function hallsOfRegionInScope(
  db: Db,
  scope: HallScope,
  regionCode: string | null,
): Promise<string[] | null> {
  if (scope.kind === 'none') return null;
  const args = [...scopeArgs(scope), regionCode];
  const r = await db.query<{ id: string }>(
    `
    WITH RECURSIVE want AS (
      SELECT code FROM regions WHERE code = $4
      UNION ALL SELECT r.code FROM regions r JOIN want ON r.parent_code = want.code)
    SELECT id FROM (${SCOPE_SQL}) s JOIN halls h USING (id)
    WHERE $4::text IS NULL OR h.region_code IN (SELECT code FROM want) ORDER BY id`,
    args,
  );
  return r.rows.length > 0 ? r.rows.map((x) => x.id) : null;
}

/** The calling time zone when a caller does not pass one (contracts/config.ts HALL_TZ default). */
const DEFAULT_TZ = 'Asia/Shanghai';
/** How many calls the wall's ticker keeps (newest first); apply-delta.ts keeps the same number. */
export const RECENT_CALLS_MAX = 10;

/**
 * One hall's live state with the `seq` it corresponds to. Read in one
 * REPEATABLE READ snapshot so that the counts and the seq agree: every delta
 * with a higher seq is a change the snapshot does not contain yet.
 *
 * The wall: the queue configuration and the engine's hall-day state are
 * loaded INSIDE this transaction (not from the queue service's cache, which
 * may be ahead of or behind this snapshot's seq), and the day is rolled
 * forward with the engine's rollDay so a new hall day shows empty before any
 * operation started it. Waiting counts, windows, pressure and wait ranges
 * all come from that one state, so they agree with each other and with `seq`.
 * `day` is kept for the callers; the day shown is the engine's (rollDay with
 * `tz`), which is the same day when the caller computed it with the same tz.
 */
export async function hallSnapshot(
  db: Db,
  hallId: string,
  day: string,
  at: Date,
  tz: string = DEFAULT_TZ,
): Promise<HallSnapshot | null> {
  const c = await db.connect();
  try {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const h = await c.query<{ id: string; name: string; region_code: string; seq: number }>(
      'SELECT id, name, region_code, seq FROM halls WHERE id = $1',
      [hallId],
    );
    const hall = h.rows[0];
    if (!hall) {
      await c.query('ROLLBACK');
      return null;
    }
    const loaded = await loadHallQueueConfig(c, hallId, tz);
    if (!loaded) {
      await c.query('ROLLBACK');
      return null;
    }
    const config = loaded.config;
    const stored = (await loadQueueState(c, hallId, config, at)).state;
    const state = rolledDay(stored, at, config);
    const windows = await c.query<{ id: string; no: string; name: string; queue_ids: string[] }>(
      `SELECT w.id, w.no, w.name, COALESCE(array_agg(wq.queue_id ORDER BY wq.queue_id) FILTER (WHERE wq.queue_id IS NOT NULL), '{}') AS queue_ids
       FROM windows w LEFT JOIN window_queues wq ON wq.window_id = w.id WHERE w.hall_id = $1 GROUP BY w.id ORDER BY length(w.no), w.no`,
      [hallId],
    );
    const devices = await c.query<{
      id: string;
      kind: HallSnapshot['devices'][number]['kind'];
      online: boolean;
      last_seen_at: Date | null;
      status: Record<string, unknown> | null;
    }>(
      'SELECT id, kind, online, last_seen_at, status FROM devices WHERE hall_id = $1 AND revoked_at IS NULL ORDER BY kind, id',
      [hallId],
    );
    // The tickets of the state's day: `day` (the caller's) is the same day unless the caller's time zone differs.
    const recent = await c.query<{ ticket_no: string; queue_id: string; issued_at: Date }>(
      'SELECT ticket_no, queue_id, issued_at FROM tickets WHERE hall_id = $1 AND day = $2 ORDER BY seq DESC LIMIT 20',
      [hallId, state.day],
    );
    // Calls are events, not rows (a recall changes no ticket column the ticker could show): read them from the outbox.
    const calls = await c.query<{
      payload: { at: string; type: string; data: { ticketNo: string; windowNo: string } };
    }>(
      `SELECT payload FROM outbox WHERE hall_id = $1 AND type IN ('ticket.called', 'ticket.recalled') ORDER BY seq DESC LIMIT ${RECENT_CALLS_MAX}`,
      [hallId],
    );
    const staff = await staffOfHall(c, hallId);
    await c.query('COMMIT');
    void day;
    return {
      hallId: hall.id,
      name: hall.name,
      regionCode: hall.region_code,
      seq: hall.seq,
      queues: config.queues.map((q) => queueRow(state, config, q.id, q.name, q.prefix, at)),
      windows: windows.rows.map((w) => windowRow(state, config, w, staff, at)),
      devices: devices.rows.map((d) => ({
        id: d.id,
        kind: d.kind,
        online: d.online,
        lastSeenAt: d.last_seen_at?.toISOString() ?? null,
        status: d.status,
      })),
      recentTickets: recent.rows.map((t) => ({
        ticketNo: t.ticket_no,
        queueId: t.queue_id,
        issuedAt: t.issued_at.toISOString(),
      })),
      recentCalls: calls.rows
        .map((r) => r.payload)
        .filter((p) => hallDay(new Date(p.at), config.tz) === state.day) // yesterday's calls left the wall at day.rolled
        .map((p) => ({
          ticketNo: p.data.ticketNo,
          windowNo: p.data.windowNo,
          at: p.at,
          recall: p.type === 'ticket.recalled',
        })),
      pressure: pressureRow(hallPressure(state, config)),
      at: at.toISOString(),
    };
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}

/** The state as the engine would see it at `at`: a new hall day starts empty. A clock behind the stored day keeps the stored day. */
function rolledDay(state: HallDayState, at: Date, config: HallQueueConfig): HallDayState {
  try {
    return rollDay(state, at, config).state;
  } catch (e) {
    if (e instanceof HallError) return state;
    throw e;
  }
}

/**
 * One queue on the wall. `waiting` keeps its meaning (tickets with status
 * 'waiting' in the queue, including those transferred to a window); the
 * estimate is the engine's for a walk-in ticket taken now (what the next slip
 * would print); `lastTicketNo` is the last number the queue issued today.
 */
function queueRow(
  state: HallDayState,
  config: HallQueueConfig,
  queueId: string,
  name: string,
  prefix: string,
  at: Date,
): HallSnapshot['queues'][number] {
  let waiting = 0;
  let oldest: number | null = null;
  for (const t of Object.values(state.tickets)) {
    if (t.queueId !== queueId || t.status !== 'waiting') continue;
    waiting++;
    const taken = Date.parse(t.takenAt);
    if (oldest === null || taken < oldest) oldest = taken;
  }
  const issued = state.issued[queueId] ?? 0;
  const probe: Ticket = {
    id: '~wall-probe',
    no: '',
    n: 0,
    day: state.day,
    queueId,
    itemCode: '',
    class: 'walk-in',
    takenAt: at.toISOString(),
    status: 'waiting',
    calls: 0,
    recalls: 0,
    skipCount: 0,
    reactivations: 0,
    transfers: 0,
  };
  const est = estimateFor(state, probe, at, config).estimate;
  return {
    id: queueId,
    name,
    prefix,
    waiting,
    issuedToday: issued,
    lastTicketNo: issued > 0 ? formatTicketNo(prefix, issued) : null,
    estimate: est ? { lowMin: est.lowMin, highMin: est.highMin } : null,
    longestWaitMin: oldest === null ? null : Math.max(0, Math.floor((at.getTime() - oldest) / 60_000)),
  };
}

function windowRow(
  state: HallDayState,
  config: HallQueueConfig,
  w: { id: string; no: string; name: string; queue_ids: string[] },
  staff: readonly WindowStaff[],
  at: Date,
): HallSnapshot['windows'][number] {
  const st = state.windows[w.id];
  const cur = st?.current !== undefined ? state.tickets[st.current] : undefined;
  const cfg = config.windows.find((x) => x.id === w.id);
  return {
    id: w.id,
    no: w.no,
    name: w.name,
    queueIds: w.queue_ids,
    status: st?.status ?? 'closed',
    current:
      cur && (cur.status === 'called' || cur.status === 'serving') ? { ticketNo: cur.no, status: cur.status } : null,
    served: st?.served ?? 0,
    staff: staff.find((s) => s.windowId === w.id)?.username ?? null,
    queuesNow: cfg ? activeQueuesOf(cfg, at, config.tz).map((q) => q.queueId) : [],
  };
}

function pressureRow(p: Pressure): HallSnapshot['pressure'] {
  return {
    waiting: p.waiting,
    openWindows: p.openWindows,
    clearMin: p.clearMin === null ? null : Math.round(p.clearMin * 10) / 10,
    level: p.level,
  };
}

/** Every hall's region and every region's parent: what scope checks need, read once into memory. */
export async function loadHallDirectory(db: Db): Promise<{
  halls: { id: string; regionCode: string }[];
  regions: { code: string; parentCode: string | null }[];
}> {
  const [h, r] = await Promise.all([
    db.query<{ id: string; region_code: string }>('SELECT id, region_code FROM halls'),
    db.query<{ code: string; parent_code: string | null }>('SELECT code, parent_code FROM regions'),
  ]);
  return {
    halls: h.rows.map((x) => ({ id: x.id, regionCode: x.region_code })),
    regions: r.rows.map((x) => ({ code: x.code, parentCode: x.parent_code })),
  };
}
