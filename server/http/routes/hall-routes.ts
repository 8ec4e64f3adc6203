import { Router } from 'express';
import { hallParamsSchema } from '../../../contracts/index.ts';
import { hallScope } from '../../domain/access/scope.ts';
import { listHalls } from '../../store/halls-repo.ts';
import { authorize } from '../auth.ts';
import { parse } from '../validate.ts';
import type { RouteDeps } from './deps.ts';

/** Halls the user may see, and one hall's live state with its seq. */
export function hallRoutes({ db, clock, views }: RouteDeps): Router {
  const r = Router();
  r.get('/api/halls', authorize(db, clock, 'hall.read'), async (req, res) => {
    res.json({ halls: await listHalls(db, hallScope(req.user!)) });
  });
  r.get('/api/halls/:hallId/snapshot', authorize(db, clock, 'hall.read', { hallParam: 'hallId' }), async (req, res) => {
    const { hallId } = parse(hallParamsSchema, req.params);
    // From this process's view of the hall, serialised once per seq (queries/hall-views.ts).
    res.type('application/json').send(await views.snapshotJson(hallId, { fresh: true }));
  });
  return r;
}
