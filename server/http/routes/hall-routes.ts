import { Router } from 'express';
import { HallError, hallParamsSchema } from '../../../contracts/index.ts';
import { hallScope } from '../../domain/access.ts';
import { hallDay } from '../../domain/hall-time.ts';
import { listHalls, hallInScope, hallSnapshot } from '../../store/halls-repo.ts';
import { requireUser } from '../auth.ts';
import { parse } from '../validate.ts';
import type { RouteDeps } from './deps.ts';

/** Halls the user may see, and one hall's live state with its seq (issue 2 §9). */
export function hallRoutes({ db, clock, config }: RouteDeps): Router {
  const r = Router();
  r.get('/api/halls', requireUser(db, clock), async (req, res) => {
    res.json({ halls: await listHalls(db, hallScope(req.user!)) });
  });
  r.get('/api/halls/:hallId/snapshot', requireUser(db, clock), async (req, res) => {
    const { hallId } = parse(hallParamsSchema, req.params);
    // Out of scope and nonexistent look the same, so scope does not leak which halls exist.
    if (!(await hallInScope(db, hallScope(req.user!), hallId))) throw new HallError('HALL_ERR_NOT_FOUND', `no hall ${hallId}`);
    const now = clock.now();
    const snap = await hallSnapshot(db, hallId, hallDay(now, config.HALL_TZ), now);
    if (!snap) throw new HallError('HALL_ERR_NOT_FOUND', `no hall ${hallId}`);
    res.json(snap);
  });
  return r;
}
