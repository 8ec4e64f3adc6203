import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { HallError, type Role } from '../../contracts/index.ts';
import type { StaffPrincipal } from '../domain/access/scope.ts';
import { can } from '../domain/access/permissions.ts';
import { afterFailure, afterSuccess, DEFAULT_LOCKOUT, isPristine, lockStatus, type LockoutPolicy, type LockoutState } from '../domain/auth/lockout.ts';
import { sessionState, shouldTouch } from '../domain/auth/session-rules.ts';
import { recordAudit } from './audit-repo.ts';
import { withTx, type Db } from './pool.ts';

/**
 * Staff accounts, sessions and sign-in (issue 2 §9, issue 3; GB/T 22239-2019
 * 8.1.4.1; docs/authentication.md). Secrets are stored only as argon2id
 * hashes (passwords, caller PINs) or SHA-256 (random bearer and caller
 * tokens); the TOTP secret is encrypted by the caller with the PII cipher.
 */

/** argon2id (OWASP: m=19 MiB, t=2, p=1): slow to guess, fast enough for logins. */
const ARGON = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
// A fixed hash to verify against when the user is unknown, so timing does not reveal who exists.
let dummyHash: Promise<string> | null = null;

export function hashSecret(secret: string): Promise<string> {
  return hash(secret, ARGON);
}

export function generatePassword(): string {
  // 18 random bytes → 24 characters; always has letters and digits in practice, add both to be sure.
  return `${randomBytes(18).toString('base64url')}a7`;
}

/**
 * Adds an account. A generated password is a one-time initial secret: the
 * account is flagged `must_change_password` (reported at sign-in).
 */
export async function addUser(db: Db, u: { username?: string | undefined; password?: string | undefined; role: Role; hallId?: string | undefined; regionCode?: string | undefined }): Promise<{ username: string; password: string }> {
  const username = u.username ?? `${u.role}-${randomBytes(3).toString('hex')}`;
  const password = u.password ?? generatePassword();
  const passwordHash = await hashSecret(password);
  try {
    const r = await db.query('INSERT INTO users (username, password_hash, role, hall_id, region_code, must_change_password) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (username) DO NOTHING',
      [username, passwordHash, u.role, u.hallId ?? null, u.regionCode ?? null, u.password === undefined]);
    if (r.rowCount === 0) throw new HallError('HALL_ERR_CONFLICT', `user ${username} exists`);
  } catch (e) {
    if ((e as { code?: string }).code === '23503') throw new HallError('HALL_ERR_NOT_FOUND', 'no such hall or region');
    throw e;
  }
  return { username, password };
}

// ── Accounts as sign-in sees them ──

export interface AuthUser {
  principal: StaffPrincipal;
  passwordHash: string;
  pinHash: string | null;
  lockout: LockoutState;
  totpSecretEnc: string | null;
  totpEnabled: boolean;
  totpLastStep: number | null;
  mustChangePassword: boolean;
}

interface AuthRow {
  id: number; username: string; role: Role; hall_id: string | null; region_code: string | null; department_id: string | null;
  password_hash: string; pin_hash: string | null; failed_logins: number; locked_until: Date | null; lock_count: number;
  totp_secret_enc: string | null; totp_enabled_at: Date | null; totp_last_step: number | null; must_change_password: boolean;
}
const AUTH_COLUMNS = `id, username, role, hall_id, region_code, department_id, password_hash, pin_hash, failed_logins, locked_until, lock_count,
  totp_secret_enc, totp_enabled_at, totp_last_step, must_change_password`;

function toAuthUser(r: AuthRow): AuthUser {
  return {
    principal: { userId: r.id, username: r.username, role: r.role, hallId: r.hall_id, regionCode: r.region_code, departmentId: r.department_id },
    passwordHash: r.password_hash, pinHash: r.pin_hash,
    lockout: { failedLogins: r.failed_logins, lockedUntil: r.locked_until, lockCount: r.lock_count },
    totpSecretEnc: r.totp_secret_enc, totpEnabled: r.totp_enabled_at !== null, totpLastStep: r.totp_last_step,
    mustChangePassword: r.must_change_password,
  };
}

/** An enabled account by user name, with what sign-in needs; null when unknown or disabled. */
export async function findAuthUser(db: Db, username: string): Promise<AuthUser | null> {
  const r = await db.query<AuthRow>(`SELECT ${AUTH_COLUMNS} FROM users WHERE username = $1 AND disabled_at IS NULL`, [username]);
  return r.rows[0] ? toAuthUser(r.rows[0]) : null;
}

export async function findAuthUserById(db: Db, userId: number): Promise<AuthUser | null> {
  const r = await db.query<AuthRow>(`SELECT ${AUTH_COLUMNS} FROM users WHERE id = $1 AND disabled_at IS NULL`, [userId]);
  return r.rows[0] ? toAuthUser(r.rows[0]) : null;
}

/** Verifies against a fixed hash so an unknown user costs the same time as a known one. */
async function verifyDummy(secret: string): Promise<void> {
  dummyHash ??= hash('not-a-user-password', ARGON);
  await verify(await dummyHash, secret).catch(() => false);
}

export async function verifyHash(stored: string | null, secret: string): Promise<boolean> {
  if (!stored) {
    await verifyDummy(secret);
    return false;
  }
  return verify(stored, secret).catch(() => false);
}

/** Password check without lockout (kept for callers outside sign-in; sign-in uses `authenticate`). */
export async function checkPassword(db: Db, username: string, password: string): Promise<StaffPrincipal | null> {
  const u = await findAuthUser(db, username);
  if (!u) {
    await verifyDummy(password);
    return null;
  }
  return (await verifyHash(u.passwordHash, password)) ? u.principal : null;
}

// ── Lockout ──

/** Counts one failed attempt under a row lock (parallel guesses cannot slip past the limit). */
export async function noteFailure(db: Db, userId: number, now: Date, policy: LockoutPolicy = DEFAULT_LOCKOUT): Promise<LockoutState & { lockedNow: boolean }> {
  return withTx(db, async (tx) => {
    const r = await tx.query<{ failed_logins: number; locked_until: Date | null; lock_count: number }>(
      'SELECT failed_logins, locked_until, lock_count FROM users WHERE id = $1 FOR UPDATE', [userId]);
    const row = r.rows[0];
    if (!row) throw new HallError('HALL_ERR_NOT_FOUND');
    const next = afterFailure({ failedLogins: row.failed_logins, lockedUntil: row.locked_until, lockCount: row.lock_count }, now, policy);
    await tx.query('UPDATE users SET failed_logins = $2, locked_until = $3, lock_count = $4 WHERE id = $1', [userId, next.failedLogins, next.lockedUntil, next.lockCount]);
    return next;
  });
}

export async function noteSuccess(db: Db, u: AuthUser): Promise<void> {
  if (isPristine(u.lockout)) return;
  const s = afterSuccess();
  await db.query('UPDATE users SET failed_logins = $2, locked_until = $3, lock_count = $4 WHERE id = $1', [u.principal.userId, s.failedLogins, s.lockedUntil, s.lockCount]);
}

export interface AuthContext {
  ip: string | null;
  /** Where the attempt comes from, for the audit row. */
  via: 'web' | 'caller';
  lockout?: LockoutPolicy;
}

/**
 * One sign-in attempt with a password or a caller PIN: unknown user, lockout,
 * the secret, failure counting, and the audit rows (never the secret).
 * Returns the account when the secret is right; the caller then checks a
 * second factor (`failSecondFactor` counts a wrong one) and calls
 * `noteSuccess`. Throws HALL_ERR_BAD_CREDENTIALS or HALL_ERR_ACCOUNT_LOCKED
 * (details `{retryAfterSec, lockedUntil}`).
 */
export async function authenticate(db: Db, input: { username: string; secret: string; method: 'password' | 'pin' }, now: Date, ctx: AuthContext): Promise<AuthUser> {
  const u = await findAuthUser(db, input.username);
  const audit = (result: 'ok' | 'denied' | 'failed', detail: Record<string, unknown>, action = 'auth.login') => recordAudit(db, {
    at: now, userId: u?.principal.userId ?? null, username: u?.principal.username ?? input.username, role: u?.principal.role ?? null,
    ip: ctx.ip, action, target: `user:${input.username}`, result, detail: { via: ctx.via, method: input.method, ...detail },
  });
  if (!u) {
    await verifyDummy(input.secret);
    await audit('failed', { reason: 'unknown-user' });
    throw new HallError('HALL_ERR_BAD_CREDENTIALS');
  }
  const lock = lockStatus(u.lockout, now);
  if (lock.locked) {
    await audit('denied', { reason: 'locked', lockedUntil: lock.until.toISOString() });
    throw lockedError(lock.until, lock.retryAfterSec);
  }
  const stored = input.method === 'password' ? u.passwordHash : u.pinHash;
  if (await verifyHash(stored, input.secret)) return u;
  await failAttempt(db, u, now, ctx, input.method === 'pin' && !stored ? 'no-pin' : `bad-${input.method}`, input.method);
  throw new HallError('HALL_ERR_BAD_CREDENTIALS');
}

/** A wrong second factor after a right password: counts toward the lockout like a wrong password. */
export async function failSecondFactor(db: Db, u: AuthUser, now: Date, ctx: AuthContext, reason: 'bad-totp' | 'replayed-totp'): Promise<never> {
  await failAttempt(db, u, now, ctx, reason, 'password');
  throw new HallError('HALL_ERR_BAD_SECOND_FACTOR');
}

async function failAttempt(db: Db, u: AuthUser, now: Date, ctx: AuthContext, reason: string, method: string): Promise<void> {
  const next = await noteFailure(db, u.principal.userId, now, ctx.lockout);
  const who = { userId: u.principal.userId, username: u.principal.username, role: u.principal.role, ip: ctx.ip, target: `user:${u.principal.username}` };
  await recordAudit(db, { at: now, ...who, action: 'auth.login', result: 'failed', detail: { via: ctx.via, method, reason, failedLogins: next.failedLogins } });
  if (next.lockedNow) {
    await recordAudit(db, { at: now, ...who, action: 'account.locked', result: 'ok', detail: { via: ctx.via, lockedUntil: next.lockedUntil!.toISOString(), lockCount: next.lockCount } });
    throw lockedError(next.lockedUntil!, Math.ceil((next.lockedUntil!.getTime() - now.getTime()) / 1000));
  }
}

function lockedError(until: Date, retryAfterSec: number): HallError {
  return new HallError('HALL_ERR_ACCOUNT_LOCKED', `too many failed sign-ins; try again in ${retryAfterSec} s`, { retryAfterSec, lockedUntil: until.toISOString() });
}

// ── Passwords, PINs, TOTP ──

export async function setPassword(db: Db, userId: number, password: string, now: Date): Promise<void> {
  await db.query('UPDATE users SET password_hash = $2, password_changed_at = $3, must_change_password = false WHERE id = $1', [userId, await hashSecret(password), now]);
}

export async function setPin(db: Db, userId: number, pin: string): Promise<void> {
  await db.query('UPDATE users SET pin_hash = $2 WHERE id = $1', [userId, await hashSecret(pin)]);
}

/** Keeps a new, not yet confirmed TOTP secret (encrypted by the caller); refused once one is enabled. */
export async function setPendingTotp(db: Db, userId: number, secretEnc: string): Promise<void> {
  const r = await db.query('UPDATE users SET totp_secret_enc = $2 WHERE id = $1 AND totp_enabled_at IS NULL', [userId, secretEnc]);
  if (r.rowCount === 0) throw new HallError('HALL_ERR_CONFLICT', 'a one-time code (TOTP) is already enrolled; a security administrator resets it');
}

/**
 * Claims a TOTP time step: true only the first time a step (or a later one)
 * is used, atomically, so two parallel sign-ins with one code cannot both pass.
 * With `enable`, also turns a pending secret on.
 */
export async function claimTotpStep(db: Db, userId: number, step: number, now: Date, enable = false): Promise<boolean> {
  const r = await db.query(
    `UPDATE users SET totp_last_step = $2 ${enable ? ', totp_enabled_at = $3' : ''}
     WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) ${enable ? 'AND totp_enabled_at IS NULL' : ''}`,
    enable ? [userId, step, now] : [userId, step]);
  return (r.rowCount ?? 0) > 0;
}

/** Security administrator: removes a user's TOTP (lost phone); an admin role must enrol again at the next sign-in. */
export async function resetTotp(db: Db, userId: number): Promise<void> {
  await db.query('UPDATE users SET totp_secret_enc = NULL, totp_enabled_at = NULL WHERE id = $1', [userId]);
}

// ── Sessions ──

const tokenHash = (t: string) => createHash('sha256').update(t).digest('hex');

export type SessionKind = 'web' | 'caller';
export interface SessionOptions {
  /** Idle timeout in minutes, fixed for the session's life; null for none. */
  idleMin?: number | null;
  kind?: SessionKind;
  /** Administrator without a second factor yet: only TOTP enrolment and logout. */
  mustEnrollTotp?: boolean;
}

/** Opaque bearer token; only its hash is stored, so a database leak gives no usable sessions. */
export async function createSession(db: Db, userId: number, ttlMin: number, now: Date, opts: SessionOptions = {}): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlMin * 60_000);
  await db.query('INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at, idle_min, kind, must_enroll_totp) VALUES ($1, $2, $3, $4, $3, $5, $6, $7)',
    [tokenHash(token), userId, now, expiresAt, opts.idleMin ?? null, opts.kind ?? 'web', opts.mustEnrollTotp ?? false]);
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
export type SessionLookup = { status: 'ok'; session: SessionInfo } | { status: 'unknown' | 'revoked' | 'expired' | 'idle' };

/**
 * The session behind a bearer token at `now`: unknown, revoked, past its
 * absolute end (`expired`), unused for its idle time (`idle`), or ok. An ok
 * lookup marks the session used, at most once a minute.
 */
export async function lookupSession(db: Db, token: string, now: Date): Promise<SessionLookup> {
  const r = await db.query<{
    created_at: Date; expires_at: Date; last_seen_at: Date; idle_min: number | null; kind: SessionKind; must_enroll_totp: boolean; revoked_at: Date | null;
    id: number; username: string; role: Role; hall_id: string | null; region_code: string | null; department_id: string | null; totp_enabled_at: Date | null; must_change_password: boolean;
  }>(
    `SELECT s.created_at, s.expires_at, s.last_seen_at, s.idle_min, s.kind, s.must_enroll_totp, s.revoked_at,
            u.id, u.username, u.role, u.hall_id, u.region_code, u.department_id, u.totp_enabled_at, u.must_change_password
     FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = $1 AND u.disabled_at IS NULL`, [tokenHash(token)]);
  const row = r.rows[0];
  if (!row) return { status: 'unknown' };
  if (row.revoked_at) return { status: 'revoked' };
  const state = sessionState({ createdAt: row.created_at, expiresAt: row.expires_at, lastSeenAt: row.last_seen_at, idleMin: row.idle_min }, now);
  if (state !== 'active') return { status: state };
  if (shouldTouch(row.last_seen_at, now)) {
    await db.query('UPDATE sessions SET last_seen_at = GREATEST(last_seen_at, $2) WHERE token_hash = $1', [tokenHash(token), now]);
  }
  return {
    status: 'ok',
    session: {
      user: { userId: row.id, username: row.username, role: row.role, hallId: row.hall_id, regionCode: row.region_code, departmentId: row.department_id },
      kind: row.kind, createdAt: row.created_at, expiresAt: row.expires_at, idleMin: row.idle_min,
      mustEnrollTotp: row.must_enroll_totp, totpEnabled: row.totp_enabled_at !== null, mustChangePassword: row.must_change_password,
    },
  };
}

/**
 * The staff member behind a full session of `kind` (default `web`), or null:
 * unknown, revoked, expired, idle, or restricted to TOTP enrolment. The
 * socket server authenticates with this, so sockets get the same timeouts.
 */
export async function sessionUser(db: Db, token: string, now: Date, kind: SessionKind = 'web'): Promise<StaffPrincipal | null> {
  const r = await lookupSession(db, token, now);
  return r.status === 'ok' && r.session.kind === kind && !r.session.mustEnrollTotp ? r.session.user : null;
}

/** The enrolment restriction ends once the session's user confirmed a second factor. */
export async function clearEnrollRestriction(db: Db, token: string): Promise<void> {
  await db.query('UPDATE sessions SET must_enroll_totp = false WHERE token_hash = $1', [tokenHash(token)]);
}

export async function revokeSession(db: Db, token: string, now: Date): Promise<void> {
  await db.query('UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL', [tokenHash(token), now]);
}

/** Ends every live session of a user (all kinds), optionally but one; returns how many. */
export async function revokeUserSessions(db: Db, userId: number, now: Date, exceptToken?: string): Promise<number> {
  const r = await db.query('UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND token_hash IS DISTINCT FROM $3',
    [userId, now, exceptToken ? tokenHash(exceptToken) : null]);
  return r.rowCount ?? 0;
}

export async function userIdByName(db: Db, username: string): Promise<{ userId: number; hallId: string | null; regionCode: string | null } | null> {
  const r = await db.query<{ id: number; hall_id: string | null; region_code: string | null }>('SELECT id, hall_id, region_code FROM users WHERE username = $1', [username]);
  return r.rows[0] ? { userId: r.rows[0].id, hallId: r.rows[0].hall_id, regionCode: r.rows[0].region_code } : null;
}

// ── Caller (呼叫器) sign-in ──

export const CALLER_TOKEN_TTL_SEC = 120;

/** A single-use sign-in token for a caller, valid 120 s; the staff console shows it as a QR code. */
export async function issueCallerToken(db: Db, userId: number, now: Date, ttlSec = CALLER_TOKEN_TTL_SEC): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlSec * 1000);
  await db.query('INSERT INTO caller_tokens (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [tokenHash(token), userId, now, expiresAt]);
  return { token, expiresAt };
}

export interface CallerSignIn {
  user: StaffPrincipal;
  /** A `caller` session: `sessionUser(db, token, now, 'caller')` checks it; revoking a user's sessions ends it. */
  session: { token: string; expiresAt: Date };
}

export interface CallerSignInOptions {
  lockout?: LockoutPolicy;
  /** Lifetime and idle timeout of the caller session, minutes. */
  ttlMin?: number;
  idleMin?: number | null;
  /** The caller device, for the audit row. */
  deviceId?: string;
}

/**
 * Signs a staff member in on a window caller (issue 4 calls this from the
 * caller's MQTT protocol): a single-use token from `POST /api/auth/caller-token`,
 * or user name + 6-digit PIN (`POST /api/auth/pin`). PIN failures count toward
 * the account lockout. Only roles with `queue.operate` sign in on a caller.
 * Audited (never the token or PIN). Throws HALL_ERR_BAD_CREDENTIALS,
 * HALL_ERR_ACCOUNT_LOCKED or HALL_ERR_FORBIDDEN.
 */
export async function signInCaller(db: Db, input: { token: string } | { username: string; pin: string }, now: Date, opts: CallerSignInOptions = {}): Promise<CallerSignIn> {
  const ctx: AuthContext = { ip: null, via: 'caller', ...(opts.lockout ? { lockout: opts.lockout } : {}) };
  const device = opts.deviceId ? { deviceId: opts.deviceId } : {};
  let user: StaffPrincipal;
  let authUser: AuthUser | null;
  if ('token' in input) {
    // Single use: the UPDATE claims the token; a second use or an expired token finds nothing.
    const r = await db.query<{ user_id: number }>(
      'UPDATE caller_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id', [tokenHash(input.token), now]);
    authUser = r.rows[0] ? await findAuthUserById(db, r.rows[0].user_id) : null;
    if (!authUser) {
      await recordAudit(db, { at: now, userId: null, username: null, role: null, ip: null, action: 'auth.login', target: 'caller-token', result: 'failed', detail: { via: 'caller', method: 'token', reason: 'unknown-used-or-expired-token', ...device } });
      throw new HallError('HALL_ERR_BAD_CREDENTIALS', 'caller sign-in token is unknown, used or expired');
    }
    const lock = lockStatus(authUser.lockout, now);
    if (lock.locked) {
      await recordAudit(db, { at: now, ...auditWho(authUser.principal), action: 'auth.login', target: `user:${authUser.principal.username}`, result: 'denied', detail: { via: 'caller', method: 'token', reason: 'locked', ...device } });
      throw lockedError(lock.until, lock.retryAfterSec);
    }
    user = authUser.principal;
  } else {
    authUser = await authenticate(db, { username: input.username, secret: input.pin, method: 'pin' }, now, ctx);
    user = authUser.principal;
  }
  if (!can(user.role, 'queue.operate')) {
    await recordAudit(db, { at: now, ...auditWho(user), action: 'auth.login', target: `user:${user.username}`, result: 'denied', detail: { via: 'caller', method: 'token' in input ? 'token' : 'pin', reason: 'role', ...device } });
    throw new HallError('HALL_ERR_FORBIDDEN', 'only window staff sign in on a caller');
  }
  await noteSuccess(db, authUser);
  const session = await createSession(db, user.userId, opts.ttlMin ?? 12 * 60, now, { kind: 'caller', idleMin: opts.idleMin ?? null });
  await recordAudit(db, { at: now, ...auditWho(user), action: 'auth.login', target: `user:${user.username}`, result: 'ok', detail: { via: 'caller', method: 'token' in input ? 'token' : 'pin', ...device } });
  return { user, session };
}

function auditWho(u: StaffPrincipal): { userId: number; username: string; role: Role; ip: null } {
  return { userId: u.userId, username: u.username, role: u.role, ip: null };
}

/** The stored form of a bearer token (sockets keep this, never the token's use elsewhere). */
export const hashToken = (t: string): string => tokenHash(t);

/**
 * For the sessions behind open sockets (by token hash): which are still
 * valid (not revoked, not past their lifetime, not idle, user not disabled).
 * Those are touched: a live screen is a session in use (docs/authentication.md
 * "Sessions"); the absolute lifetime still ends it. The others' sockets are
 * closed by the caller.
 */
export async function liveSessions(db: Db, hashes: readonly string[], now: Date): Promise<Set<string>> {
  if (hashes.length === 0) return new Set();
  const r = await db.query<{ token_hash: string; created_at: Date; expires_at: Date; last_seen_at: Date; idle_min: number | null }>(
    `SELECT s.token_hash, s.created_at, s.expires_at, s.last_seen_at, s.idle_min
     FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = ANY($1) AND s.revoked_at IS NULL AND u.disabled_at IS NULL`, [hashes]);
  const live = r.rows.filter((row) => sessionState({ createdAt: row.created_at, expiresAt: row.expires_at, lastSeenAt: row.last_seen_at, idleMin: row.idle_min }, now) === 'active');
  const stale = live.filter((row) => shouldTouch(row.last_seen_at, now)).map((row) => row.token_hash);
  if (stale.length > 0) await db.query('UPDATE sessions SET last_seen_at = GREATEST(last_seen_at, $2) WHERE token_hash = ANY($1)', [stale, now]);
  return new Set(live.map((row) => row.token_hash));
}
