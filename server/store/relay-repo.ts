import { createHash } from 'node:crypto';
import type { Db } from './pool.ts';
import { EVENT_COLUMNS, type EventColumnValues } from '../../contracts/event-columns.ts';

/**
 * PostgreSQL side of the outbox relay (docs/analytics.md "Loading", migration 013,
 * ADR 0008): plan a batch as seq ranges per hall, keep the plan until it is
 * acknowledged, read its rows, move the cursors.
 */

/** Events of one hall with seq in (from, to]. */
export interface SeqRange {
  hallId: string;
  from: number;
  to: number;
}
export interface RelayPlan {
  token: string;
  ranges: SeqRange[];
  events: number;
}
/** An outbox row as the relay sends it: the event and its data fields as columns (contracts/event-columns.ts). */
export type RelayRow = { hall_id: string; seq: number; type: string; at: string; payload: string } & EventColumnValues;

/** Each column out of the jsonb, '' or 0 when the event has no such field. */
const COLUMNS_SQL = EVENT_COLUMNS.map(([column, type, field]) => {
  const text = `o.payload->'data'->>'${field}'`;
  if (type === 'String') return `COALESCE(${text}, '') AS ${column}`;
  return `COALESCE((${text})::${type === 'Float64' ? 'float8' : 'int'}, 0) AS ${column}`;
}).join(',\n            ');

/** The plan sent but not acknowledged (a crash or a failed insert), if any. */
export async function pendingPlan(db: Db): Promise<RelayPlan | null> {
  const r = await db.query<{ token: string; ranges: SeqRange[]; events: number }>(
    'SELECT token, ranges, events FROM relay_pending WHERE id = 1',
  );
  return r.rows[0] ?? null;
}

/**
 * Plans the next batch from the halls' committed seqs: a hall's `seq` is
 * committed together with its outbox rows, and lower seqs committed before
 * it, so every row of a planned range exists and the plan reads the same rows
 * however often it is sent. At most `max` events, an even share per hall. The
 * plan is stored before anything is sent. Null when nothing is new.
 */
export async function planBatch(db: Db, max: number): Promise<RelayPlan | null> {
  const r = await db.query<{ hall_id: string; from_seq: number; hall_seq: number }>(
    `SELECT h.id AS hall_id, COALESCE(c.seq, 0) AS from_seq, h.seq AS hall_seq
       FROM halls h LEFT JOIN relay_cursor c ON c.hall_id = h.id
      WHERE h.seq > COALESCE(c.seq, 0)
      ORDER BY h.id`,
  );
  const ranges: SeqRange[] = [];
  let left = max;
  // An even share per hall, so a hall catching up on a large backlog does not hold back the others.
  const share = Math.max(1, Math.ceil(max / Math.max(1, r.rows.length)));
  for (const row of r.rows) {
    if (left <= 0) break;
    const to = Math.min(row.hall_seq, row.from_seq + Math.min(share, left));
    ranges.push({ hallId: row.hall_id, from: row.from_seq, to });
    left -= to - row.from_seq;
  }
  if (ranges.length === 0) return null;
  const events = max - left;
  // The token names the exact rows: a re-sent plan carries the same token, a different plan another.
  const token = `relay-${createHash('sha256').update(JSON.stringify(ranges)).digest('hex').slice(0, 32)}`;
  const plan: RelayPlan = { token, ranges, events };
  await db.query('INSERT INTO relay_pending (id, token, ranges, events) VALUES (1, $1, $2, $3)', [
    token,
    JSON.stringify(ranges),
    events,
  ]);
  return plan;
}

/** The plan's outbox rows in (hall, seq) order, the event's own time as `at`. */
export async function readPlanRows(db: Db, plan: RelayPlan): Promise<RelayRow[]> {
  const r = await db.query<RelayRow>(
    // The columns ClickHouse groups by come out of the jsonb here (contracts/event-columns.ts): no JSON parsing there.
    `SELECT o.hall_id, o.seq, o.type, o.payload->>'at' AS at, o.payload::text AS payload,
            ${COLUMNS_SQL}
       FROM jsonb_to_recordset($1::jsonb) AS p("hallId" text, "from" bigint, "to" bigint)
       JOIN outbox o ON o.hall_id = p."hallId" AND o.seq > p."from" AND o.seq <= p."to"
      ORDER BY o.hall_id, o.seq`,
    [JSON.stringify(plan.ranges)],
  );
  return r.rows;
}

/** After ClickHouse took the plan: cursors move to the ranges' ends and the plan is done, in one transaction. */
export async function acknowledgePlan(db: Db, plan: RelayPlan): Promise<void> {
  await db.query(
    `WITH c AS (INSERT INTO relay_cursor (hall_id, seq)
        SELECT "hallId", "to" FROM jsonb_to_recordset($1::jsonb) AS p("hallId" text, "to" bigint)
        ON CONFLICT (hall_id) DO UPDATE SET seq = GREATEST(relay_cursor.seq, EXCLUDED.seq))
     DELETE FROM relay_pending WHERE id = 1 AND token = $2`,
    [JSON.stringify(plan.ranges), plan.token],
  );
}

/** Events committed but not yet in ClickHouse, per hall and in all. */
export async function relayLag(db: Db): Promise<{ events: number; halls: number }> {
  const r = await db.query<{ events: number; halls: number }>(
    `SELECT COALESCE(sum(h.seq - COALESCE(c.seq, 0)), 0)::bigint AS events, count(*) FILTER (WHERE h.seq > COALESCE(c.seq, 0))::int AS halls
       FROM halls h LEFT JOIN relay_cursor c ON c.hall_id = h.id`,
  );
  return r.rows[0] ?? { events: 0, halls: 0 };
}

export interface HallDim {
  id: string;
  name: string;
  region_code: string;
  level: string;
}
export interface RegionDim {
  code: string;
  name: string;
  level: string;
  parent_code: string | null;
}

/** Halls and regions for ClickHouse's dimension tables (region drill-down without a join to PostgreSQL). */
export async function readDimensions(db: Db): Promise<{ halls: HallDim[]; regions: RegionDim[] }> {
  const [h, r] = await Promise.all([
    db.query<HallDim>('SELECT id, name, region_code, level FROM halls ORDER BY id'),
    db.query<RegionDim>('SELECT code, name, level, parent_code FROM regions ORDER BY code'),
  ]);
  return { halls: h.rows, regions: r.rows };
}

/**
 * Deletes up to `limit` outbox rows that ClickHouse has (seq at or below the
 * hall's relay cursor) and that are older than `days`: the outbox is the
 * relay's queue and the wall's recent-call ticker, not an archive — ClickHouse
 * is. Oldest first, by the primary key, so the scan stops early.
 */
export async function pruneRelayedOutbox(db: Db, days: number, limit: number): Promise<number> {
  const r = await db.query(
    `DELETE FROM outbox WHERE id IN (
       SELECT o.id FROM outbox o JOIN relay_cursor c ON c.hall_id = o.hall_id
        WHERE o.seq <= c.seq AND o.created_at < now() - make_interval(days => $1)
        ORDER BY o.id LIMIT $2)`,
    [days, limit],
  );
  return r.rowCount ?? 0;
}
