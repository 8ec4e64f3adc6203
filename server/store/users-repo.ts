import { randomBytes } from 'node:crypto';
import { HallError, type Role } from '../../contracts/index.ts';
import type { StaffPrincipal } from '../domain/access/scope.ts';
import type { LockoutState } from '../domain/auth/lockout.ts';
import { generatePassword, hashSecret } from '../security/secret-hash.ts';
import type { Db, Tx } from './pool.ts';

/**
 * Staff accounts (GB/T 22239-2019 8.1.4.1;
 * docs/authentication.md): the rows sign-in reads and the columns it writes.
 * Secrets are stored only as argon2id hashes (server/security/secret-hash.ts);
 * the TOTP secret is encrypted by the caller with the PII cipher. Sign-in
 * itself (lockout, audit) is server/commands/authenticate.ts; sessions are
 * sessions-repo.ts, caller sign-in tokens caller-tokens-repo.ts.
 */

/**
 * Adds an account. A generated password is a one-time initial secret: the
 * account is flagged `must_change_password` (reported at sign-in).
 */
export async function addUser(
  db: Db,
  u: {
    username?: string | undefined;
    password?: string | undefined;
    role: Role;
    hallId?: string | undefined;
    regionCode?: string | undefined;
  },
): Promise<{ username: string; password: string }> {
  const username = u.username ?? `${u.role}-${randomBytes(3).toString('hex')}`;
  const password = u.password ?? generatePassword();
  const passwordHash = await hashSecret(password);
  try {
    const r = await db.query(
      'INSERT INTO users (username, password_hash, role, hall_id, region_code, must_change_password) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (username) DO NOTHING',
      [username, passwordHash, u.role, u.hallId ?? null, u.regionCode ?? null, u.password === undefined],
    );
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
  id: number;
  username: string;
  role: Role;
  hall_id: string | null;
  region_code: string | null;
  department_id: string | null;
  password_hash: string;
  pin_hash: string | null;
  failed_logins: number;
  locked_until: Date | null;
  lock_count: number;
  totp_secret_enc: string | null;
  totp_enabled_at: Date | null;
  totp_last_step: number | null;
  must_change_password: boolean;
}
const AUTH_COLUMNS = `id, username, role, hall_id, region_code, department_id, password_hash, pin_hash, failed_logins, locked_until, lock_count,
  totp_secret_enc, totp_enabled_at, totp_last_step, must_change_password`;

function toAuthUser(r: AuthRow): AuthUser {
  return {
    principal: {
      userId: r.id,
      username: r.username,
      role: r.role,
      hallId: r.hall_id,
      regionCode: r.region_code,
      departmentId: r.department_id,
    },
    passwordHash: r.password_hash,
    pinHash: r.pin_hash,
    lockout: { failedLogins: r.failed_logins, lockedUntil: r.locked_until, lockCount: r.lock_count },
    totpSecretEnc: r.totp_secret_enc,
    totpEnabled: r.totp_enabled_at !== null,
    totpLastStep: r.totp_last_step,
    mustChangePassword: r.must_change_password,
  };
}

/** An enabled account by user name, with what sign-in needs; null when unknown or disabled. */
export async function findAuthUser(db: Db, username: string): Promise<AuthUser | null> {
  const r = await db.query<AuthRow>(`SELECT ${AUTH_COLUMNS} FROM users WHERE username = $1 AND disabled_at IS NULL`, [
    username,
  ]);
  return r.rows[0] ? toAuthUser(r.rows[0]) : null;
}

export async function findAuthUserById(db: Db, userId: number): Promise<AuthUser | null> {
  const r = await db.query<AuthRow>(`SELECT ${AUTH_COLUMNS} FROM users WHERE id = $1 AND disabled_at IS NULL`, [
    userId,
  ]);
  return r.rows[0] ? toAuthUser(r.rows[0]) : null;
}

export async function userIdByName(
  db: Db,
  username: string,
): Promise<{ userId: number; hallId: string | null; regionCode: string | null } | null> {
  const r = await db.query<{ id: number; hall_id: string | null; region_code: string | null }>(
    'SELECT id, hall_id, region_code FROM users WHERE username = $1',
    [username],
  );
  return r.rows[0] ? { userId: r.rows[0].id, hallId: r.rows[0].hall_id, regionCode: r.rows[0].region_code } : null;
}

// ── Lockout columns (the rule is server/domain/auth/lockout.ts) ──

/** The account's lockout state under a row lock, so parallel guesses are counted one after another. */
export async function lockLockoutState(tx: Tx, userId: number): Promise<LockoutState | null> {
  const r = await tx.query<{ failed_logins: number; locked_until: Date | null; lock_count: number }>(
    'SELECT failed_logins, locked_until, lock_count FROM users WHERE id = $1 FOR UPDATE',
    [userId],
  );
  const row = r.rows[0];
  return row ? { failedLogins: row.failed_logins, lockedUntil: row.locked_until, lockCount: row.lock_count } : null;
}

export async function saveLockoutState(db: Db | Tx, userId: number, s: LockoutState): Promise<void> {
  await db.query('UPDATE users SET failed_logins = $2, locked_until = $3, lock_count = $4 WHERE id = $1', [
    userId,
    s.failedLogins,
    s.lockedUntil,
    s.lockCount,
  ]);
}

// ── Passwords, PINs, TOTP ──

export async function setPassword(db: Db, userId: number, password: string, now: Date): Promise<void> {
  await db.query(
    'UPDATE users SET password_hash = $2, password_changed_at = $3, must_change_password = false WHERE id = $1',
    [userId, await hashSecret(password), now],
  );
}

export async function setPin(db: Db, userId: number, pin: string): Promise<void> {
  await db.query('UPDATE users SET pin_hash = $2 WHERE id = $1', [userId, await hashSecret(pin)]);
}

/** Keeps a new, not yet confirmed TOTP secret (encrypted by the caller); false (nothing written) once one is enabled. */
export async function setPendingTotp(db: Db, userId: number, secretEnc: string): Promise<boolean> {
  const r = await db.query('UPDATE users SET totp_secret_enc = $2 WHERE id = $1 AND totp_enabled_at IS NULL', [
    userId,
    secretEnc,
  ]);
  return (r.rowCount ?? 0) > 0;
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
    enable ? [userId, step, now] : [userId, step],
  );
  return (r.rowCount ?? 0) > 0;
}

/** Security administrator: removes a user's TOTP (lost phone); an admin role must enrol again at the next sign-in. */
export async function resetTotp(db: Db, userId: number): Promise<void> {
  await db.query('UPDATE users SET totp_secret_enc = NULL, totp_enabled_at = NULL WHERE id = $1', [userId]);
}
