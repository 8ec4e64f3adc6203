import { parseArgs } from 'node:util';
import { deviceAddBodySchema, userAddBodySchema, HallError } from '../contracts/index.ts';
import { systemClock } from '../server/domain/clock.ts';
import { provisionDevice, provisionUser } from '../server/commands/provisioning.ts';
import { listHalls } from '../server/store/halls-repo.ts';
import type { Db } from '../server/store/pool.ts';
import type { Config } from '../contracts/index.ts';
import { AUDIT_COMMANDS } from './audit-commands.ts';
import { DEVICE_COMMANDS } from './device-commands.ts';
import { KEY_COMMANDS } from './key-commands.ts';
import { cliOperator } from './operator.ts';

/**
 * Provisioning commands (README "Everyday commands"). Each prints one JSON document on stdout
 * so scripts can read it; errors go to stderr with their code.
 */
export const COMMANDS: Record<
  string,
  { usage: string; run(db: Db, args: string[], config: Config): Promise<unknown> }
> = {
  ...AUDIT_COMMANDS,
  ...DEVICE_COMMANDS,
  ...KEY_COMMANDS,
  'devices:add': {
    usage: 'devices:add --hall <hallId> --kind <ticketer|caller|rater|camera|display> [--id <deviceId>]',
    async run(db, args) {
      const { values } = parseArgs({
        args,
        options: { hall: { type: 'string' }, kind: { type: 'string' }, id: { type: 'string' } },
        strict: true,
      });
      const b = validate(deviceAddBodySchema, {
        hallId: values.hall,
        kind: values.kind,
        ...(values.id ? { deviceId: values.id } : {}),
      });
      // Audited like `POST /api/devices`, under the operating-system account.
      return provisionDevice(db, systemClock.now(), cliOperator(), b, 'cli');
    },
  },
  'halls:list': {
    usage: 'halls:list',
    async run(db) {
      return listHalls(db, { kind: 'all' });
    },
  },
  'users:add': {
    usage: 'users:add --role <role> [--hall <hallId>] [--region <code>] [--username <name>]',
    async run(db, args) {
      const { values } = parseArgs({
        args,
        options: {
          role: { type: 'string' },
          hall: { type: 'string' },
          region: { type: 'string' },
          username: { type: 'string' },
        },
        strict: true,
      });
      const b = validate(userAddBodySchema, {
        role: values.role,
        ...(values.hall ? { hallId: values.hall } : {}),
        ...(values.region ? { regionCode: values.region } : {}),
        ...(values.username ? { username: values.username } : {}),
      });
      // Audited like `POST /api/users`, under the operating-system account.
      return provisionUser(db, systemClock.now(), cliOperator(), b, 'cli');
    },
  },
};

function validate<T>(
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
