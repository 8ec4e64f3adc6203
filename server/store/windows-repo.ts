import type { WindowBody } from '../../contracts/config-admin.ts';
import type { Db, Tx } from './pool.ts';

/** Service windows (窗口) of a hall, as the configuration admin writes them (who works there: window-staff-repo.ts). */

export async function windowInHall(db: Db | Tx, hallId: string, windowId: string): Promise<boolean> {
  const r = await db.query('SELECT 1 FROM windows WHERE id = $1 AND hall_id = $2', [windowId, hallId]);
  return (r.rowCount ?? 0) > 0;
}

export async function insertWindow(tx: Tx, hallId: string, id: string, b: WindowBody): Promise<void> {
  await tx.query(
    'INSERT INTO windows (id, hall_id, no, name, department_id, rater_device_id) VALUES ($1, $2, $3, $4, $5, $6)',
    [id, hallId, b.no, b.name, b.departmentId ?? null, b.raterDeviceId ?? null],
  );
}

export async function updateWindow(tx: Tx, hallId: string, id: string, b: WindowBody): Promise<void> {
  await tx.query(
    'UPDATE windows SET no = $3, name = $4, department_id = $5, rater_device_id = $6 WHERE id = $1 AND hall_id = $2',
    [id, hallId, b.no, b.name, b.departmentId ?? null, b.raterDeviceId ?? null],
  );
}

/** The window's all-day queues and weights, replaced whole. */
export async function replaceWindowQueues(
  tx: Tx,
  windowId: string,
  queues: readonly { queueId: string; weight: number }[],
): Promise<void> {
  await tx.query('DELETE FROM window_queues WHERE window_id = $1', [windowId]);
  if (queues.length) {
    await tx.query(
      'INSERT INTO window_queues (window_id, queue_id, weight) SELECT $1, q, w FROM unnest($2::text[], $3::int[]) AS x(q, w)',
      [windowId, queues.map((q) => q.queueId), queues.map((q) => q.weight)],
    );
  }
}

/** The ticket the engine holds at the window (its state row), if any. */
export async function windowCurrentTicket(tx: Tx, hallId: string, windowId: string): Promise<string | null> {
  const st = await tx.query<{ current: string | null }>(
    "SELECT windows -> $2 ->> 'current' AS current FROM hall_queue_state WHERE hall_id = $1",
    [hallId, windowId],
  );
  return st.rows[0]?.current ?? null;
}

/** Up to five of the day's tickets the window holds (called, serving) or that wait for it (transferred there). */
export async function ticketsHeldAt(
  tx: Tx,
  hallId: string,
  windowId: string,
  day: string,
): Promise<{ ticket_no: string; status: string }[]> {
  const held = await tx.query<{ ticket_no: string; status: string }>(
    `SELECT ticket_no, status FROM tickets WHERE hall_id = $1 AND day = $2
       AND ((window_id = $3 AND status IN ('called', 'serving')) OR (target_window_id = $3 AND status IN ('waiting', 'skipped'))) LIMIT 5`,
    [hallId, day, windowId],
  );
  return held.rows;
}

export async function windowHasStaff(tx: Tx, windowId: string): Promise<boolean> {
  const staff = await tx.query('SELECT 1 FROM window_staff WHERE window_id = $1', [windowId]);
  return (staff.rowCount ?? 0) > 0;
}

/** Removes the window with its devices' binding, queues, periods and the engine's per-window state (status, served today). */
export async function deleteWindow(tx: Tx, hallId: string, windowId: string): Promise<void> {
  await tx.query('UPDATE devices SET window_id = NULL WHERE window_id = $1', [windowId]);
  await tx.query('DELETE FROM window_queues WHERE window_id = $1', [windowId]);
  await tx.query('DELETE FROM window_periods WHERE window_id = $1', [windowId]);
  await tx.query('DELETE FROM windows WHERE id = $1', [windowId]);
  await tx.query('UPDATE hall_queue_state SET windows = windows - $2::text WHERE hall_id = $1', [hallId, windowId]);
}
