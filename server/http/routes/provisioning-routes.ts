import { Router } from 'express';
import { deviceAddBodySchema, userAddBodySchema } from '../../../contracts/index.ts';
import { addDevice } from '../../store/devices-repo.ts';
import { addUser } from '../../store/users-repo.ts';
import { actorOf, authorize } from '../auth.ts';
import { recordAudit } from '../../store/audit-repo.ts';
import { hallInScope } from '../../store/halls-repo.ts';
import { hallScope } from '../../domain/access/scope.ts';
import { HallError } from '../../../contracts/index.ts';
import { parse } from '../validate.ts';
import type { RouteDeps } from './deps.ts';

/**
 * Provisioning (issue 2 §6), the REST twin of `npm run cli -- devices:add / users:add`.
 * Secrets are shown once in the response and stored only as hashes.
 */
export function provisioningRoutes({ db, clock }: RouteDeps): Router {
  const r = Router();
  r.post('/api/devices', authorize(db, clock, 'device.manage'), async (req, res) => {
    const b = parse(deviceAddBodySchema, req.body);
    await assertHallInScope(req, b.hallId);
    const creds = await addDevice(db, b.hallId, b.kind, b.deviceId);
    await recordAudit(db, { at: clock.now(), ...actorOf(req), action: 'device.add', target: `device:${creds.deviceId}`, result: 'ok', detail: { hallId: b.hallId, kind: b.kind } });
    res.status(201).json(creds);
  });
  r.post('/api/users', authorize(db, clock, 'user.manage'), async (req, res) => {
    const b = parse(userAddBodySchema, req.body);
    // A security admin bound to a region or hall creates accounts only inside it.
    if (b.hallId) await assertHallInScope(req, b.hallId);
    else if (hallScope(req.user!).kind !== 'all') throw new HallError('HALL_ERR_FORBIDDEN', 'only an unbound security admin creates accounts outside a hall');
    const creds = await addUser(db, b);
    await recordAudit(db, { at: clock.now(), ...actorOf(req), action: 'user.add', target: `user:${creds.username}`, result: 'ok', detail: { role: b.role, hallId: b.hallId ?? null, regionCode: b.regionCode ?? null } });
    res.status(201).json(creds);
  });

  async function assertHallInScope(req: import('express').Request, hallId: string): Promise<void> {
    if (!(await hallInScope(db, hallScope(req.user!), hallId))) {
      await recordAudit(db, { at: clock.now(), ...actorOf(req), action: 'permission.denied', target: `hall:${hallId}`, result: 'denied', detail: { method: req.method, path: req.path } });
      throw new HallError('HALL_ERR_NOT_FOUND', `no hall ${hallId}`);
    }
  }
  return r;
}
