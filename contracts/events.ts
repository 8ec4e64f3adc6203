import { z } from 'zod';
import { deviceKindSchema } from './ids.ts';
import { queueEventSchemas, ticketClassSchema, waitRangeSchema } from './queue-events.ts';

/**
 * Domain events. Each is written to the outbox in the same transaction as the
 * change it describes and carries the hall's sequence number `(hallId, seq)`
 * (DESIGN.md principle 2). Personal data never appears here, only masked.
 */
const base = { hallId: z.string(), seq: z.number().int().positive(), at: z.string() };

export const ticketIssuedEventSchema = z.object({
  ...base,
  type: z.literal('ticket.issued'),
  data: z.object({
    ticketId: z.string(),
    ticketNo: z.string(),
    queueId: z.string(),
    itemCode: z.string(),
    deviceId: z.string().nullable(),
    waiting: z.number().int().nonnegative(),
    issuedToday: z.number().int().nonnegative(),
    applicantKey: z.string().nullable(),
    /** The class the ticket was taken as, people ahead and the wait range on the slip (001 §1.1.1.15). */
    class: ticketClassSchema.optional(),
    waitingAhead: z.number().int().nonnegative().optional(),
    estimate: waitRangeSchema.nullable().optional(),
  }),
});
export const deviceOnlineEventSchema = z.object({
  ...base,
  type: z.enum(['device.online', 'device.offline']),
  data: z.object({ deviceId: z.string(), kind: deviceKindSchema }),
});
export const deviceStatusEventSchema = z.object({
  ...base,
  type: z.literal('device.status'),
  data: z.object({ deviceId: z.string(), kind: deviceKindSchema, status: z.record(z.string(), z.unknown()) }),
});

/**
 * People counted per zone by a video channel (视频通道, DOMAIN.md "Devices"):
 * telemetry, but a hall event all the same, so it reaches ClickHouse through
 * the outbox like everything else (analytics/clickhouse.ts `zone_counts`).
 */
export const zoneCountedEventSchema = z.object({
  ...base,
  type: z.literal('zone.counted'),
  data: z.object({
    deviceId: z.string(),
    zones: z.array(z.object({ zone: z.string(), people: z.number().int().nonnegative() })),
  }),
});

export const domainEventSchema = z.discriminatedUnion('type', [
  ticketIssuedEventSchema,
  deviceOnlineEventSchema,
  deviceStatusEventSchema,
  zoneCountedEventSchema,
  ...queueEventSchemas,
]);
export type DomainEvent = z.infer<typeof domainEventSchema>;
export type TicketIssuedEvent = z.infer<typeof ticketIssuedEventSchema>;
