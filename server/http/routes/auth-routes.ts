import { Router, type Request, type RequestHandler } from 'express';
import {
  HallError, loginBodySchema, passwordChangeBodySchema, pinBodySchema, totpConfirmBodySchema, usernameBodySchema,
  type LoginResponse, type SessionResponse, type TotpSetupResponse,
} from '../../../contracts/index.ts';
import { hallScope } from '../../domain/access/scope.ts';
import { lockoutPolicyOf, lockStatus } from '../../domain/auth/lockout.ts';
import { assertGoodPin, assertStrongPassword } from '../../domain/auth/password-policy.ts';
import { matchTotp, newTotpSecret, totpUri } from '../../security/totp.ts';
import { recordAudit } from '../../store/audit-repo.ts';
import { hallInScope } from '../../store/halls-repo.ts';
import {
  authenticate, CALLER_TOKEN_TTL_SEC, claimTotpStep, clearEnrollRestriction, createSession, failSecondFactor, findAuthUserById,
  issueCallerToken, lookupSession, noteFailure, noteSuccess, resetTotp, revokeSession, revokeUserSessions, setPassword, setPendingTotp, setPin,
  userIdByName, verifyHash, type AuthContext,
} from '../../store/users-repo.ts';
import { parse } from '../validate.ts';
import { actorOf, authorize, bearer, requireUser } from '../auth.ts';
import { loginLimiters, secretCheckLimiter } from '../rate-limits.ts';
import type { RouteDeps } from './deps.ts';

/**
 * Staff sign-in and its hardening (issue 2 §9, issue 3; GB/T 22239-2019
 * 8.1.4.1; docs/authentication.md): argon2id password → opaque bearer token,
 * lockout with back-off, TOTP for administrators, idle and absolute session
 * timeouts, password rules, revocation, caller sign-in tokens and PINs.
 * Every outcome writes an audit row; never a password, code, PIN or token.
 *
 * CSRF: the token travels only in the `Authorization: Bearer` header and is
 * kept by the dashboard in sessionStorage, never in a cookie, so a browser
 * never sends it on its own with a cross-site request; there is nothing for
 * CSRF to ride on. Adding cookie sessions needs CSRF protection first.
 */
export function authRoutes({ db, clock, config, pii }: RouteDeps): Router {
  const r = Router();
  const lockout = lockoutPolicyOf(config);
  const webCtx = (req: Request): AuthContext => ({ ip: req.ip ?? null, via: 'web', lockout });
  const session = requireUser(db, clock);
  const enrolling = requireUser(db, clock, undefined, { allowTotpEnrolment: true });
  const secretLimit = secretCheckLimiter(config);
  const audit = (req: Request, action: string, target: string, result: 'ok' | 'denied' | 'failed', detail?: unknown) =>
    recordAudit(db, { at: clock.now(), ...actorOf(req), action, target, result, detail });

  r.post('/api/auth/login', ...loginLimiters(config), retryAfter(async (req, res) => {
    const body = parse(loginBodySchema, req.body);
    const now = clock.now();
    const ctx = webCtx(req);
    const u = await authenticate(db, { username: body.username, secret: body.password, method: 'password' }, now, ctx);
    const who = { at: now, userId: u.principal.userId, username: u.principal.username, role: u.principal.role, ip: ctx.ip, target: `user:${u.principal.username}` };
    if (u.totpEnabled) {
      if (!body.totp) {
        await recordAudit(db, { ...who, action: 'auth.login', result: 'denied', detail: { via: 'web', method: 'password', reason: 'second-factor-required' } });
        throw new HallError('HALL_ERR_SECOND_FACTOR_REQUIRED');
      }
      const step = matchTotp(pii.decrypt(u.totpSecretEnc!), body.totp, now);
      if (step === null) await failSecondFactor(db, u, now, ctx, 'bad-totp');
      else if (!(await claimTotpStep(db, u.principal.userId, step, now))) await failSecondFactor(db, u, now, ctx, 'replayed-totp');
    }
    await noteSuccess(db, u);
    const mustEnrollTotp = !u.totpEnabled && config.TOTP_REQUIRED_ROLES.includes(u.principal.role);
    const s = await createSession(db, u.principal.userId, config.SESSION_TTL_MIN, now, { idleMin: config.SESSION_IDLE_MIN, mustEnrollTotp });
    await recordAudit(db, { ...who, action: 'auth.login', result: 'ok', detail: { via: 'web', method: 'password', secondFactor: u.totpEnabled ? 'totp' : 'none', mustEnrollTotp } });
    const out: LoginResponse = {
      token: s.token, expiresAt: s.expiresAt.toISOString(), idleMin: config.SESSION_IDLE_MIN,
      user: { username: u.principal.username, role: u.principal.role, hallId: u.principal.hallId, regionCode: u.principal.regionCode },
      ...(mustEnrollTotp ? { mustEnrollTotp: true } : {}),
      ...(u.mustChangePassword ? { mustChangePassword: true } : {}),
    };
    res.json(out);
  }));

  // Any state of the token (even expired) may be revoked; without one there is nobody to sign out.
  r.post('/api/auth/logout', async (req, res) => {
    const token = bearer(req);
    if (!token) throw new HallError('HALL_ERR_UNAUTHENTICATED');
    const now = clock.now();
    const found = await lookupSession(db, token, now);
    await revokeSession(db, token, now);
    if (found.status === 'ok') {
      req.user = found.session.user;
      await audit(req, 'auth.logout', `user:${req.user.username}`, 'ok');
    }
    res.status(204).end();
  });

  r.get('/api/auth/session', enrolling, (req, res) => {
    const s = req.authSession!;
    const out: SessionResponse = {
      user: { username: s.user.username, role: s.user.role, hallId: s.user.hallId, regionCode: s.user.regionCode },
      expiresAt: s.expiresAt.toISOString(), idleMin: s.idleMin,
      mustEnrollTotp: s.mustEnrollTotp, totpEnabled: s.totpEnabled, mustChangePassword: s.mustChangePassword,
    };
    res.json(out);
  });

  r.post('/api/auth/password', session, secretLimit, retryAfter(async (req, res) => {
    const b = parse(passwordChangeBodySchema, req.body);
    const now = clock.now();
    const u = await findAuthUserById(db, req.user!.userId);
    if (!u) throw new HallError('HALL_ERR_UNAUTHENTICATED');
    const target = `user:${u.principal.username}`;
    const lock = lockStatus(u.lockout, now);
    if (lock.locked) {
      await audit(req, 'auth.password.change', target, 'denied', { reason: 'locked' });
      throw new HallError('HALL_ERR_ACCOUNT_LOCKED', undefined, { retryAfterSec: lock.retryAfterSec, lockedUntil: lock.until.toISOString() });
    }
    if (!(await verifyHash(u.passwordHash, b.oldPassword))) {
      // A wrong current password counts toward the lockout, like a wrong sign-in.
      const next = await noteFailure(db, u.principal.userId, now, lockout);
      await audit(req, 'auth.password.change', target, 'failed', { reason: 'bad-old-password', locked: next.lockedNow });
      throw new HallError('HALL_ERR_BAD_CREDENTIALS', 'the current password is wrong');
    }
    try {
      assertStrongPassword(b.newPassword, u.principal.username);
      if (await verifyHash(u.passwordHash, b.newPassword)) throw new HallError('HALL_ERR_WEAK_PASSWORD', 'the new password must differ from the current one', { failed: ['reused'] });
    } catch (e) {
      await audit(req, 'auth.password.change', target, 'failed', { reason: 'weak', failed: failedRules(e) });
      throw e;
    }
    await setPassword(db, u.principal.userId, b.newPassword, now);
    await noteSuccess(db, u);
    // ASVS V7.4.3: other sessions end with a password change; this one goes on.
    const otherSessionsRevoked = await revokeUserSessions(db, u.principal.userId, now, req.token);
    await audit(req, 'auth.password.change', target, 'ok', { otherSessionsRevoked });
    res.json({ changed: true, otherSessionsRevoked });
  }));

  r.post('/api/auth/totp/setup', enrolling, async (req, res) => {
    const user = req.user!;
    if (req.authSession!.totpEnabled) throw new HallError('HALL_ERR_CONFLICT', 'a one-time code (TOTP) is already enrolled; a security administrator resets it');
    const secret = newTotpSecret();
    await setPendingTotp(db, user.userId, pii.encrypt(secret));
    await audit(req, 'auth.totp.setup', `user:${user.username}`, 'ok');
    const out: TotpSetupResponse = { secret, uri: totpUri(secret, user.username), algorithm: 'SHA1', digits: 6, period: 30 };
    res.set('Cache-Control', 'no-store').json(out);
  });

  r.post('/api/auth/totp/confirm', enrolling, secretLimit, async (req, res) => {
    const b = parse(totpConfirmBodySchema, req.body);
    const now = clock.now();
    const u = await findAuthUserById(db, req.user!.userId);
    if (!u) throw new HallError('HALL_ERR_UNAUTHENTICATED');
    const target = `user:${u.principal.username}`;
    if (u.totpEnabled) throw new HallError('HALL_ERR_CONFLICT', 'a one-time code (TOTP) is already enrolled');
    if (!u.totpSecretEnc) throw new HallError('HALL_ERR_BAD_REQUEST', 'start with POST /api/auth/totp/setup');
    const step = matchTotp(pii.decrypt(u.totpSecretEnc), b.code, now);
    if (step === null || !(await claimTotpStep(db, u.principal.userId, step, now, true))) {
      await audit(req, 'auth.totp.enable', target, 'failed', { reason: step === null ? 'bad-code' : 'replayed-code' });
      throw new HallError('HALL_ERR_BAD_SECOND_FACTOR');
    }
    await clearEnrollRestriction(db, req.token!);
    await audit(req, 'auth.totp.enable', target, 'ok');
    res.json({ enabled: true });
  });

  /** A target user the security admin may act on: in their hall/region scope; otherwise 404 like an unknown user, audited. */
  async function targetUser(req: Request, action: string): Promise<{ userId: number; username: string }> {
    const { username } = parse(usernameBodySchema, req.body);
    const t = await userIdByName(db, username);
    const scope = hallScope(req.user!);
    const inScope = t && (scope.kind === 'all' || (t.hallId !== null && await hallInScope(db, scope, t.hallId)));
    if (!t || !inScope) {
      await audit(req, action, `user:${username}`, 'denied', { reason: t ? 'out-of-scope' : 'unknown-user' });
      throw new HallError('HALL_ERR_NOT_FOUND', `no user ${username}`);
    }
    return { userId: t.userId, username };
  }

  r.post('/api/auth/sessions/revoke', authorize(db, clock, 'security.manage'), async (req, res) => {
    const t = await targetUser(req, 'auth.sessions.revoke');
    const revoked = await revokeUserSessions(db, t.userId, clock.now());
    await audit(req, 'auth.sessions.revoke', `user:${t.username}`, 'ok', { revoked });
    res.json({ username: t.username, revoked });
  });

  r.post('/api/auth/totp/reset', authorize(db, clock, 'security.manage'), async (req, res) => {
    const t = await targetUser(req, 'auth.totp.reset');
    await resetTotp(db, t.userId);
    const revoked = await revokeUserSessions(db, t.userId, clock.now());
    await audit(req, 'auth.totp.reset', `user:${t.username}`, 'ok', { revoked });
    res.json({ username: t.username, revoked });
  });

  r.post('/api/auth/caller-token', authorize(db, clock, 'queue.operate'), async (req, res) => {
    const t = await issueCallerToken(db, req.user!.userId, clock.now());
    await audit(req, 'auth.caller_token.issue', `user:${req.user!.username}`, 'ok', { expiresAt: t.expiresAt.toISOString() });
    res.status(201).set('Cache-Control', 'no-store').json({ token: t.token, expiresAt: t.expiresAt.toISOString(), ttlSec: CALLER_TOKEN_TTL_SEC });
  });

  r.post('/api/auth/pin', authorize(db, clock, 'queue.operate'), secretLimit, async (req, res) => {
    const b = parse(pinBodySchema, req.body);
    const target = `user:${req.user!.username}`;
    try {
      assertGoodPin(b.pin);
    } catch (e) {
      await audit(req, 'auth.pin.set', target, 'failed', { reason: 'weak', failed: failedRules(e) });
      throw e;
    }
    await setPin(db, req.user!.userId, b.pin);
    await audit(req, 'auth.pin.set', target, 'ok');
    res.status(204).end();
  });

  return r;
}

/** Adds `Retry-After` to a lockout refusal (RFC 9110 §10.2.3); the error handler writes the coded body. */
function retryAfter(fn: RequestHandler): RequestHandler {
  return async (req, res, next) => {
    try {
      await fn(req, res, next);
    } catch (e) {
      const d = e instanceof HallError && e.code === 'HALL_ERR_ACCOUNT_LOCKED' ? (e.details as { retryAfterSec?: number } | undefined) : undefined;
      if (d?.retryAfterSec) res.set('Retry-After', String(d.retryAfterSec));
      next(e);
    }
  };
}

/** The rule names of a WEAK_PASSWORD refusal, for the audit row (never the secret). */
function failedRules(e: unknown): unknown {
  return e instanceof HallError ? (e.details as { failed?: unknown } | undefined)?.failed ?? null : null;
}
