import { HallError, type Config, type LoginResponse } from '../../contracts/index.ts';
import { matchTotp } from '../security/totp.ts';
import type { PiiCipher } from '../security/pii.ts';
import { recordAudit } from '../store/audit-repo.ts';
import { claimTotpStep } from '../store/users-repo.ts';
import { createSession, lookupSession, revokeSession } from '../store/sessions-repo.ts';
import type { Db } from '../store/pool.ts';
import { authenticate, failSecondFactor, noteSuccess, type AuthContext } from './authenticate.ts';

/**
 * Staff sign-in and sign-out on the web (GB/T 22239-2019
 * 8.1.4.1; docs/authentication.md): password, lockout, TOTP for the roles in
 * TOTP_REQUIRED_ROLES (an administrator without one gets a session restricted
 * to enrolment), an opaque bearer token with idle and absolute timeouts.
 * Every outcome is an audit row; never a password, code or token.
 */

export interface StaffSignInDeps {
  db: Db;
  pii: PiiCipher;
  config: Pick<Config, 'SESSION_TTL_MIN' | 'SESSION_IDLE_MIN' | 'TOTP_REQUIRED_ROLES'>;
}

export async function signInStaff(
  deps: StaffSignInDeps,
  body: { username: string; password: string; totp?: string | undefined },
  now: Date,
  ctx: AuthContext,
): Promise<LoginResponse> {
  const { db, pii, config } = deps;
  const u = await authenticate(db, { username: body.username, secret: body.password, method: 'password' }, now, ctx);
  const who = {
    at: now,
    userId: u.principal.userId,
    username: u.principal.username,
    role: u.principal.role,
    ip: ctx.ip,
    target: `user:${u.principal.username}`,
  };
  if (u.totpEnabled) {
    if (!body.totp) {
      await recordAudit(db, {
        ...who,
        action: 'auth.login',
        result: 'denied',
        detail: { via: 'web', method: 'password', reason: 'second-factor-required' },
      });
      throw new HallError('HALL_ERR_SECOND_FACTOR_REQUIRED');
    }
    const step = matchTotp(pii.decrypt(u.totpSecretEnc!), body.totp, now);
    if (step === null) await failSecondFactor(db, u, now, ctx, 'bad-totp');
    else if (!(await claimTotpStep(db, u.principal.userId, step, now)))
      await failSecondFactor(db, u, now, ctx, 'replayed-totp');
  }
  await noteSuccess(db, u);
  const mustEnrollTotp = !u.totpEnabled && config.TOTP_REQUIRED_ROLES.includes(u.principal.role);
  const s = await createSession(db, u.principal.userId, config.SESSION_TTL_MIN, now, {
    idleMin: config.SESSION_IDLE_MIN,
    mustEnrollTotp,
  });
  await recordAudit(db, {
    ...who,
    action: 'auth.login',
    result: 'ok',
    detail: { via: 'web', method: 'password', secondFactor: u.totpEnabled ? 'totp' : 'none', mustEnrollTotp },
  });
  return {
    token: s.token,
    expiresAt: s.expiresAt.toISOString(),
    idleMin: config.SESSION_IDLE_MIN,
    user: {
      username: u.principal.username,
      role: u.principal.role,
      hallId: u.principal.hallId,
      regionCode: u.principal.regionCode,
    },
    ...(mustEnrollTotp ? { mustEnrollTotp: true } : {}),
    ...(u.mustChangePassword ? { mustChangePassword: true } : {}),
  };
}

/** Any state of the token (even expired) may be revoked; a live session's end is audited under its user. */
export async function signOutStaff(db: Db, token: string, now: Date, ip: string | null): Promise<void> {
  const found = await lookupSession(db, token, now);
  await revokeSession(db, token, now);
  if (found.status === 'ok') {
    const u = found.session.user;
    await recordAudit(db, {
      at: now,
      userId: u.userId,
      username: u.username,
      role: u.role,
      ip,
      action: 'auth.logout',
      target: `user:${u.username}`,
      result: 'ok',
      detail: undefined,
    });
  }
}
