import { HallError } from '../../contracts/index.ts';
import { lockStatus, type LockoutPolicy } from '../domain/auth/lockout.ts';
import { assertStrongPassword } from '../domain/auth/password-policy.ts';
import { verifyHash } from '../security/secret-hash.ts';
import { recordAudit } from '../store/audit-repo.ts';
import { revokeUserSessions } from '../store/sessions-repo.ts';
import { findAuthUserById, setPassword } from '../store/users-repo.ts';
import type { Db } from '../store/pool.ts';
import type { Actor } from './actor.ts';
import { noteFailure, noteSuccess } from './authenticate.ts';
import { failedRules } from './failed-rules.ts';

/**
 * A staff member changes their own password (GB/T 22239-2019 8.1.4.1 a;
 * docs/authentication.md "Passwords"): the current password (a wrong one
 * counts toward the lockout), the password rules, then every other session
 * ends. Audited as `auth.password.change`, never a password.
 */
export async function changePassword(
  db: Db,
  actor: Actor,
  userId: number,
  currentToken: string | undefined,
  b: { oldPassword: string; newPassword: string },
  now: Date,
  lockout: LockoutPolicy,
): Promise<{ changed: true; otherSessionsRevoked: number }> {
  const u = await findAuthUserById(db, userId);
  if (!u) throw new HallError('HALL_ERR_UNAUTHENTICATED');
  const target = `user:${u.principal.username}`;
  const audit = (result: 'ok' | 'denied' | 'failed', detail: Record<string, unknown>) =>
    recordAudit(db, { at: now, ...actor, action: 'auth.password.change', target, result, detail });
  const lock = lockStatus(u.lockout, now);
  if (lock.locked) {
    await audit('denied', { reason: 'locked' });
    throw new HallError('HALL_ERR_ACCOUNT_LOCKED', undefined, {
      retryAfterSec: lock.retryAfterSec,
      lockedUntil: lock.until.toISOString(),
    });
  }
  if (!(await verifyHash(u.passwordHash, b.oldPassword))) {
    // A wrong current password counts toward the lockout, like a wrong sign-in.
    const next = await noteFailure(db, u.principal.userId, now, lockout);
    await audit('failed', { reason: 'bad-old-password', locked: next.lockedNow });
    throw new HallError('HALL_ERR_BAD_CREDENTIALS', 'the current password is wrong');
  }
  try {
    assertStrongPassword(b.newPassword, u.principal.username);
    if (await verifyHash(u.passwordHash, b.newPassword))
      throw new HallError('HALL_ERR_WEAK_PASSWORD', 'the new password must differ from the current one', {
        failed: ['reused'],
      });
  } catch (e) {
    await audit('failed', { reason: 'weak', failed: failedRules(e) });
    throw e;
  }
  await setPassword(db, u.principal.userId, b.newPassword, now);
  await noteSuccess(db, u);
  // ASVS V7.4.3: other sessions end with a password change; this one goes on.
  const otherSessionsRevoked = await revokeUserSessions(db, u.principal.userId, now, currentToken);
  await audit('ok', { otherSessionsRevoked });
  return { changed: true, otherSessionsRevoked };
}
