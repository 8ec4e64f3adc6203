import { Router } from 'express';
import { HallError, loginBodySchema, type LoginResponse } from '../../../contracts/index.ts';
import { checkPassword, createSession, revokeSession } from '../../store/users-repo.ts';
import { parse } from '../validate.ts';
import { bearer } from '../auth.ts';
import type { RouteDeps } from './deps.ts';

/** Staff login (issue 2 §9): argon2id-checked password → opaque bearer token. */
export function authRoutes({ db, clock, config }: RouteDeps): Router {
  const r = Router();
  r.post('/api/auth/login', async (req, res) => {
    const body = parse(loginBodySchema, req.body);
    const user = await checkPassword(db, body.username, body.password);
    if (!user) throw new HallError('HALL_ERR_BAD_CREDENTIALS');
    const s = await createSession(db, user.userId, config.SESSION_TTL_MIN, clock.now());
    const out: LoginResponse = {
      token: s.token, expiresAt: s.expiresAt.toISOString(),
      user: { username: user.username, role: user.role, hallId: user.hallId, regionCode: user.regionCode },
    };
    res.json(out);
  });
  r.post('/api/auth/logout', async (req, res) => {
    const token = bearer(req);
    if (token) await revokeSession(db, token, clock.now());
    res.status(204).end();
  });
  return r;
}
