import type { Db, Tx } from './pool.ts';

/**
 * Who works at a window now (migration 008 `window_staff`): set when staff
 * sign in at a window on the console or on the window's caller (呼叫器),
 * cleared on sign-out. One person per window; signing in elsewhere moves them.
 * Tickets called and completed at the window are stamped with the user
 * (queue-service.ts), so per-staff figures (served, handling time, ratings)
 * have their subject.
 */
export interface WindowStaff {
  windowId: string;
  userId: number;
  username: string;
  via: 'console' | 'caller';
  deviceId: string | null;
  since: Date;
}

export async function signInWindow(
  db: Db | Tx,
  s: { windowId: string; userId: number; via: 'console' | 'caller'; deviceId?: string | null; at: Date },
): Promise<void> {
  // A user works at one window at a time.
  await db.query('DELETE FROM window_staff WHERE user_id = $1 AND window_id <> $2', [s.userId, s.windowId]);
  await db.query(
    `INSERT INTO window_staff (window_id, user_id, via, device_id, since) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (window_id) DO UPDATE SET user_id = EXCLUDED.user_id, via = EXCLUDED.via, device_id = EXCLUDED.device_id, since = EXCLUDED.since`,
    [s.windowId, s.userId, s.via, s.deviceId ?? null, s.at],
  );
}

/** Clears the window's sign-in; with `userId`, only if that user is the one signed in. */
export async function signOutWindow(db: Db | Tx, windowId: string, userId?: number): Promise<boolean> {
  const r =
    userId === undefined
      ? await db.query('DELETE FROM window_staff WHERE window_id = $1', [windowId])
      : await db.query('DELETE FROM window_staff WHERE window_id = $1 AND user_id = $2', [windowId, userId]);
  return (r.rowCount ?? 0) > 0;
}

export async function staffAtWindow(db: Db | Tx, windowId: string): Promise<WindowStaff | null> {
  const r = await db.query<{
    window_id: string;
    user_id: number;
    username: string;
    via: 'console' | 'caller';
    device_id: string | null;
    since: Date;
  }>(
    'SELECT s.window_id, s.user_id, u.username, s.via, s.device_id, s.since FROM window_staff s JOIN users u ON u.id = s.user_id WHERE s.window_id = $1',
    [windowId],
  );
  const x = r.rows[0];
  return x
    ? {
        windowId: x.window_id,
        userId: x.user_id,
        username: x.username,
        via: x.via,
        deviceId: x.device_id,
        since: x.since,
      }
    : null;
}

export async function staffOfHall(db: Db | Tx, hallId: string): Promise<WindowStaff[]> {
  const r = await db.query<{
    window_id: string;
    user_id: number;
    username: string;
    via: 'console' | 'caller';
    device_id: string | null;
    since: Date;
  }>(
    `SELECT s.window_id, s.user_id, u.username, s.via, s.device_id, s.since FROM window_staff s
     JOIN users u ON u.id = s.user_id JOIN windows w ON w.id = s.window_id WHERE w.hall_id = $1 ORDER BY s.window_id`,
    [hallId],
  );
  return r.rows.map((x) => ({
    windowId: x.window_id,
    userId: x.user_id,
    username: x.username,
    via: x.via,
    deviceId: x.device_id,
    since: x.since,
  }));
}
