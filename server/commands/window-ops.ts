import { z } from 'zod';
import { HallError } from '../../contracts/index.ts';
import { findTicketByNo, type Command, type HallDayState } from '../domain/queue/index.ts';
import type { QueueCommitted, QueueService, RunContext, RunResult } from './queue-service.ts';

/**
 * What staff do at a window (呼叫端 / 呼叫器, 001 §1.1.1.16), one shape
 * for the window caller's MQTT messages and the console's REST calls. Tickets
 * are named by their number (what the clerk sees and the caller's keypad
 * types); the number is resolved to the ticket under the hall lock. Where the
 * op acts on the window's current ticket, the number is optional; given, it
 * must be the current one, so a stale press is refused instead of acting on
 * the next citizen.
 */
const ticketNo = z.string().min(1).max(16);
export const windowOpSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('next') }).strict(),
  z.object({ op: z.literal('pick'), ticketNo, reason: z.string().min(1).max(200).optional() }).strict(),
  z.object({ op: z.enum(['recall', 'skip', 'start']), ticketNo: ticketNo.optional() }).strict(),
  z
    .object({
      op: z.literal('transfer'),
      ticketNo: ticketNo.optional(),
      toQueueId: z.string().max(64).optional(),
      toWindowId: z.string().max(64).optional(),
    })
    .strict()
    .refine((t) => t.toQueueId !== undefined || t.toWindowId !== undefined, {
      message: 'transfer needs toQueueId or toWindowId',
      path: ['toQueueId'],
    }),
  z
    .object({
      op: z.literal('complete'),
      ticketNo: ticketNo.optional(),
      outcome: z.enum(['done', 'refused', 'incomplete']).default('done'),
    })
    .strict(),
  z.object({ op: z.enum(['open', 'pause', 'resume', 'close']) }).strict(),
  z.object({ op: z.literal('reactivate'), ticketNo }).strict(),
]);
export type WindowOp = z.infer<typeof windowOpSchema>;

function idOf(state: HallDayState, no: string | undefined): string | undefined {
  if (no === undefined) return undefined;
  const t = findTicketByNo(state, no.toUpperCase());
  if (!t) throw new HallError('HALL_ERR_NOT_FOUND', `no ticket ${no} today`);
  return t.id;
}

/** The engine command for an op at `windowId`, built from the state under the lock. */
export function commandOf(windowId: string, op: WindowOp, state: HallDayState): Command {
  const opt = <K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } =>
    v === undefined ? {} : ({ [k]: v } as { [P in K]: V });
  switch (op.op) {
    case 'next':
      return { type: 'call-next', windowId };
    case 'pick':
      return { type: 'call-ticket', windowId, ticketId: idOf(state, op.ticketNo)!, ...opt('reason', op.reason) };
    case 'recall':
      return { type: 'recall', windowId, ...opt('ticketId', idOf(state, op.ticketNo)) };
    case 'skip':
      return { type: 'skip', windowId, ...opt('ticketId', idOf(state, op.ticketNo)) };
    case 'start':
      return { type: 'start', windowId, ...opt('ticketId', idOf(state, op.ticketNo)) };
    case 'transfer':
      return {
        type: 'transfer',
        windowId,
        ...opt('ticketId', idOf(state, op.ticketNo)),
        ...opt('toQueueId', op.toQueueId),
        ...opt('toWindowId', op.toWindowId),
      };
    case 'complete':
      return { type: 'complete', windowId, outcome: op.outcome, ...opt('ticketId', idOf(state, op.ticketNo)) };
    case 'open':
      return { type: 'window.open', windowId };
    case 'pause':
      return { type: 'window.pause', windowId };
    case 'resume':
      return { type: 'window.resume', windowId };
    case 'close':
      return { type: 'window.close', windowId };
    case 'reactivate':
      return { type: 'reactivate', ticketId: idOf(state, op.ticketNo)! };
  }
}

/** What a caller or the console gets back: the window as it now stands. */
export interface WindowOpReply {
  seq: number;
  events: string[];
  window: { id: string; no: string; status: string; served: number };
  current: { ticketId: string; ticketNo: string; status: string; queueId: string; class: string } | null;
}

export function windowReply(c: QueueCommitted, windowId: string): WindowOpReply {
  const w = c.state.windows[windowId];
  const cfg = c.config.windows.find((x) => x.id === windowId);
  const cur = w?.current !== undefined ? c.state.tickets[w.current] : undefined;
  return {
    seq: c.events.at(-1)?.seq ?? 0,
    events: c.events.map((e) => e.type),
    window: { id: windowId, no: cfg?.no ?? '', status: w?.status ?? 'closed', served: w?.served ?? 0 },
    current: cur
      ? { ticketId: cur.id, ticketNo: cur.no, status: cur.status, queueId: cur.queueId, class: cur.class }
      : null,
  };
}

/** Runs one op at a window of a hall; the reply is stored for device redeliveries when ctx names the message. */
export function runWindowOp(
  queue: QueueService,
  hallId: string,
  windowId: string,
  op: WindowOp,
  ctx: Omit<RunContext, 'reply'> & { replyType?: string } = {},
): Promise<RunResult> {
  const { replyType, ...rest } = ctx;
  return queue.run(hallId, (state) => commandOf(windowId, op, state), {
    ...rest,
    reply: (c) => ({ replyType: replyType ?? 'call.result', reply: windowReply(c, windowId) }),
  });
}
