import { assertGoodPin } from '../domain/auth/password-policy.ts';
import { recordAudit } from '../store/audit-repo.ts';
import { issueCallerToken } from '../store/caller-tokens-repo.ts';
import { setPin } from '../store/users-repo.ts';
import type { Db } from '../store/pool.ts';
import type { Actor } from './actor.ts';
import { failedRules } from './failed-rules.ts';

/**
 * The secrets a staff member signs in on a window caller with (001 §1.1.1.16;
 * DOMAIN.md "staff log in by scanning a QR code"; docs/authentication.md
 * "Caller sign-in"): a single-use token shown as a QR code, or a 6-digit PIN.
 * Audited, never the token or the PIN.
 */

export async function issueCallerSignInToken(
  db: Db,
  actor: Actor,
  user: { userId: number; username: string },
  now: Date,
): Promise<{ token: string; expiresAt: Date }> {
  const t = await issueCallerToken(db, user.userId, now);
  await recordAudit(db, {
    at: now,
    ...actor,
    action: 'auth.caller_token.issue',
    target: `user:${user.username}`,
    result: 'ok',
    detail: { expiresAt: t.expiresAt.toISOString() },
  });
  return t;
}

export async function setCallerPin(
  db: Db,
  actor: Actor,
  user: { userId: number; username: string },
  pin: string,
  now: Date,
): Promise<void> {
  const target = `user:${user.username}`;
  try {
    assertGoodPin(pin);
  } catch (e) {
    await recordAudit(db, {
      at: now,
      ...actor,
      action: 'auth.pin.set',
      target,
      result: 'failed',
      detail: { reason: 'weak', failed: failedRules(e) },
    });
    throw e;
  }
  await setPin(db, user.userId, pin);
  await recordAudit(db, { at: now, ...actor, action: 'auth.pin.set', target, result: 'ok', detail: undefined });
}
