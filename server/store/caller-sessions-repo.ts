import type { Role } from '../../contracts/index.ts';
import { sessionState, shouldTouch } from '../domain/auth/session-rules.ts';
import type { Db, Tx } from './pool.ts';

/**
 * Staff signed in on a window caller (呼叫器, 001 §1.1.1.16; migration 009
 * `caller_sessions`): one row per caller device, pointing at the `caller`
 * session that `signInCaller` (server/commands/caller-credentials.ts) created. Only the session's
 * hash is kept, as in `sessions`.
 */
export interface CallerSessionRow {
  deviceId: string;
  windowId: string;
  userId: number;
  sessionHash: string;
}

/** Records the device's sign-in at a window; returns the session hash it replaces (to revoke), if any. */
export async function saveCallerSession(tx: Tx, s: CallerSessionRow & { at: Date }): Promise<string | null> {
  const prev = await tx.query<{ session_hash: string }>(
    'SELECT session_hash FROM caller_sessions WHERE device_id = $1 FOR UPDATE',
    [s.deviceId],
  );
  await tx.query(
    `INSERT INTO caller_sessions (device_id, window_id, user_id, session_hash, signed_in_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (device_id) DO UPDATE SET window_id = EXCLUDED.window_id, user_id = EXCLUDED.user_id,
       session_hash = EXCLUDED.session_hash, signed_in_at = EXCLUDED.signed_in_at`,
    [s.deviceId, s.windowId, s.userId, s.sessionHash, s.at],
  );
  const old = prev.rows[0]?.session_hash;
  return old !== undefined && old !== s.sessionHash ? old : null;
}

/** Removes the device's sign-in and revokes its session; returns what it was (with the user, for the audit row). */
export async function endCallerSession(
  tx: Tx,
  deviceId: string,
  now: Date,
): Promise<(CallerSessionRow & { username: string; role: Role }) | null> {
  const r = await tx.query<{ window_id: string; user_id: number; session_hash: string; username: string; role: Role }>(
    `DELETE FROM caller_sessions cs USING users u WHERE cs.device_id = $1 AND u.id = cs.user_id
     RETURNING cs.window_id, cs.user_id, cs.session_hash, u.username, u.role`,
    [deviceId],
  );
  const row = r.rows[0];
  if (!row) return null;
  await revokeSessionHash(tx, row.session_hash, now);
  return {
    deviceId,
    windowId: row.window_id,
    userId: row.user_id,
    sessionHash: row.session_hash,
    username: row.username,
    role: row.role,
  };
}

export async function revokeSessionHash(db: Db | Tx, sessionHash: string, now: Date): Promise<void> {
  await db.query('UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL', [
    sessionHash,
    now,
  ]);
}

export type CallerSessionCheck =
  | { status: 'none' }
  | { status: 'revoked' | 'expired' | 'idle' | 'disabled' | 'moved'; windowId: string; userId: number }
  | { status: 'ok'; windowId: string; userId: number; username: string };

/**
 * The device's sign-in as the caller protocol sees it at `now`: none, its
 * session revoked / past its lifetime / idle, the user disabled, the user no
 * longer the one at the window (signed in elsewhere, or someone took the
 * window over: `window_staff` holds one person per window), or ok. An ok
 * check marks the session used, at most once a minute.
 */
export async function checkCallerSession(db: Db, deviceId: string, now: Date): Promise<CallerSessionCheck> {
  const r = await db.query<{
    window_id: string;
    user_id: number;
    username: string;
    disabled_at: Date | null;
    session_hash: string;
    created_at: Date;
    expires_at: Date;
    last_seen_at: Date;
    idle_min: number | null;
    revoked_at: Date | null;
    staff_user_id: number | null;
  }>(
    `SELECT cs.window_id, cs.user_id, u.username, u.disabled_at, cs.session_hash,
            s.created_at, s.expires_at, s.last_seen_at, s.idle_min, s.revoked_at, ws.user_id AS staff_user_id
     FROM caller_sessions cs JOIN users u ON u.id = cs.user_id JOIN sessions s ON s.token_hash = cs.session_hash
     LEFT JOIN window_staff ws ON ws.window_id = cs.window_id
     WHERE cs.device_id = $1`,
    [deviceId],
  );
  const row = r.rows[0];
  if (!row) return { status: 'none' };
  const who = { windowId: row.window_id, userId: row.user_id };
  if (row.revoked_at) return { status: 'revoked', ...who };
  if (row.disabled_at) return { status: 'disabled', ...who };
  const state = sessionState(
    { createdAt: row.created_at, expiresAt: row.expires_at, lastSeenAt: row.last_seen_at, idleMin: row.idle_min },
    now,
  );
  if (state !== 'active') return { status: state, ...who };
  if (row.staff_user_id !== row.user_id) return { status: 'moved', ...who };
  if (shouldTouch(row.last_seen_at, now)) {
    await db.query('UPDATE sessions SET last_seen_at = GREATEST(last_seen_at, $2) WHERE token_hash = $1', [
      row.session_hash,
      now,
    ]);
  }
  return { status: 'ok', ...who, username: row.username };
}

/** The caller's window binding and the named window (null when no such window). */
export async function callerWindow(
  db: Db,
  deviceId: string,
  windowId: string,
): Promise<{ boundWindowId: string | null; window: { hallId: string; no: string } | null }> {
  const r = await db.query<{ bound: string | null; hall_id: string | null; no: string | null }>(
    'SELECT d.window_id AS bound, w.hall_id, w.no FROM devices d LEFT JOIN windows w ON w.id = $2 WHERE d.id = $1',
    [deviceId, windowId],
  );
  const row = r.rows[0];
  return { boundWindowId: row?.bound ?? null, window: row?.hall_id ? { hallId: row.hall_id, no: row.no ?? '' } : null };
}
