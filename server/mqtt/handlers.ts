import type { z } from 'zod';
import {
  HallError,
  upMessages,
  type CallerSignin,
  type DeviceKind,
  type DomainEvent,
  type TicketRequest,
  type TicketerStatus,
  type CameraCount,
} from '../../contracts/index.ts';
import { issueTicket, type CommandDeps, type CommandMeta, type CommandResult } from '../commands/issue-ticket.ts';
import { recordStatus, recordZoneCount } from '../commands/device-presence.ts';
import { callerSignIn, callerSignOut } from '../commands/caller-signin.ts';
import { CALLER_OPS, callerOp, type CallerOpType } from '../commands/caller-ops.ts';
import type { DeviceIdentity } from '../store/devices-repo.ts';

export type HandlerResult =
  CommandResult | { duplicate: false; replyType: null; reply: null; event: DomainEvent | null };
type Handler = (
  deps: CommandDeps,
  d: DeviceIdentity,
  msgId: string,
  data: unknown,
  meta: CommandMeta,
) => Promise<HandlerResult>;

/**
 * What the ingest does with each `up/{type}`. Types the contracts define but
 * no capability handles yet (ratings: DOMAIN.md "Reviews") are refused with
 * HALL_ERR_NOT_SUPPORTED, so a device learns it at once instead of waiting.
 * The window caller's sign-in and operations are server/commands/caller-*.ts (docs/mqtt.md "Window caller").
 */
const HANDLERS: Partial<Record<string, Handler>> = {
  'ticketer/ticket.request': (deps, d, id, data, meta) => issueTicket(deps, d, id, data as TicketRequest, meta),
  'ticketer/device.status': async (deps, d, id, data) => ({
    duplicate: false,
    replyType: null,
    reply: null,
    event: await recordStatus(deps, d, id, data as TicketerStatus),
  }),
  // People per zone: a hall event (zone.counted) so the relay takes it to ClickHouse (docs/analytics.md "Schema").
  'camera/camera.count': async (deps, d, id, data) => ({
    duplicate: false,
    replyType: null,
    reply: null,
    event: await recordZoneCount(deps, d, id, data as CameraCount),
  }),
  'caller/caller.signin': (deps, d, id, data) => callerSignIn(deps, d, id, data as CallerSignin),
  'caller/caller.signout': (deps, d, id, data) => callerSignOut(deps, d, id, data as { windowId: string }),
  ...Object.fromEntries(
    Object.keys(CALLER_OPS).map((type): [string, Handler] => [
      `caller/${type}`,
      (deps, d, id, data, meta) => callerOp(deps, d, id, type as CallerOpType, data as { windowId: string }, meta),
    ]),
  ),
};

export function schemaFor(kind: DeviceKind, type: string): z.ZodType | undefined {
  return (upMessages[kind] as Record<string, z.ZodType>)[type];
}

export function handlerFor(kind: DeviceKind, type: string): Handler {
  const h = HANDLERS[`${kind}/${type}`];
  if (!h)
    return async () => {
      throw new HallError('HALL_ERR_NOT_SUPPORTED', `${type} from a ${kind} is not handled by this version`);
    };
  return h;
}
