import { HallError } from '../../contracts/index.ts';
import { hallScope, type StaffPrincipal } from '../domain/access/scope.ts';
import { recordAudit } from '../store/audit-repo.ts';
import { hallInScope } from '../store/halls-repo.ts';
import { revokeUserSessions } from '../store/sessions-repo.ts';
import { resetTotp, userIdByName } from '../store/users-repo.ts';
import type { Db } from '../store/pool.ts';
import type { Actor } from './actor.ts';

/**
 * What the security administrator (安全管理员, `security.manage`) does to
 * another account (docs/authentication.md "Revocation"): end its sessions,
 * or remove its TOTP (lost phone), which ends its sessions too. Only
 * accounts in the administrator's hall/region scope; others are 404 like an
 * unknown user, and the denial is audited.
 */

async function targetUser(
  db: Db,
  actor: Actor,
  by: StaffPrincipal,
  username: string,
  action: string,
  now: Date,
): Promise<{ userId: number; username: string }> {
  const t = await userIdByName(db, username);
  const scope = hallScope(by);
  const inScope = t && (scope.kind === 'all' || (t.hallId !== null && (await hallInScope(db, scope, t.hallId))));
  if (!t || !inScope) {
    await recordAudit(db, {
      at: now,
      ...actor,
      action,
      target: `user:${username}`,
      result: 'denied',
      detail: { reason: t ? 'out-of-scope' : 'unknown-user' },
    });
    throw new HallError('HALL_ERR_NOT_FOUND', `no user ${username}`);
  }
  return { userId: t.userId, username };
}

export async function revokeSessionsOf(
  db: Db,
  actor: Actor,
  by: StaffPrincipal,
  username: string,
  now: Date,
): Promise<{ username: string; revoked: number }> {
  const t = await targetUser(db, actor, by, username, 'auth.sessions.revoke', now);
  const revoked = await revokeUserSessions(db, t.userId, now);
  await recordAudit(db, {
    at: now,
    ...actor,
    action: 'auth.sessions.revoke',
    target: `user:${t.username}`,
    result: 'ok',
    detail: { revoked },
  });
  return { username: t.username, revoked };
}

export async function resetTotpOf(
  db: Db,
  actor: Actor,
  by: StaffPrincipal,
  username: string,
  now: Date,
): Promise<{ username: string; revoked: number }> {
  const t = await targetUser(db, actor, by, username, 'auth.totp.reset', now);
  await resetTotp(db, t.userId);
  const revoked = await revokeUserSessions(db, t.userId, now);
  await recordAudit(db, {
    at: now,
    ...actor,
    action: 'auth.totp.reset',
    target: `user:${t.username}`,
    result: 'ok',
    detail: { revoked },
  });
  return { username: t.username, revoked };
}
