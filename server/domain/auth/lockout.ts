/**
 * Account lockout with back-off (GB/T 22239-2019 8.1.4.1 b "end the
 * session, limit illegal sign-in attempts"; OWASP ASVS 5.0 V6.3.1). Pure
 * functions of (state, now): after `maxFailures` consecutive failures the
 * account locks for `baseLockMs`; each further lock doubles, up to
 * `maxLockMs`. A successful sign-in resets everything. Attempts made while
 * locked are refused without checking the secret and do not count.
 */
export interface LockoutState {
  failedLogins: number;
  lockedUntil: Date | null;
  lockCount: number;
}
export interface LockoutPolicy {
  maxFailures: number;
  baseLockMs: number;
  maxLockMs: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = Object.freeze({
  maxFailures: 5,
  baseLockMs: 60_000,
  maxLockMs: 60 * 60_000,
});
export const UNLOCKED: LockoutState = Object.freeze({ failedLogins: 0, lockedUntil: null, lockCount: 0 });

export type LockStatus = { locked: false } | { locked: true; until: Date; retryAfterSec: number };

export function lockStatus(s: LockoutState, now: Date): LockStatus {
  if (!s.lockedUntil || s.lockedUntil.getTime() <= now.getTime()) return { locked: false };
  return {
    locked: true,
    until: s.lockedUntil,
    retryAfterSec: Math.max(1, Math.ceil((s.lockedUntil.getTime() - now.getTime()) / 1000)),
  };
}

/** How long the n-th lock (1-based) lasts. */
export function lockDurationMs(n: number, p: LockoutPolicy = DEFAULT_LOCKOUT): number {
  const doublings = Math.min(Math.max(n - 1, 0), 40); // 2^40 × anything is past any sane cap
  return Math.min(p.baseLockMs * 2 ** doublings, p.maxLockMs);
}

/** State after one failed attempt; `lockedNow` when this failure starts a lock. */
export function afterFailure(
  s: LockoutState,
  now: Date,
  p: LockoutPolicy = DEFAULT_LOCKOUT,
): LockoutState & { lockedNow: boolean } {
  if (lockStatus(s, now).locked) return { ...s, lockedNow: false }; // refused before the check; never extends a lock
  const failed = s.failedLogins + 1;
  if (failed < p.maxFailures)
    return { failedLogins: failed, lockedUntil: s.lockedUntil, lockCount: s.lockCount, lockedNow: false };
  const lockCount = s.lockCount + 1;
  return {
    failedLogins: 0,
    lockedUntil: new Date(now.getTime() + lockDurationMs(lockCount, p)),
    lockCount,
    lockedNow: true,
  };
}

export function afterSuccess(): LockoutState {
  return { ...UNLOCKED };
}

export function isPristine(s: LockoutState): boolean {
  return s.failedLogins === 0 && s.lockCount === 0 && s.lockedUntil === null;
}

/** The policy configured by LOGIN_MAX_FAILURES, LOGIN_LOCK_MIN and LOGIN_LOCK_MAX_MIN. */
export function lockoutPolicyOf(c: {
  LOGIN_MAX_FAILURES: number;
  LOGIN_LOCK_MIN: number;
  LOGIN_LOCK_MAX_MIN: number;
}): LockoutPolicy {
  return {
    maxFailures: c.LOGIN_MAX_FAILURES,
    baseLockMs: c.LOGIN_LOCK_MIN * 60_000,
    maxLockMs: Math.max(c.LOGIN_LOCK_MAX_MIN, c.LOGIN_LOCK_MIN) * 60_000,
  };
}
