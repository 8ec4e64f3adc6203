import type { Request, RequestHandler } from 'express';
import { HallError, type Role } from '../../contracts/index.ts';
import type { StaffPrincipal } from '../domain/access.ts';
import type { Clock } from '../domain/clock.ts';
import { sessionUser } from '../store/users-repo.ts';
import type { Db } from '../store/pool.ts';

declare module 'express-serve-static-core' {
  interface Request { user?: StaffPrincipal; token?: string }
}

export function bearer(req: Request): string | null {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() || null : null;
}

/** Requires a valid session; optionally one of the given roles. */
export function requireUser(db: Db, clock: Clock, roles?: readonly Role[]): RequestHandler {
  return (req, _res, next) => {
    const token = bearer(req);
    if (!token) return next(new HallError('HALL_ERR_UNAUTHENTICATED'));
    sessionUser(db, token, clock.now()).then((u) => {
      if (!u) return next(new HallError('HALL_ERR_UNAUTHENTICATED', 'session expired or revoked'));
      if (roles && !roles.includes(u.role)) return next(new HallError('HALL_ERR_FORBIDDEN'));
      req.user = u;
      req.token = token;
      next();
    }, next);
  };
}
