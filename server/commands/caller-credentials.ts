import { HallError, type Role } from '../../contracts/index.ts';
import type { StaffPrincipal } from '../domain/access/scope.ts';
import { can } from '../domain/access/permissions.ts';
import { lockStatus, type LockoutPolicy } from '../domain/auth/lockout.ts';
import { recordAudit } from '../store/audit-repo.ts';
import { claimCallerToken } from '../store/caller-tokens-repo.ts';
import { createSession } from '../store/sessions-repo.ts';
import { findAuthUserById, type AuthUser } from '../store/users-repo.ts';
import type { Db } from '../store/pool.ts';
import { authenticate, lockedError, noteSuccess, type AuthContext } from './authenticate.ts';

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
 * Signs a staff member in on a window caller (called from the
 * caller's MQTT protocol, caller-signin.ts): a single-use token from
 * `POST /api/auth/caller-token`, or user name + 6-digit PIN (`POST /api/auth/pin`).
 * PIN failures count toward the account lockout. Only roles with
 * `queue.operate` sign in on a caller. Audited (never the token or PIN).
 * Throws HALL_ERR_BAD_CREDENTIALS, HALL_ERR_ACCOUNT_LOCKED or HALL_ERR_FORBIDDEN.
 */
export async function signInCaller(
  db: Db,
  input: { token: string } | { username: string; pin: string },
  now: Date,
  opts: CallerSignInOptions = {},
): Promise<CallerSignIn> {
  const ctx: AuthContext = { ip: null, via: 'caller', ...(opts.lockout ? { lockout: opts.lockout } : {}) };
  const device = opts.deviceId ? { deviceId: opts.deviceId } : {};
  let user: StaffPrincipal;
  let authUser: AuthUser | null;
  if ('token' in input) {
    const userId = await claimCallerToken(db, input.token, now);
    authUser = userId !== null ? await findAuthUserById(db, userId) : null;
    if (!authUser) {
      await recordAudit(db, {
        at: now,
        userId: null,
        username: null,
        role: null,
        ip: null,
        action: 'auth.login',
        target: 'caller-token',
        result: 'failed',
        detail: { via: 'caller', method: 'token', reason: 'unknown-used-or-expired-token', ...device },
      });
      throw new HallError('HALL_ERR_BAD_CREDENTIALS', 'caller sign-in token is unknown, used or expired');
    }
    const lock = lockStatus(authUser.lockout, now);
    if (lock.locked) {
      await recordAudit(db, {
        at: now,
        ...auditWho(authUser.principal),
        action: 'auth.login',
        target: `user:${authUser.principal.username}`,
        result: 'denied',
        detail: { via: 'caller', method: 'token', reason: 'locked', ...device },
      });
      throw lockedError(lock.until, lock.retryAfterSec);
    }
    user = authUser.principal;
  } else {
    authUser = await authenticate(db, { username: input.username, secret: input.pin, method: 'pin' }, now, ctx);
    user = authUser.principal;
  }
  if (!can(user.role, 'queue.operate')) {
    await recordAudit(db, {
      at: now,
      ...auditWho(user),
      action: 'auth.login',
      target: `user:${user.username}`,
      result: 'denied',
      detail: { via: 'caller', method: 'token' in input ? 'token' : 'pin', reason: 'role', ...device },
    });
    throw new HallError('HALL_ERR_FORBIDDEN', 'only window staff sign in on a caller');
  }
  await noteSuccess(db, authUser);
  const session = await createSession(db, user.userId, opts.ttlMin ?? 12 * 60, now, {
    kind: 'caller',
    idleMin: opts.idleMin ?? null,
  });
  await recordAudit(db, {
    at: now,
    ...auditWho(user),
    action: 'auth.login',
    target: `user:${user.username}`,
    result: 'ok',
    detail: { via: 'caller', method: 'token' in input ? 'token' : 'pin', ...device },
  });
  return { user, session };
}

function auditWho(u: StaffPrincipal): { userId: number; username: string; role: Role; ip: null } {
  return { userId: u.userId, username: u.username, role: u.role, ip: null };
}
