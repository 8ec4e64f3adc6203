import type { HallSnapshot, HallSummary } from '../../contracts/index.ts';
import type { HallScope } from '../domain/access/scope.ts';
import type { Db } from './pool.ts';

const SCOPE_SQL = `
  WITH RECURSIVE sub AS (
    SELECT code FROM regions WHERE code = $2
    UNION ALL SELECT r.code FROM regions r JOIN sub ON r.parent_code = sub.code)
  SELECT h.id FROM halls h WHERE
    $1 = 'all' OR ($1 = 'hall' AND h.id = $3) OR ($1 = 'region' AND h.region_code IN (SELECT code FROM sub))`;

/** Halls a scope may see, with their service items (item codes used by ticket machines). */
export async function listHalls(db: Db, scope: HallScope): Promise<HallSummary[]> {
  if (scope.kind === 'none') return [];
  const args = [scope.kind, scope.kind === 'region' ? scope.regionCode : null, scope.kind === 'hall' ? scope.hallId : null];
  const halls = await db.query<{ id: string; name: string; region_code: string; level: HallSummary['level']; address: string | null }>(
    `SELECT id, name, region_code, level, address FROM halls WHERE id IN (${SCOPE_SQL}) ORDER BY id`, args);
  const items = await db.query<{ hall_id: string; code: string; name: string; department: string; queue_id: string }>(
    `SELECT i.hall_id, i.code, i.name, d.name AS department, i.queue_id FROM items i JOIN departments d ON d.id = i.department_id
     WHERE i.hall_id IN (${SCOPE_SQL}) ORDER BY i.hall_id, i.code`, args);
  const byHall = new Map<string, HallSummary['items']>();
  for (const i of items.rows) {
    const list = byHall.get(i.hall_id) ?? [];
    list.push({ code: i.code, name: i.name, department: i.department, queueId: i.queue_id });
    byHall.set(i.hall_id, list);
  }
  return halls.rows.map((h) => ({ id: h.id, name: h.name, regionCode: h.region_code, level: h.level, address: h.address, items: byHall.get(h.id) ?? [] }));
}

export async function hallInScope(db: Db, scope: HallScope, hallId: string): Promise<boolean> {
  if (scope.kind === 'none') return false;
  const r = await db.query(`SELECT 1 FROM (${SCOPE_SQL}) s WHERE s.id = $4`,
    [scope.kind, scope.kind === 'region' ? scope.regionCode : null, scope.kind === 'hall' ? scope.hallId : null, hallId]);
  return (r.rowCount ?? 0) > 0;
}

/**
 * One hall's live state with the `seq` it corresponds to. Read in one
 * REPEATABLE READ snapshot so that the counts and the seq agree: every delta
 * with a higher seq is a change the snapshot does not contain yet.
 */
export async function hallSnapshot(db: Db, hallId: string, day: string, at: Date): Promise<HallSnapshot | null> {
  const c = await db.connect();
  try {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const h = await c.query<{ id: string; name: string; region_code: string; seq: number }>('SELECT id, name, region_code, seq FROM halls WHERE id = $1', [hallId]);
    const hall = h.rows[0];
    if (!hall) { await c.query('ROLLBACK'); return null; }
    const queues = await c.query<{ id: string; name: string; prefix: string; waiting: number; issued: number; last_no: string | null }>(
      `SELECT q.id, q.name, q.prefix,
         (SELECT count(*)::int FROM tickets t WHERE t.queue_id = q.id AND t.day = $2 AND t.status = 'waiting') AS waiting,
         COALESCE((SELECT last_no FROM queue_counters c WHERE c.queue_id = q.id AND c.day = $2), 0) AS issued,
         (SELECT t.ticket_no FROM tickets t WHERE t.queue_id = q.id AND t.day = $2 ORDER BY t.issued_at DESC, t.seq DESC LIMIT 1) AS last_no
       FROM queues q WHERE q.hall_id = $1 ORDER BY q.prefix`, [hallId, day]);
    const windows = await c.query<{ id: string; no: string; name: string; queue_ids: string[] }>(
      `SELECT w.id, w.no, w.name, COALESCE(array_agg(wq.queue_id ORDER BY wq.queue_id) FILTER (WHERE wq.queue_id IS NOT NULL), '{}') AS queue_ids
       FROM windows w LEFT JOIN window_queues wq ON wq.window_id = w.id WHERE w.hall_id = $1 GROUP BY w.id ORDER BY w.no`, [hallId]);
    const devices = await c.query<{ id: string; kind: HallSnapshot['devices'][number]['kind']; online: boolean; last_seen_at: Date | null; status: Record<string, unknown> | null }>(
      'SELECT id, kind, online, last_seen_at, status FROM devices WHERE hall_id = $1 AND revoked_at IS NULL ORDER BY kind, id', [hallId]);
    const recent = await c.query<{ ticket_no: string; queue_id: string; issued_at: Date }>(
      'SELECT ticket_no, queue_id, issued_at FROM tickets WHERE hall_id = $1 AND day = $2 ORDER BY seq DESC LIMIT 20', [hallId, day]);
    await c.query('COMMIT');
    return {
      hallId: hall.id, name: hall.name, regionCode: hall.region_code, seq: hall.seq,
      queues: queues.rows.map((q) => ({ id: q.id, name: q.name, prefix: q.prefix, waiting: q.waiting, issuedToday: q.issued, lastTicketNo: q.last_no })),
      windows: windows.rows.map((w) => ({ id: w.id, no: w.no, name: w.name, queueIds: w.queue_ids })),
      devices: devices.rows.map((d) => ({ id: d.id, kind: d.kind, online: d.online, lastSeenAt: d.last_seen_at?.toISOString() ?? null, status: d.status })),
      recentTickets: recent.rows.map((t) => ({ ticketNo: t.ticket_no, queueId: t.queue_id, issuedAt: t.issued_at.toISOString() })),
      at: at.toISOString(),
    };
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}
