import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { HallError, type Config } from '../../contracts/index.ts';

/**
 * Rate limits (OWASP ASVS 5.0 V6.3.1 / V2.4 anti-automation). A
 * refusal is the coded body `HALL_ERR_RATE_LIMITED` with status 429 and a
 * `Retry-After` header; it goes through the error handler, so it is counted in
 * `hall_refused_total{source="http",code="HALL_ERR_RATE_LIMITED"}` like every
 * other refusal.
 *
 * Counters live in the process memory (express-rate-limit's MemoryStore): with
 * several server processes each counts on its own, so the effective limit is
 * the limit × the processes. Account lockout (server/domain/auth/lockout.ts)
 * is in PostgreSQL and holds across processes.
 *
 * Client IP: `req.ip`, which honours X-Forwarded-For only from the loopback
 * proxy (`trust proxy` in http-app.ts); IPv6 clients are grouped by /56.
 */
export interface LimitOptions {
  /** Shown in nothing but the key; distinguishes limiters that share a key function. */
  name: string;
  windowMs: number;
  /** Requests (or failed requests, with `onlyFailures`) allowed per key and window. */
  limit: number;
  /** What one client is: its IP (default), or any string built from the request (add the IP yourself). */
  key?: (req: Request) => string;
  /** Count only refused requests (status ≥ 400): for sign-in, where honest users rarely fail. */
  onlyFailures?: boolean;
}

/** The client IP as a limiter key (IPv6 by /56 subnet, so one host cannot rotate addresses). */
export function clientIp(req: Request): string {
  return ipKeyGenerator(req.ip ?? 'unknown');
}

/** A limiter for any route: exports, public citizen endpoints, sign-in. Create it once per app, not per request. */
export function rateLimiter(o: LimitOptions): RequestHandler {
  return rateLimit({
    windowMs: o.windowMs,
    limit: o.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    skipSuccessfulRequests: o.onlyFailures ?? false,
    keyGenerator: (req) => `${o.name}|${o.key ? o.key(req) : clientIp(req)}`,
    handler: (req, res, next) => {
      const retryAfterSec = Number(res.getHeader('Retry-After')) || Math.ceil(o.windowMs / 1000);
      next(
        new HallError('HALL_ERR_RATE_LIMITED', `too many requests; try again in ${retryAfterSec} s`, { retryAfterSec }),
      );
    },
  });
}

const FIFTEEN_MIN = 15 * 60_000;

/** The user name a sign-in body names, normalised for the key (bounded: the body is not validated yet). */
function bodyUsername(req: Request): string {
  const u = (req.body as { username?: unknown } | undefined)?.username;
  return typeof u === 'string' ? u.trim().toLowerCase().slice(0, 64) : '';
}

/**
 * Sign-in limiters: failed attempts per client IP + user name (slows guessing
 * one account, including names that do not exist and so never lock) and per
 * client IP (slows spraying one password over many accounts).
 */
export function loginLimiters(config: Pick<Config, 'LOGIN_RATE_PER_ACCOUNT' | 'LOGIN_RATE_PER_IP'>): RequestHandler[] {
  return [
    rateLimiter({ name: 'login-ip', windowMs: FIFTEEN_MIN, limit: config.LOGIN_RATE_PER_IP, onlyFailures: true }),
    rateLimiter({
      name: 'login-account',
      windowMs: FIFTEEN_MIN,
      limit: config.LOGIN_RATE_PER_ACCOUNT,
      onlyFailures: true,
      key: (req) => `${clientIp(req)}|${bodyUsername(req)}`,
    }),
  ];
}

/**
 * Other secret-checking endpoints with a session (password change, TOTP
 * confirm, caller PIN): failed attempts per client IP; generous for honest
 * use, a wall for a script.
 */
export function secretCheckLimiter(config: Pick<Config, 'LOGIN_RATE_PER_IP'>): RequestHandler {
  return rateLimiter({
    name: 'secret-check',
    windowMs: FIFTEEN_MIN,
    limit: config.LOGIN_RATE_PER_IP,
    onlyFailures: true,
  });
}

/**
 * Exports: per signed-in user, after
 * `authorize`, so one account cannot pull the whole store in a loop. Every
 * export is also audited.
 */
export function exportLimiter(config: Pick<Config, 'EXPORT_RATE_PER_HOUR'>): RequestHandler {
  return rateLimiter({
    name: 'export',
    windowMs: 60 * 60_000,
    limit: config.EXPORT_RATE_PER_HOUR,
    key: (req) => `user:${req.user?.userId ?? clientIp(req)}`,
  });
}
