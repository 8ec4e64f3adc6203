import { Router } from 'express';
import { HallError, hallParamsSchema } from '../../../contracts/index.ts';
import { hallScope } from '../../domain/access/scope.ts';
import { hallDay } from '../../domain/hall-time.ts';
import { listHalls, hallSnapshot } from '../../store/halls-repo.ts';
import { authorize } from '../auth.ts';
import { parse } from '../validate.ts';
import type { RouteDeps } from './deps.ts';

/** Halls the user may see, and one hall's live state with its seq. */
export function hallRoutes({ db, clock, config }: RouteDeps): Router {
  const r = Router();
  r.get('/api/halls', authorize(db, clock, 'hall.read'), async (req, res) => {
    res.json({ halls: await listHalls(db, hallScope(req.user!)) });
  });
  r.get('/api/halls/:hallId/snapshot', authorize(db, clock, 'hall.read', { hallParam: 'hallId' }), async (req, res) => {
    const { hallId } = parse(hallParamsSchema, req.params);
    const now = clock.now();
    const snap = await hallSnapshot(db, hallId, hallDay(now, config.HALL_TZ), now, config.HALL_TZ);
    if (!snap) throw new HallError('HALL_ERR_NOT_FOUND', `no hall ${hallId}`);
    res.json(snap);
  });
  return r;
}
