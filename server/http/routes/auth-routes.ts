import { Router, type Request, type RequestHandler } from 'express';
import {
  HallError,
  loginBodySchema,
  passwordChangeBodySchema,
  pinBodySchema,
  totpConfirmBodySchema,
  usernameBodySchema,
  type SessionResponse,
} from '../../../contracts/index.ts';
import { lockoutPolicyOf } from '../../domain/auth/lockout.ts';
import type { AuthContext } from '../../commands/authenticate.ts';
import { issueCallerSignInToken, setCallerPin } from '../../commands/caller-secrets.ts';
import { changePassword } from '../../commands/password-change.ts';
import { resetTotpOf, revokeSessionsOf } from '../../commands/security-admin.ts';
import { signInStaff, signOutStaff } from '../../commands/staff-sign-in.ts';
import { confirmTotp, setupTotp } from '../../commands/totp-enrolment.ts';
import { CALLER_TOKEN_TTL_SEC } from '../../store/caller-tokens-repo.ts';
import { parse } from '../validate.ts';
import { actorOf, authorize, bearer, requireUser } from '../auth.ts';
import { loginLimiters, secretCheckLimiter } from '../rate-limits.ts';
import type { RouteDeps } from './deps.ts';

/**
 * Staff sign-in and its hardening (GB/T 22239-2019
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
export function authRoutes({ db, clock, config, pii, sessions }: RouteDeps): Router {
  const r = Router();
  const lockout = lockoutPolicyOf(config);
  const webCtx = (req: Request): AuthContext => ({ ip: req.ip ?? null, via: 'web', lockout });
  const session = requireUser(db, clock);
  const enrolling = requireUser(db, clock, undefined, { allowTotpEnrolment: true });
  const secretLimit = secretCheckLimiter(config);

  r.post(
    '/api/auth/login',
    ...loginLimiters(config),
    retryAfter(async (req, res) => {
      const body = parse(loginBodySchema, req.body);
      res.json(await signInStaff({ db, pii, config }, body, clock.now(), webCtx(req)));
    }),
  );

  // Any state of the token (even expired) may be revoked; without one there is nobody to sign out.
  r.post('/api/auth/logout', async (req, res) => {
    const token = bearer(req);
    if (!token) throw new HallError('HALL_ERR_UNAUTHENTICATED');
    await signOutStaff(db, token, clock.now(), req.ip ?? null);
    // Other processes drop it on NOTIFY session_changed; this one must not answer its next request from memory first.
    sessions?.forgetToken(token);
    res.status(204).end();
  });

  r.get('/api/auth/session', enrolling, (req, res) => {
    const s = req.authSession!;
    const out: SessionResponse = {
      user: { username: s.user.username, role: s.user.role, hallId: s.user.hallId, regionCode: s.user.regionCode },
      expiresAt: s.expiresAt.toISOString(),
      idleMin: s.idleMin,
      mustEnrollTotp: s.mustEnrollTotp,
      totpEnabled: s.totpEnabled,
      mustChangePassword: s.mustChangePassword,
    };
    res.json(out);
  });

  r.post(
    '/api/auth/password',
    session,
    secretLimit,
    retryAfter(async (req, res) => {
      const b = parse(passwordChangeBodySchema, req.body);
      const out = await changePassword(db, actorOf(req), req.user!.userId, req.token, b, clock.now(), lockout);
      sessions?.forgetUser({ userId: req.user!.userId });
      res.json(out);
    }),
  );

  r.post('/api/auth/totp/setup', enrolling, async (req, res) => {
    const out = await setupTotp({ db, pii }, actorOf(req), req.user!, req.authSession!.totpEnabled, clock.now());
    res.set('Cache-Control', 'no-store').json(out);
  });

  r.post('/api/auth/totp/confirm', enrolling, secretLimit, async (req, res) => {
    const b = parse(totpConfirmBodySchema, req.body);
    const out = await confirmTotp({ db, pii }, actorOf(req), req.user!.userId, req.token!, b.code, clock.now());
    sessions?.forgetUser({ userId: req.user!.userId });
    res.json(out);
  });

  r.post('/api/auth/sessions/revoke', authorize(db, clock, 'security.manage'), async (req, res) => {
    const { username } = parse(usernameBodySchema, req.body);
    const out = await revokeSessionsOf(db, actorOf(req), req.user!, username, clock.now());
    sessions?.forgetUser({ username: out.username });
    res.json(out);
  });

  r.post('/api/auth/totp/reset', authorize(db, clock, 'security.manage'), async (req, res) => {
    const { username } = parse(usernameBodySchema, req.body);
    const out = await resetTotpOf(db, actorOf(req), req.user!, username, clock.now());
    sessions?.forgetUser({ username: out.username });
    res.json(out);
  });

  r.post('/api/auth/caller-token', authorize(db, clock, 'queue.operate'), async (req, res) => {
    const t = await issueCallerSignInToken(db, actorOf(req), req.user!, clock.now());
    res
      .status(201)
      .set('Cache-Control', 'no-store')
      .json({ token: t.token, expiresAt: t.expiresAt.toISOString(), ttlSec: CALLER_TOKEN_TTL_SEC });
  });

  r.post('/api/auth/pin', authorize(db, clock, 'queue.operate'), secretLimit, async (req, res) => {
    const b = parse(pinBodySchema, req.body);
    await setCallerPin(db, actorOf(req), req.user!, b.pin, clock.now());
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
      const d =
        e instanceof HallError && e.code === 'HALL_ERR_ACCOUNT_LOCKED'
          ? (e.details as { retryAfterSec?: number } | undefined)
          : undefined;
      if (d?.retryAfterSec) res.set('Retry-After', String(d.retryAfterSec));
      next(e);
    }
  };
}
