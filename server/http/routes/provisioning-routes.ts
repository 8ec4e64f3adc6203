import { Router } from 'express';
import { deviceAddBodySchema, userAddBodySchema } from '../../../contracts/index.ts';
import { addDevice } from '../../store/devices-repo.ts';
import { addUser } from '../../store/users-repo.ts';
import { requireUser } from '../auth.ts';
import { parse } from '../validate.ts';
import type { RouteDeps } from './deps.ts';

/**
 * Provisioning (issue 2 §6), the REST twin of `npm run cli -- devices:add / users:add`.
 * Secrets are shown once in the response and stored only as hashes.
 */
export function provisioningRoutes({ db, clock }: RouteDeps): Router {
  const r = Router();
  r.post('/api/devices', requireUser(db, clock, ['sysadmin']), async (req, res) => {
    const b = parse(deviceAddBodySchema, req.body);
    res.status(201).json(await addDevice(db, b.hallId, b.kind, b.deviceId));
  });
  r.post('/api/users', requireUser(db, clock, ['sysadmin', 'secadmin']), async (req, res) => {
    const b = parse(userAddBodySchema, req.body);
    res.status(201).json(await addUser(db, b));
  });
  return r;
}
