import { Router, type Request } from 'express';
import { HallError, deviceListQuerySchema, deviceParamsSchema, type DeviceInfo } from '../../../contracts/index.ts';
import { revokeDevice, rotateDeviceSecret } from '../../commands/device-credentials.ts';
import { recordDenial } from '../../commands/record-denial.ts';
import { getDevice, listDevices } from '../../store/devices-repo.ts';
import { hallInScope, listHalls } from '../../store/halls-repo.ts';
import { hallScope } from '../../domain/access/scope.ts';
import { actorOf, authorize } from '../auth.ts';
import type { TaggedHandler } from '../endpoint-table.ts';
import { parse } from '../validate.ts';
import type { RouteDeps } from './deps.ts';

/**
 * Device security (seed 001 §1.1.1.17: every service point manages
 * only its own software and hardware). `device.manage`, and only devices of
 * halls in the caller's scope: a device of another hall is 404, the same
 * answer as a device that does not exist (the denial is audited).
 *
 * - `GET /api/devices?hallId=&kind=`: the devices, revoked ones included, never a secret;
 * - `POST /api/devices/:deviceId/rotate`: a new secret, shown once; the old one
 *   stops working at once and the live connection is closed (the device
 *   reconnects with the new secret);
 * - `POST /api/devices/:deviceId/revoke`: for good; the live connection is
 *   closed at once and reconnects are refused (CONNACK 5).
 *
 * Rotate and revoke are audited in their own transaction, which also sends the
 * NOTIFY every server acts on (server/device-revocation.ts).
 */
export function deviceRoutes({ db, clock }: RouteDeps): Router {
  const r = Router();

  r.get('/api/devices', authorize(db, clock, 'device.manage'), async (req, res) => {
    const q = parse(deviceListQuerySchema, { ...req.query });
    const scope = hallScope(req.user!);
    let hallIds: string[];
    if (q.hallId) {
      if (!(await hallInScope(db, scope, q.hallId))) await deny(req, `hall:${q.hallId}`, `no hall ${q.hallId}`);
      hallIds = [q.hallId];
    } else {
      hallIds = (await listHalls(db, scope)).map((h) => h.id);
    }
    const devices: DeviceInfo[] = await listDevices(db, hallIds, q.kind);
    res.json({ devices });
  });

  r.post('/api/devices/:deviceId/rotate', scoped(authorize(db, clock, 'device.manage')), async (req, res) => {
    const { deviceId } = await deviceInScope(req);
    res.json(await rotateDeviceSecret(db, deviceId, clock.now(), actorOf(req)));
  });

  r.post('/api/devices/:deviceId/revoke', scoped(authorize(db, clock, 'device.manage')), async (req, res) => {
    const { deviceId } = await deviceInScope(req);
    res.json(await revokeDevice(db, deviceId, clock.now(), actorOf(req)));
  });

  /** The device of `:deviceId` when its hall is in the caller's scope; 404 otherwise. */
  async function deviceInScope(req: Request): Promise<DeviceInfo> {
    const { deviceId } = parse(deviceParamsSchema, req.params);
    const d = await getDevice(db, deviceId);
    if (!d) throw new HallError('HALL_ERR_NOT_FOUND', `no device ${deviceId}`);
    if (!(await hallInScope(db, hallScope(req.user!), d.hallId)))
      await deny(req, `device:${deviceId}`, `no device ${deviceId}`);
    return d;
  }

  async function deny(req: Request, target: string, message: string): Promise<never> {
    await recordDenial(db, clock.now(), actorOf(req), target, {
      permission: 'device.manage',
      method: req.method,
      path: req.path,
    });
    throw new HallError('HALL_ERR_NOT_FOUND', message);
  }
  return r;
}

/**
 * Marks the handler as hall-scoped for `GET /api/permissions`: the hall is
 * the device's, checked in `deviceInScope` (authorize only knows hall ids in
 * route parameters).
 */
function scoped(h: TaggedHandler): TaggedHandler {
  h.hallScoped = true;
  return h;
}
