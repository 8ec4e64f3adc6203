import { z } from 'zod';

/**
 * Domain events of queue assignment and calling (001 §1.1.1.15–17).
 * The engine (server/domain/queue/events.ts) says what happened; the adapter
 * wraps each as `{hallId, seq, at, type, data}` in the operation's
 * transaction. Only ticket numbers and ids travel here, never personal data.
 */
const base = { hallId: z.string(), seq: z.number().int().positive(), at: z.string() };
const ticketRef = { ticketId: z.string(), ticketNo: z.string() };
/** `staffId`: the user id of the staff who acted at the window (console or caller), when one did; none from the engine itself. */
const windowRef = { windowId: z.string(), windowNo: z.string(), staffId: z.string().optional() };
export const ticketClassSchema = z.enum(['walk-in', 'appointment', 'green', 'transferred-back']);
export const outcomeSchema = z.enum(['done', 'refused', 'incomplete']);
export const displayLineSchema = z.object({ text: z.string(), voice: z.string() });
export const waitRangeSchema = z.object({ lowMin: z.number().nonnegative(), highMin: z.number().nonnegative() });

const ev = <T extends string, D extends z.ZodRawShape>(type: T, data: D) =>
  z.object({ ...base, type: z.literal(type), data: z.object(data) });

export const ticketCalledEventSchema = ev('ticket.called', {
  ...ticketRef,
  ...windowRef,
  queueId: z.string(),
  class: ticketClassSchema,
  waitedMin: z.number(),
  /** 1 for the ticket's first call, 2 after a skip-return or a transfer, …; recalls are not calls. */
  call: z.number().int().positive(),
  outOfOrder: z.boolean(),
  reason: z.string().optional(),
  display: displayLineSchema,
});
export const queueEventSchemas = [
  ticketCalledEventSchema,
  ev('ticket.recalled', { ...ticketRef, ...windowRef, recalls: z.number().int(), display: displayLineSchema }),
  ev('ticket.skipped', {
    ...ticketRef,
    ...windowRef,
    skipCount: z.number().int(),
    then: z.enum(['return', 'drop']),
    returnAfterCalls: z.number().int().optional(),
  }),
  ev('ticket.returned', { ...ticketRef, queueId: z.string() }),
  ev('ticket.reactivated', { ...ticketRef, queueId: z.string() }),
  ev('ticket.dropped', { ...ticketRef, queueId: z.string(), reason: z.enum(['no-show', 'day-end']) }),
  ev('ticket.transferred', {
    ...ticketRef,
    ...windowRef,
    fromQueueId: z.string(),
    toQueueId: z.string(),
    toWindowId: z.string().optional(),
    class: ticketClassSchema,
  }),
  ev('ticket.untargeted', { ...ticketRef, queueId: z.string(), fromWindowId: z.string() }),
  ev('service.started', { ...ticketRef, ...windowRef }),
  ev('ticket.completed', {
    ...ticketRef,
    ...windowRef,
    queueId: z.string(),
    itemCode: z.string(),
    outcome: outcomeSchema,
    serviceMin: z.number(),
  }),
  ev('case.opened', {
    ...ticketRef,
    ...windowRef,
    caseId: z.string(),
    queueId: z.string(),
    itemCode: z.string(),
    departmentId: z.string(),
    outcome: outcomeSchema,
    takenAt: z.string(),
    calledAt: z.string(),
    startedAt: z.string(),
    endedAt: z.string(),
  }),
  ev('rating.prompt', { ...ticketRef, ...windowRef, raterDeviceId: z.string().nullable() }),
  ev('window.opened', windowRef),
  ev('window.paused', windowRef),
  ev('window.resumed', windowRef),
  ev('window.closed', windowRef),
  ev('day.rolled', { fromDay: z.string(), toDay: z.string(), dropped: z.number().int() }),
] as const;
export type TicketCalledEvent = z.infer<typeof ticketCalledEventSchema>;
