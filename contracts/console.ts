import { z } from 'zod';

/**
 * The window console (呼叫端, 001 §1.1.1.16) and the citizen's
 * ticket page (docs/console.md: place in line, estimated wait,
 * a live "please go to window 5" notice). REST bodies as zod schemas; the
 * server parses requests with them and the e2e tests parse responses with
 * them, so a drift fails a test instead of a screen.
 *
 * Personal data: only masked values appear here (DESIGN.md principle 8;
 * server/domain/masking.ts). The citizen's schema has no personal field at all.
 */

export const windowStatusSchema = z.enum(['open', 'paused', 'closed']);
export const ticketClassSchema = z.enum(['walk-in', 'appointment', 'green', 'transferred-back']);
export const ticketStatusSchema = z.enum(['waiting', 'called', 'serving', 'done', 'skipped', 'dropped']);
export const estimateSchema = z.object({
  lowMin: z.number().int().nonnegative(),
  highMin: z.number().int().nonnegative(),
});

/** Who works at a window now (server/store/window-staff-repo.ts). */
export const windowStaffSchema = z.object({
  username: z.string(),
  via: z.enum(['console', 'caller']),
  since: z.string(),
  /** The caller of this request is the one signed in. */
  me: z.boolean(),
});

/** One line of the console's window chooser. */
export const windowSummarySchema = z.object({
  id: z.string(),
  no: z.string(),
  name: z.string().nullable(),
  status: windowStatusSchema,
  currentTicketNo: z.string().nullable(),
  served: z.number().int().nonnegative(),
  staff: windowStaffSchema.nullable(),
  /** Queues the window serves now (its time period); empty outside every period. */
  queues: z.array(z.object({ id: z.string(), name: z.string() })),
});
export type WindowSummary = z.infer<typeof windowSummarySchema>;

export const hallWindowsResponseSchema = z.object({
  hallId: z.string(),
  hallName: z.string(),
  windows: z.array(windowSummarySchema),
});
export type HallWindowsResponse = z.infer<typeof hallWindowsResponseSchema>;

/**
 * Sign-in at a window from the console. Someone else signed in there is a
 * 409 HALL_ERR_CONFLICT unless `takeOver` (the console asks first): a window
 * changes hands knowingly, never by a mis-tap.
 */
export const windowSignInBodySchema = z.object({ takeOver: z.boolean().optional() }).strict();
export type WindowSignInBody = z.infer<typeof windowSignInBodySchema>;

/** What leaving a window did to it: closed (held no ticket), paused (still holds one), or nothing. */
export const leaveActionSchema = z.enum(['closed', 'paused', 'none']);
export const windowSignInResponseSchema = z.object({
  window: windowSummarySchema,
  /** The window was opened by this sign-in (it was closed or paused). */
  opened: z.boolean(),
  /** The window the user left by signing in here, if any. */
  left: z.object({ windowId: z.string(), action: leaveActionSchema }).nullable(),
});
export type WindowSignInResponse = z.infer<typeof windowSignInResponseSchema>;
export const windowSignOutResponseSchema = z.object({ window: windowSummarySchema, action: leaveActionSchema });
export type WindowSignOutResponse = z.infer<typeof windowSignOutResponseSchema>;

/** The ticket the window holds now. */
export const consoleCurrentSchema = z.object({
  ticketId: z.string(),
  ticketNo: z.string(),
  status: ticketStatusSchema,
  class: ticketClassSchema,
  queue: z.object({ id: z.string(), name: z.string() }),
  item: z.object({ code: z.string(), name: z.string() }),
  takenAt: z.string(),
  calledAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  /** Minutes from taking the ticket to the call. */
  waitedMin: z.number().int().nonnegative(),
  calls: z.number().int().nonnegative(),
  recalls: z.number().int().nonnegative(),
  transfers: z.number().int().nonnegative(),
  /** Masked on the server (2301**********123X); null when the ticket was taken without an ID. */
  idNumberMasked: z.string().nullable(),
  nameMasked: z.string().nullable(),
});
export type ConsoleCurrent = z.infer<typeof consoleCurrentSchema>;

/** A waiting ticket the window may call, in call order. */
export const consoleWaitingSchema = z.object({
  ticketId: z.string(),
  ticketNo: z.string(),
  class: ticketClassSchema,
  queueId: z.string(),
  itemCode: z.string(),
  itemName: z.string(),
  takenAt: z.string(),
  waitedMin: z.number().int().nonnegative(),
  /** Waited past the starvation limit: at the front of its class. */
  starving: z.boolean(),
  /** Transferred to this window. */
  transferredHere: z.boolean(),
  waitingAhead: z.number().int().nonnegative(),
  estimate: estimateSchema.nullable(),
});
export type ConsoleWaiting = z.infer<typeof consoleWaitingSchema>;

export const consoleQueueSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  weight: z.number(),
  waiting: z.number().int().nonnegative(),
});

/** A no-show the window skipped that a late comer may still re-activate. */
export const consoleSkippedSchema = z.object({
  ticketId: z.string(),
  ticketNo: z.string(),
  queueId: z.string(),
  status: z.enum(['skipped', 'dropped']),
  skippedAt: z.string(),
  reactivateUntil: z.string(),
});

export const consoleFiguresSchema = z.object({
  username: z.string(),
  /** Tickets this user completed today (办结), any outcome. */
  served: z.number().int().nonnegative(),
  /** Mean of ended − started over those tickets, minutes; null before the first. */
  avgHandlingMin: z.number().nonnegative().nullable(),
  /** Ratings (好差评) arrive with reviews (DOMAIN.md "Reviews"); null until then, never a made-up 0. */
  ratingsReceived: z.number().int().nonnegative().nullable(),
  ratingsNote: z.string().nullable(),
});

export const pressureLevelSchema = z.enum(['clear', 'normal', 'busy', 'crowded', 'saturated']);
export const consolePressureSchema = z.object({
  /** Minutes to clear the hall's line with the windows open now; null when nobody waits or no window is open. */
  value: z.number().nonnegative().nullable(),
  level: pressureLevelSchema,
  waiting: z.number().int().nonnegative(),
  openWindows: z.number().int().nonnegative(),
});

export const consoleResponseSchema = z.object({
  hallId: z.string(),
  hallName: z.string(),
  day: z.string(),
  at: z.string(),
  window: windowSummarySchema,
  current: consoleCurrentSchema.nullable(),
  queues: z.array(consoleQueueSchema),
  waiting: z.array(consoleWaitingSchema),
  skipped: z.array(consoleSkippedSchema),
  figures: consoleFiguresSchema,
  pressure: consolePressureSchema,
  /** Targets of the transfer dialog. */
  transferTargets: z.object({
    queues: z.array(z.object({ id: z.string(), name: z.string(), prefix: z.string() })),
    windows: z.array(z.object({ id: z.string(), no: z.string(), status: windowStatusSchema })),
  }),
});
export type ConsoleResponse = z.infer<typeof consoleResponseSchema>;

/** The citizen's ticket page (/t/{ticketId}); public, so nothing personal. */
export const publicTicketParamsSchema = z.object({ ticketId: z.uuid() });
export const publicTicketResponseSchema = z
  .object({
    ticketId: z.string(),
    hallName: z.string(),
    ticketNo: z.string(),
    queueName: z.string(),
    status: ticketStatusSchema,
    /** While waiting: tickets of the same line called before this one. */
    waitingAhead: z.number().int().nonnegative().nullable(),
    estimate: estimateSchema.nullable(),
    /** When called or being served: where to go, and the line the LED and the voice say. */
    windowNo: z.string().nullable(),
    callText: z.string().nullable(),
    at: z.string(),
  })
  .strict();
export type PublicTicketResponse = z.infer<typeof publicTicketResponseSchema>;
