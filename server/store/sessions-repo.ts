import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../../contracts/index.ts';
import type { StaffPrincipal } from '../domain/access/scope.ts';
import { sessionState, shouldTouch } from '../domain/auth/session-rules.ts';
import type { Db } from './pool.ts';

/**
 * Staff sessions (docs/authentication.md "Sessions"): opaque bearer
 * tokens of which only the SHA-256 is stored, so a database leak gives no
 * usable sessions. Idle and absolute timeouts are the domain's
 * (server/domain/auth/session-rules.ts), applied to the row read here.
 * Every change of a session or of its user's facts sends a notice on
 * SESSION_CHANGED_CHANNEL from a trigger (migration 015), which the
 * per-process session caches listen to.
 */

/** Payload: a token hash, or `user:<id>`; delivered at commit. */
export const SESSION_CHANGED_CHANNEL = 'session_changed';

/** The stored form of a bearer token (sockets keep this, never the token's use elsewhere). */
export const hashToken = (t: string): string => createHash('sha256').update(t).digest('hex');

export type SessionKind = 'web' | 'caller';
export interface SessionOptions {
  /** Idle timeout in minutes, fixed for the session's life; null for none. */
  idleMin?: number | null;
  kind?: SessionKind;
  /** Administrator without a second factor yet: only TOTP enrolment and logout. */
  mustEnrollTotp?: boolean;
}

/** Opaque bearer token; only its hash is stored, so a database leak gives no usable sessions. */
export async function createSession(
  db: Db,
  userId: number,
  ttlMin: number,
  now: Date,
  opts: SessionOptions = {},
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlMin * 60_000);
  await db.query(
    'INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at, idle_min, kind, must_enroll_totp) VALUES ($1, $2, $3, $4, $3, $5, $6, $7)',
    [hashToken(token), userId, now, expiresAt, opts.idleMin ?? null, opts.kind ?? 'web', opts.mustEnrollTotp ?? false],
  );
  return { token, expiresAt };
}

export interface SessionInfo {
  user: StaffPrincipal;
  kind: SessionKind;
  createdAt: Date;
  expiresAt: Date;
  idleMin: number | null;
  mustEnrollTotp: boolean;
  totpEnabled: boolean;
  mustChangePassword: boolean;
}
export type SessionLookup =
  { status: 'ok'; session: SessionInfo } | { status: 'unknown' | 'revoked' | 'expired' | 'idle' };

/** What a session look-up needs of the session row and its user, as stored. */
export interface SessionRow {
  info: SessionInfo;
  lastSeenAt: Date;
  revoked: boolean;
}

/**
 * The session row behind a token hash with its user, or null when there is
 * none or the user is disabled. Reads only; `lookupSession` and the
 * per-process cache (server/queries/session-cache.ts) apply the rules.
 */
export async function readSession(db: Db, tokenHash: string): Promise<SessionRow | null> {
  const r = await db.query<{
    created_at: Date;
    expires_at: Date;
    last_seen_at: Date;
    idle_min: number | null;
    kind: SessionKind;
    must_enroll_totp: boolean;
    revoked_at: Date | null;
    id: number;
    username: string;
    role: Role;
    hall_id: string | null;
    region_code: string | null;
    department_id: string | null;
    totp_enabled_at: Date | null;
    must_change_password: boolean;
  }>(
    `SELECT s.created_at, s.expires_at, s.last_seen_at, s.idle_min, s.kind, s.must_enroll_totp, s.revoked_at,
            u.id, u.username, u.role, u.hall_id, u.region_code, u.department_id, u.totp_enabled_at, u.must_change_password
     FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = $1 AND u.disabled_at IS NULL`,
    [tokenHash],
  );
  const row = r.rows[0];
  if (!row) return null;
  return {
    lastSeenAt: row.last_seen_at,
    revoked: row.revoked_at !== null,
    info: {
      user: {
        userId: row.id,
        username: row.username,
        role: row.role,
        hallId: row.hall_id,
        regionCode: row.region_code,
        departmentId: row.department_id,
      },
      kind: row.kind,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      idleMin: row.idle_min,
      mustEnrollTotp: row.must_enroll_totp,
      totpEnabled: row.totp_enabled_at !== null,
      mustChangePassword: row.must_change_password,
    },
  };
}

/** Marks a session used at `now` (never moving it back); returns the stored `last_seen_at`, or null for no row. */
export async function touchSession(db: Db, tokenHash: string, now: Date): Promise<Date | null> {
  const r = await db.query<{ last_seen_at: Date }>(
    'UPDATE sessions SET last_seen_at = GREATEST(last_seen_at, $2) WHERE token_hash = $1 RETURNING last_seen_at',
    [tokenHash, now],
  );
  return r.rows[0]?.last_seen_at ?? null;
}

/**
 * The session behind a bearer token at `now`: unknown, revoked, past its
 * absolute end (`expired`), unused for its idle time (`idle`), or ok. An ok
 * lookup marks the session used, at most once a minute.
 */
export async function lookupSession(db: Db, token: string, now: Date): Promise<SessionLookup> {
  const row = await readSession(db, hashToken(token));
  if (!row) return { status: 'unknown' };
  if (row.revoked) return { status: 'revoked' };
  const state = sessionState({ ...row.info, lastSeenAt: row.lastSeenAt }, now);
  if (state !== 'active') return { status: state };
  if (shouldTouch(row.lastSeenAt, now)) await touchSession(db, hashToken(token), now);
  return { status: 'ok', session: row.info };
}

/**
 * The staff member behind a full session of `kind` (default `web`), or null:
 * unknown, revoked, expired, idle, or restricted to TOTP enrolment. The
 * socket server authenticates with this, so sockets get the same timeouts.
 */
export async function sessionUser(
  db: Db,
  token: string,
  now: Date,
  kind: SessionKind = 'web',
): Promise<StaffPrincipal | null> {
  const r = await lookupSession(db, token, now);
  return r.status === 'ok' && r.session.kind === kind && !r.session.mustEnrollTotp ? r.session.user : null;
}

/** The enrolment restriction ends once the session's user confirmed a second factor. */
export async function clearEnrollRestriction(db: Db, token: string): Promise<void> {
  await db.query('UPDATE sessions SET must_enroll_totp = false WHERE token_hash = $1', [hashToken(token)]);
}

export async function revokeSession(db: Db, token: string, now: Date): Promise<void> {
  await db.query('UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL', [
    hashToken(token),
    now,
  ]);
}

/** Ends every live session of a user (all kinds), optionally but one; returns how many. */
export async function revokeUserSessions(db: Db, userId: number, now: Date, exceptToken?: string): Promise<number> {
  const r = await db.query(
    'UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND token_hash IS DISTINCT FROM $3',
    [userId, now, exceptToken ? hashToken(exceptToken) : null],
  );
  return r.rowCount ?? 0;
}

/**
 * For the sessions behind open sockets (by token hash): which are still
 * valid (not revoked, not past their lifetime, not idle, user not disabled).
 * Those are touched: a live screen is a session in use (docs/authentication.md
 * "Sessions"); the absolute lifetime still ends it. The others' sockets are
 * closed by the caller.
 */
export async function liveSessions(db: Db, hashes: readonly string[], now: Date): Promise<Set<string>> {
  if (hashes.length === 0) return new Set();
  const r = await db.query<{
    token_hash: string;
    created_at: Date;
    expires_at: Date;
    last_seen_at: Date;
    idle_min: number | null;
  }>(
    `SELECT s.token_hash, s.created_at, s.expires_at, s.last_seen_at, s.idle_min
     FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = ANY($1) AND s.revoked_at IS NULL AND u.disabled_at IS NULL`,
    [hashes],
  );
  const live = r.rows.filter(
    (row) =>
      sessionState(
        { createdAt: row.created_at, expiresAt: row.expires_at, lastSeenAt: row.last_seen_at, idleMin: row.idle_min },
        now,
      ) === 'active',
  );
  const stale = live.filter((row) => shouldTouch(row.last_seen_at, now)).map((row) => row.token_hash);
  if (stale.length > 0)
    await db.query('UPDATE sessions SET last_seen_at = GREATEST(last_seen_at, $2) WHERE token_hash = ANY($1)', [
      stale,
      now,
    ]);
  return new Set(live.map((row) => row.token_hash));
}
