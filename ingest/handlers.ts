import type { z } from 'zod';
import { HallError, upMessages, type CallerSignin, type DeviceKind, type DomainEvent, type TicketRequest, type TicketerStatus, type CameraCount } from '../contracts/index.ts';
import { issueTicket, type CommandDeps, type CommandMeta, type CommandResult } from '../server/commands/issue-ticket.ts';
import { recordStatus } from '../server/commands/device-presence.ts';
import { callerSignIn, callerSignOut } from '../server/commands/caller-signin.ts';
import { CALLER_OPS, callerOp, type CallerOpType } from '../server/commands/caller-ops.ts';
import type { DeviceIdentity } from '../server/store/devices-repo.ts';

export type HandlerResult = CommandResult | { duplicate: false; replyType: null; reply: null; event: DomainEvent | null };
type Handler = (deps: CommandDeps, d: DeviceIdentity, msgId: string, data: unknown, meta: CommandMeta) => Promise<HandlerResult>;

/**
 * What the ingest does with each `up/{type}`. Types the contracts define but
 * no capability handles yet (ratings: issue 6) are refused with
 * HALL_ERR_NOT_SUPPORTED, so a device learns it at once instead of waiting.
 * The window caller's sign-in and operations are issue 4 (server/commands/caller-*.ts).
 */
const HANDLERS: Partial<Record<string, Handler>> = {
  'ticketer/ticket.request': (deps, d, id, data, meta) => issueTicket(deps, d, id, data as TicketRequest, meta),
  'ticketer/device.status': async (deps, d, id, data) => ({ duplicate: false, replyType: null, reply: null, event: await recordStatus(deps, d, id, data as TicketerStatus) }),
  'camera/camera.count': async (deps, d, _id, data) => {
    // People counts are telemetry for issue 5's models: logged, not a hall change (no seq, no delta).
    await deps.db.query('INSERT INTO device_state_log (at, device_id, hall_id, state, status) VALUES ($1, $2, $3, $4, $5)',
      [deps.clock.now(), d.deviceId, d.hallId, 'count', data as CameraCount]);
    return { duplicate: false, replyType: null, reply: null, event: null };
  },
  'caller/caller.signin': (deps, d, id, data) => callerSignIn(deps, d, id, data as CallerSignin),
  'caller/caller.signout': (deps, d, id, data) => callerSignOut(deps, d, id, data as { windowId: string }),
  ...Object.fromEntries(Object.keys(CALLER_OPS).map((type): [string, Handler] => [
    `caller/${type}`, (deps, d, id, data, meta) => callerOp(deps, d, id, type as CallerOpType, data as { windowId: string }, meta),
  ])),
};

export function schemaFor(kind: DeviceKind, type: string): z.ZodType | undefined {
  return (upMessages[kind] as Record<string, z.ZodType>)[type];
}

export function handlerFor(kind: DeviceKind, type: string): Handler {
  const h = HANDLERS[`${kind}/${type}`];
  if (!h) return async () => { throw new HallError('HALL_ERR_NOT_SUPPORTED', `${type} from a ${kind} is not handled by this version`); };
  return h;
}
