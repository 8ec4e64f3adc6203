import { HallError, type CallResult } from '../../contracts/index.ts';
import { findReply } from '../store/inbox-repo.ts';
import type { DeviceIdentity } from '../store/devices-repo.ts';
import { runWindowOp, windowOpSchema, type WindowOpReply } from './window-ops.ts';
import type { CommandDeps, CommandMeta, CommandResult } from './issue-ticket.ts';
import { authorizeCallerOp } from './caller-access.ts';

/**
 * `call.{op}` from a window caller (呼叫器) → the window op of the console
 * (window-ops.ts): the caller speaks every window operation over MQTT, with
 * replies (docs/mqtt.md "Window caller"). The op runs through `runWindowOp`: one transaction
 * with the inbox claim, the hall's seq, the outbox and the stored
 * `call.result` reply, so a redelivery gets that reply and calls nobody twice.
 * A refusal (HallError) rolls back and the ingest answers `down/error`.
 */
export const CALLER_OPS = {
  'call.next': 'next',
  'call.pick': 'pick',
  'call.recall': 'recall',
  'call.skip': 'skip',
  'call.start': 'start',
  'call.transfer': 'transfer',
  'call.complete': 'complete',
  'call.open': 'open',
  'call.pause': 'pause',
  'call.resume': 'resume',
  'call.close': 'close',
  'call.reactivate': 'reactivate',
} as const;
export type CallerOpType = keyof typeof CALLER_OPS;

// The contract's call.result is what window-ops.ts replies (checked when this compiles).
const asCallResult = (r: WindowOpReply): CallResult => r;
void asCallResult;

export async function callerOp(
  deps: CommandDeps,
  d: DeviceIdentity,
  msgId: string,
  type: CallerOpType,
  data: { windowId: string } & Record<string, unknown>,
  meta: CommandMeta = {},
): Promise<CommandResult> {
  const { windowId, ...rest } = data;
  const op = windowOpSchema.safeParse({ op: CALLER_OPS[type], ...rest });
  if (!op.success)
    throw new HallError(
      'HALL_ERR_BAD_DATA',
      undefined,
      op.error.issues.slice(0, 5).map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  let userId: number;
  try {
    ({ userId } = await authorizeCallerOp(deps, d, windowId));
  } catch (e) {
    // A redelivery of a message already answered gets that answer, even if the sign-in ended since.
    const seen = await findReply(deps.db, d.deviceId, msgId);
    if (seen) return { duplicate: true, ...seen };
    throw e;
  }
  const res = await runWindowOp(deps.queue, d.hallId, windowId, op.data, {
    deviceId: d.deviceId,
    msgId,
    userId,
    replyType: 'call.result',
    ...(meta.receivedAt !== undefined ? { receivedAt: meta.receivedAt } : {}),
  });
  // Sockets, displays and the rater get the events from the queue service's commit listener.
  return res.duplicate
    ? { duplicate: true, replyType: res.replyType, reply: res.reply }
    : { duplicate: false, replyType: res.replyType, reply: res.reply, event: null };
}
