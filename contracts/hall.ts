import { z } from 'zod';
import { deviceKindSchema } from './ids.ts';
import { waitRangeSchema } from './queue-events.ts';
import { demoPaceSchema } from './sim.ts';

/** One queue on the live hall screen. */
export const queueStateSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  waiting: z.number().int().nonnegative(),
  issuedToday: z.number().int().nonnegative(),
  lastTicketNo: z.string().nullable(),
  /**
   * The wall: the wait range a walk-in ticket taken now would get (the
   * engine's estimateFor, server/domain/queue/wait-estimate.ts); null when no
   * open window serves the queue now.
   */
  estimate: waitRangeSchema.nullable(),
  /** Whole minutes the longest-waiting ticket of the queue has waited at `at`; null when nobody waits. */
  longestWaitMin: z.number().int().nonnegative().nullable(),
});
export const deviceStateRowSchema = z.object({
  id: z.string(),
  kind: deviceKindSchema,
  online: z.boolean(),
  lastSeenAt: z.string().nullable(),
  status: z.record(z.string(), z.unknown()).nullable(),
});
/** Window status (001 §1.1.1.16): only an open window calls. */
export const wallWindowStatusSchema = z.enum(['open', 'paused', 'closed']);
export const windowStateSchema = z.object({
  id: z.string(),
  no: z.string(),
  name: z.string(),
  /** Queues the window is configured for all day (window_queues). */
  queueIds: z.array(z.string()),
  // The wall:
  status: wallWindowStatusSchema,
  /** The ticket called to or served at the window now. */
  current: z.object({ ticketNo: z.string(), status: z.enum(['called', 'serving']) }).nullable(),
  /** Completions today. */
  served: z.number().int().nonnegative(),
  /** Username of the staff signed in at the window (window_staff), if any. */
  staff: z.string().nullable(),
  /** Queues the window serves at `at` (its time period, 按时间段). */
  queuesNow: z.array(z.string()),
});
/** One call on the LED/voice (请A001号到5号窗口办理): a call or a recall (重呼). */
export const recentCallSchema = z.object({
  ticketNo: z.string(),
  windowNo: z.string(),
  at: z.string(),
  recall: z.boolean(),
});
export const wallPressureLevelSchema = z.enum(['clear', 'normal', 'busy', 'crowded', 'saturated']);
/** The hall's pressure value (压力值, server/domain/queue/pressure.ts hallPressure). */
export const hallPressureSchema = z.object({
  waiting: z.number().int().nonnegative(),
  openWindows: z.number().int().nonnegative(),
  /** Minutes to clear the line with the windows open now; null when nobody waits or no window is open. */
  clearMin: z.number().nonnegative().nullable(),
  level: wallPressureLevelSchema,
});

/** A hall's live state as the wall shows it; `seq` is the hall's sequence number at the moment it was read. */
export const hallSnapshotSchema = z.object({
  hallId: z.string(),
  name: z.string(),
  regionCode: z.string(),
  seq: z.number().int().nonnegative(),
  queues: z.array(queueStateSchema),
  windows: z.array(windowStateSchema),
  devices: z.array(deviceStateRowSchema),
  recentTickets: z.array(z.object({ ticketNo: z.string(), queueId: z.string(), issuedAt: z.string() })),
  /** The last calls and recalls of the hall day, newest first. */
  recentCalls: z.array(recentCallSchema),
  pressure: hallPressureSchema,
  at: z.string(),
  /**
   * Present only when the server's device simulator drives this hall: its pace
   * (DEMO_PACE). `always` means the arrivals ignore opening hours, and the wall
   * says so, so nobody takes a busy wall at 03:00 for real demand.
   */
  demoPace: demoPaceSchema.optional(),
});
export type HallSnapshot = z.infer<typeof hallSnapshotSchema>;
export type QueueState = z.infer<typeof queueStateSchema>;
export type WindowStateRow = z.infer<typeof windowStateSchema>;
export type RecentCall = z.infer<typeof recentCallSchema>;
export type HallPressure = z.infer<typeof hallPressureSchema>;
export type PressureLevelName = z.infer<typeof wallPressureLevelSchema>;

export const hallSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  regionCode: z.string(),
  level: z.enum(['city', 'district', 'town', 'village']),
  address: z.string().nullable(),
  items: z.array(z.object({ code: z.string(), name: z.string(), department: z.string(), queueId: z.string() })),
});
export type HallSummary = z.infer<typeof hallSummarySchema>;

/** `GET /api/halls`: the halls the caller may see (the server filters by role and region). */
export const hallListResponseSchema = z.object({ halls: z.array(hallSummarySchema) });
export type HallListResponse = z.infer<typeof hallListResponseSchema>;
