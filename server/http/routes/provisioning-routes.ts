import { Router, type Request } from 'express';
import { deviceAddBodySchema, userAddBodySchema } from '../../../contracts/index.ts';
import { provisionDevice, provisionUser } from '../../commands/provisioning.ts';
import { recordDenial } from '../../commands/record-denial.ts';
import { actorOf, authorize } from '../auth.ts';
import { hallInScope } from '../../store/halls-repo.ts';
import { hallScope } from '../../domain/access/scope.ts';
import { HallError } from '../../../contracts/index.ts';
import { parse } from '../validate.ts';
import type { RouteDeps } from './deps.ts';

/**
 * Provisioning, the REST twin of `npm run cli -- devices:add / users:add`.
 * Secrets are shown once in the response and stored only as hashes.
 */
export function provisioningRoutes({ db, clock }: RouteDeps): Router {
  const r = Router();
  r.post('/api/devices', authorize(db, clock, 'device.manage'), async (req, res) => {
    const b = parse(deviceAddBodySchema, req.body);
    await assertHallInScope(req, b.hallId);
    res.status(201).json(await provisionDevice(db, clock.now(), actorOf(req), b));
  });
  r.post('/api/users', authorize(db, clock, 'user.manage'), async (req, res) => {
    const b = parse(userAddBodySchema, req.body);
    // A security admin bound to a region or hall creates accounts only inside it.
    if (b.hallId) await assertHallInScope(req, b.hallId);
    else if (hallScope(req.user!).kind !== 'all')
      throw new HallError('HALL_ERR_FORBIDDEN', 'only an unbound security admin creates accounts outside a hall');
    res.status(201).json(await provisionUser(db, clock.now(), actorOf(req), b));
  });

  async function assertHallInScope(req: Request, hallId: string): Promise<void> {
    if (!(await hallInScope(db, hallScope(req.user!), hallId))) {
      await recordDenial(db, clock.now(), actorOf(req), `hall:${hallId}`, { method: req.method, path: req.path });
      throw new HallError('HALL_ERR_NOT_FOUND', `no hall ${hallId}`);
    }
  }
  return r;
}
