import type { DeviceCredentials, DeviceKind, Role } from '../../contracts/index.ts';
import { recordAudit } from '../store/audit-repo.ts';
import { addDevice } from '../store/devices-repo.ts';
import { addUser } from '../store/users-repo.ts';
import type { Db } from '../store/pool.ts';
import type { Actor } from './actor.ts';

/**
 * Provisioning (docs/security.md, README "Everyday commands"): a device or a staff account with a secret shown
 * once, audited (`device.add`, `user.add`; GB/T 22239-2019 8.1.4.3 a:
 * account and device changes). REST (server/http/routes/provisioning-routes.ts)
 * and the CLI (`devices:add`, `users:add`, via 'cli') call the same command.
 */

export async function provisionDevice(
  db: Db,
  at: Date,
  actor: Actor,
  b: { hallId: string; kind: DeviceKind; deviceId?: string | undefined },
  via?: 'cli',
): Promise<DeviceCredentials> {
  const creds = await addDevice(db, b.hallId, b.kind, b.deviceId);
  await recordAudit(db, {
    at,
    ...actor,
    action: 'device.add',
    target: `device:${creds.deviceId}`,
    result: 'ok',
    detail: { hallId: creds.hallId, kind: creds.kind, ...(via ? { via } : {}) },
  });
  return creds;
}

export async function provisionUser(
  db: Db,
  at: Date,
  actor: Actor,
  b: {
    username?: string | undefined;
    password?: string | undefined;
    role: Role;
    hallId?: string | undefined;
    regionCode?: string | undefined;
  },
  via?: 'cli',
): Promise<{ username: string; password: string }> {
  const creds = await addUser(db, b);
  await recordAudit(db, {
    at,
    ...actor,
    action: 'user.add',
    target: `user:${creds.username}`,
    result: 'ok',
    detail: { role: b.role, hallId: b.hallId ?? null, regionCode: b.regionCode ?? null, ...(via ? { via } : {}) },
  });
  return creds;
}
