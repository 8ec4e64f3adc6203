import { z } from 'zod';
import { deviceKindSchema } from './ids.ts';

/** One queue on the live hall screen. */
export const queueStateSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  waiting: z.number().int().nonnegative(),
  issuedToday: z.number().int().nonnegative(),
  lastTicketNo: z.string().nullable(),
});
export const deviceStateRowSchema = z.object({
  id: z.string(),
  kind: deviceKindSchema,
  online: z.boolean(),
  lastSeenAt: z.string().nullable(),
  status: z.record(z.string(), z.unknown()).nullable(),
});
export const windowStateSchema = z.object({ id: z.string(), no: z.string(), name: z.string(), queueIds: z.array(z.string()) });

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
  at: z.string(),
});
export type HallSnapshot = z.infer<typeof hallSnapshotSchema>;
export type QueueState = z.infer<typeof queueStateSchema>;

export const hallSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  regionCode: z.string(),
  level: z.enum(['city', 'district', 'town', 'village']),
  address: z.string().nullable(),
  items: z.array(z.object({ code: z.string(), name: z.string(), department: z.string(), queueId: z.string() })),
});
export type HallSummary = z.infer<typeof hallSummarySchema>;
