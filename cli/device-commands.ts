import { parseArgs } from 'node:util';
import { HallError, deviceListQuerySchema, deviceParamsSchema, type Config } from '../contracts/index.ts';
import { systemClock } from '../server/domain/clock.ts';
import { revokeDevice, rotateDeviceSecret } from '../server/commands/device-credentials.ts';
import { listDevices } from '../server/store/devices-repo.ts';
import { listHalls } from '../server/store/halls-repo.ts';
import type { Db } from '../server/store/pool.ts';
import { cliOperator } from './operator.ts';

/**
 * Device security commands (docs/operations.md "Devices"). They run
 * beside a running server: rotate and revoke commit with a NOTIFY on
 * `device_revoked`, and every server listening on the database closes the
 * device's live MQTT connection at once. The same commands as REST
 * (server/commands/device-credentials.ts), audited under the operating-system
 * account (cli/operator.ts).
 */

function check<T>(
  schema: {
    safeParse(
      v: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  v: unknown,
): T {
  const r = schema.safeParse(v);
  if (!r.success)
    throw new HallError(
      'HALL_ERR_BAD_REQUEST',
      r.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; '),
    );
  return r.data;
}

const deviceArg = (args: string[]): string => {
  const { values } = parseArgs({ args, options: { device: { type: 'string' } }, strict: true });
  if (!values.device) throw new HallError('HALL_ERR_BAD_REQUEST', 'device: --device <deviceId> is required');
  return check(deviceParamsSchema, { deviceId: values.device }).deviceId;
};

export const DEVICE_COMMANDS: Record<
  string,
  { usage: string; run(db: Db, args: string[], config: Config): Promise<unknown> }
> = {
  'devices:list': {
    usage: 'devices:list [--hall <hallId>] [--kind <kind>]   (revoked devices included; no secrets)',
    async run(db, args) {
      const { values } = parseArgs({
        args,
        options: { hall: { type: 'string' }, kind: { type: 'string' } },
        strict: true,
      });
      const q = check(deviceListQuerySchema, {
        ...(values.hall ? { hallId: values.hall } : {}),
        ...(values.kind ? { kind: values.kind } : {}),
      });
      const halls = q.hallId ? [q.hallId] : (await listHalls(db, { kind: 'all' })).map((h) => h.id);
      return listDevices(db, halls, q.kind);
    },
  },
  'devices:rotate': {
    usage:
      'devices:rotate --device <deviceId>   (prints the new secret once; the old one stops working, the device is disconnected)',
    async run(db, args) {
      return rotateDeviceSecret(db, deviceArg(args), systemClock.now(), cliOperator());
    },
  },
  'devices:revoke': {
    usage: 'devices:revoke --device <deviceId>   (for good; the running server disconnects the device at once)',
    async run(db, args) {
      return revokeDevice(db, deviceArg(args), systemClock.now(), cliOperator());
    },
  },
};
