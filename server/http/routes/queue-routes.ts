import { Router } from 'express';
import { z } from 'zod';
import { idSchema } from '../../../contracts/index.ts';
import { runWindowOp, windowOpSchema } from '../../commands/window-ops.ts';
import { authorize } from '../auth.ts';
import { parse } from '../validate.ts';
import type { RouteDeps } from './deps.ts';

const windowParams = z.object({ hallId: idSchema, windowId: idSchema });

/**
 * The window console's operations (呼叫端, issue 4): the same ops as the
 * window caller's MQTT protocol (server/commands/window-ops.ts), by staff with
 * `queue.operate` in the hall's scope. Each is one transaction; the reply is
 * the window as it now stands. Refusals are coded (unknown window → 404
 * HALL_ERR_NOT_FOUND, calling while paused → 409 HALL_ERR_CONFLICT) and
 * change nothing.
 */
export function queueRoutes({ db, clock, queue }: RouteDeps): Router {
  const r = Router();
  r.post('/api/halls/:hallId/windows/:windowId/ops', authorize(db, clock, 'queue.operate', { hallParam: 'hallId' }), async (req, res) => {
    const { hallId, windowId } = parse(windowParams, req.params);
    const op = parse(windowOpSchema, req.body);
    const result = await runWindowOp(queue, hallId, windowId, op, { userId: req.user!.userId });
    res.json(result.reply);
  });
  return r;
}
