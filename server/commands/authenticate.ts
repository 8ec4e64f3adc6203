import { HallError } from '../../contracts/index.ts';
import type { StaffPrincipal } from '../domain/access/scope.ts';
import {
  afterFailure,
  afterSuccess,
  DEFAULT_LOCKOUT,
  isPristine,
  lockStatus,
  type LockoutPolicy,
  type LockoutState,
} from '../domain/auth/lockout.ts';
import { verifyDummy, verifyHash } from '../security/secret-hash.ts';
import { recordAudit } from '../store/audit-repo.ts';
import { withTx, type Db } from '../store/pool.ts';
import { findAuthUser, lockLockoutState, saveLockoutState, type AuthUser } from '../store/users-repo.ts';

/**
 * One sign-in attempt and the account lockout (GB/T 22239-2019
 * 8.1.4.1 d: limit failed attempts; docs/authentication.md "Lockout"). The
 * lockout rule is server/domain/auth/lockout.ts; the rows users-repo.ts.
 * Every outcome is an audit row, never the secret.
 */

export interface AuthContext {
  ip: string | null;
  /** Where the attempt comes from, for the audit row. */
  via: 'web' | 'caller';
  lockout?: LockoutPolicy;
}

/** Password check without lockout or audit (kept for callers outside sign-in; sign-in uses `authenticate`). */
export async function checkPassword(db: Db, username: string, password: string): Promise<StaffPrincipal | null> {
  const u = await findAuthUser(db, username);
  if (!u) {
    await verifyDummy(password);
    return null;
  }
  return (await verifyHash(u.passwordHash, password)) ? u.principal : null;
}

/** Counts one failed attempt under a row lock (parallel guesses cannot slip past the limit). */
export async function noteFailure(
  db: Db,
  userId: number,
  now: Date,
  policy: LockoutPolicy = DEFAULT_LOCKOUT,
): Promise<LockoutState & { lockedNow: boolean }> {
  return withTx(db, async (tx) => {
    const state = await lockLockoutState(tx, userId);
    if (!state) throw new HallError('HALL_ERR_NOT_FOUND');
    const next = afterFailure(state, now, policy);
    await saveLockoutState(tx, userId, next);
    return next;
  });
}

/** A right secret clears the failure count (nothing is written when there is none). */
export async function noteSuccess(db: Db, u: AuthUser): Promise<void> {
  if (isPristine(u.lockout)) return;
  await saveLockoutState(db, u.principal.userId, afterSuccess());
}

/**
 * One sign-in attempt with a password or a caller PIN: unknown user, lockout,
 * the secret, failure counting, and the audit rows (never the secret).
 * Returns the account when the secret is right; the caller then checks a
 * second factor (`failSecondFactor` counts a wrong one) and calls
 * `noteSuccess`. Throws HALL_ERR_BAD_CREDENTIALS or HALL_ERR_ACCOUNT_LOCKED
 * (details `{retryAfterSec, lockedUntil}`).
 */
export async function authenticate(
  db: Db,
  input: { username: string; secret: string; method: 'password' | 'pin' },
  now: Date,
  ctx: AuthContext,
): Promise<AuthUser> {
  const u = await findAuthUser(db, input.username);
  const audit = (result: 'ok' | 'denied' | 'failed', detail: Record<string, unknown>, action = 'auth.login') =>
    recordAudit(db, {
      at: now,
      userId: u?.principal.userId ?? null,
      username: u?.principal.username ?? input.username,
      role: u?.principal.role ?? null,
      ip: ctx.ip,
      action,
      target: `user:${input.username}`,
      result,
      detail: { via: ctx.via, method: input.method, ...detail },
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
  await failAttempt(
    db,
    u,
    now,
    ctx,
    input.method === 'pin' && !stored ? 'no-pin' : `bad-${input.method}`,
    input.method,
  );
  throw new HallError('HALL_ERR_BAD_CREDENTIALS');
}

/** A wrong second factor after a right password: counts toward the lockout like a wrong password. */
export async function failSecondFactor(
  db: Db,
  u: AuthUser,
  now: Date,
  ctx: AuthContext,
  reason: 'bad-totp' | 'replayed-totp',
): Promise<never> {
  await failAttempt(db, u, now, ctx, reason, 'password');
  throw new HallError('HALL_ERR_BAD_SECOND_FACTOR');
}

async function failAttempt(
  db: Db,
  u: AuthUser,
  now: Date,
  ctx: AuthContext,
  reason: string,
  method: string,
): Promise<void> {
  const next = await noteFailure(db, u.principal.userId, now, ctx.lockout);
  const who = {
    userId: u.principal.userId,
    username: u.principal.username,
    role: u.principal.role,
    ip: ctx.ip,
    target: `user:${u.principal.username}`,
  };
  await recordAudit(db, {
    at: now,
    ...who,
    action: 'auth.login',
    result: 'failed',
    detail: { via: ctx.via, method, reason, failedLogins: next.failedLogins },
  });
  if (next.lockedNow) {
    await recordAudit(db, {
      at: now,
      ...who,
      action: 'account.locked',
      result: 'ok',
      detail: { via: ctx.via, lockedUntil: next.lockedUntil!.toISOString(), lockCount: next.lockCount },
    });
    throw lockedError(next.lockedUntil!, Math.ceil((next.lockedUntil!.getTime() - now.getTime()) / 1000));
  }
}

export function lockedError(until: Date, retryAfterSec: number): HallError {
  return new HallError('HALL_ERR_ACCOUNT_LOCKED', `too many failed sign-ins; try again in ${retryAfterSec} s`, {
    retryAfterSec,
    lockedUntil: until.toISOString(),
  });
}
