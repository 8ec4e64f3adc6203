import type { Request, RequestHandler } from 'express';
import { HallError, idSchema, type Role } from '../../contracts/index.ts';
import type { StaffPrincipal } from '../domain/access/scope.ts';
import { hallScope } from '../domain/access/scope.ts';
import { can, type Permission } from '../domain/access/permissions.ts';
import type { Clock } from '../domain/clock.ts';
import type { HallDirectory } from '../queries/hall-directory.ts';
import { lookupSession, type SessionInfo } from '../store/sessions-repo.ts';
import type { SessionCache } from '../queries/session-cache.ts';
import { hallInScope } from '../store/halls-repo.ts';
import { recordDenial } from '../commands/record-denial.ts';
import type { Db } from '../store/pool.ts';
import type { TaggedHandler } from './endpoint-table.ts';

declare module 'express-serve-static-core' {
  interface Request {
    user?: StaffPrincipal;
    token?: string;
    authSession?: SessionInfo;
    /** This process's session cache, set by `useSessionCache` for every request. */
    sessions?: SessionCache;
    halls?: HallDirectory;
  }
}

/**
 * Makes session checks answer from memory (docs/authentication.md "Sessions"):
 * `requireUser` and `authorize` take the cache from the request, so the
 * routes keep their `(db, clock, …)` signatures.
 */
export function useSessionCache(cache: SessionCache | undefined, halls?: HallDirectory): RequestHandler {
  return (req, _res, next) => {
    if (cache) req.sessions = cache;
    // The hall-scope check of `authorize` from memory too (queries/hall-directory.ts).
    if (halls) req.halls = halls;
    next();
  };
}

export function bearer(req: Request): string | null {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() || null : null;
}

/** Who and from where, for audit rows. */
export function actorOf(req: Request): {
  userId: number | null;
  username: string | null;
  role: Role | null;
  ip: string | null;
} {
  return {
    userId: req.user?.userId ?? null,
    username: req.user?.username ?? null,
    role: req.user?.role ?? null,
    ip: req.ip ?? null,
  };
}

/**
 * Requires a valid web session; optionally one of the given roles. Prefer `authorize`.
 * Sessions are bearer tokens in the Authorization header, never cookies, so a
 * browser never attaches them to a cross-site request and no CSRF token is
 * needed. Do not move sessions into cookies without adding CSRF protection
 * (docs/authentication.md). An idle or past-lifetime session is
 * HALL_ERR_SESSION_EXPIRED; a session restricted to TOTP enrolment
 * (`mustEnrollTotp`) passes only with `allowTotpEnrolment` (setup, confirm,
 * logout) and is otherwise HALL_ERR_SECOND_FACTOR_REQUIRED.
 */
export function requireUser(
  db: Db,
  clock: Clock,
  roles?: readonly Role[],
  opts: { allowTotpEnrolment?: boolean } = {},
): RequestHandler {
  return (req, _res, next) => {
    const token = bearer(req);
    if (!token) return next(new HallError('HALL_ERR_UNAUTHENTICATED'));
    (req.sessions ? req.sessions.lookup(token, clock.now()) : lookupSession(db, token, clock.now())).then((r) => {
      if (r.status === 'expired' || r.status === 'idle')
        return next(
          new HallError(
            'HALL_ERR_SESSION_EXPIRED',
            r.status === 'idle' ? 'the session was idle too long; sign in again' : undefined,
          ),
        );
      if (r.status !== 'ok' || r.session.kind !== 'web')
        return next(new HallError('HALL_ERR_UNAUTHENTICATED', 'session expired or revoked'));
      const u = r.session.user;
      if (r.session.mustEnrollTotp && !opts.allowTotpEnrolment)
        return next(
          new HallError(
            'HALL_ERR_SECOND_FACTOR_REQUIRED',
            'enrol a one-time code (TOTP) first: POST /api/auth/totp/setup, then /confirm',
            { mustEnrollTotp: true },
          ),
        );
      if (roles && !roles.includes(u.role)) return next(new HallError('HALL_ERR_FORBIDDEN'));
      req.user = u;
      req.token = token;
      req.authSession = r.session;
      next();
    }, next);
  };
}

export interface AuthorizeOptions {
  /** Route parameter holding a hall id that must be in the user's scope. */
  hallParam?: string;
}

/**
 * Session + permission + scope, checked on the server for every endpoint
 * (GB/T 22239-2019 8.1.4.2 access control). A missing permission is
 * 403; a hall outside the scope is 404, the same answer as a hall that does
 * not exist, so scope does not leak which halls exist. Both denials are
 * audited.
 */
export function authorize(db: Db, clock: Clock, permission: Permission, opts: AuthorizeOptions = {}): RequestHandler {
  const session = requireUser(db, clock);
  const handler: TaggedHandler = (req, res, next) => {
    session(req, res, (err?: unknown) => {
      if (err) return next(err);
      const user = req.user!;
      const deny = (code: 'HALL_ERR_FORBIDDEN' | 'HALL_ERR_NOT_FOUND', target: string, message?: string) =>
        recordDenial(db, clock.now(), actorOf(req), target, { permission, method: req.method, path: req.path }).then(
          () => next(new HallError(code, message)),
          next,
        );
      if (!can(user.role, permission)) return void deny('HALL_ERR_FORBIDDEN', `${req.method} ${req.path}`);
      const hallId = opts.hallParam ? req.params[opts.hallParam] : undefined;
      if (typeof hallId !== 'string') return next();
      // A hall id that cannot exist (a NUL byte, a slash…) is a bad request, not a database error:
      // PostgreSQL refuses NUL in text, which turned into a 500 (found by tests/e2e/fuzz.test.ts).
      if (!idSchema.safeParse(hallId).success)
        return next(
          new HallError('HALL_ERR_BAD_REQUEST', `hallId ${JSON.stringify(hallId.slice(0, 70))} is not an id`),
        );
      (req.halls ? req.halls.inScope(hallScope(user), hallId) : hallInScope(db, hallScope(user), hallId)).then((ok) => {
        if (ok) return next();
        void deny('HALL_ERR_NOT_FOUND', `hall:${hallId}`, `no hall ${hallId}`);
      }, next);
    });
  };
  handler.permission = permission;
  handler.hallScoped = Boolean(opts.hallParam);
  return handler;
}
