import { z } from 'zod';
import { messageTypeSchema } from './mqtt-topics.ts';
import { errorCodeSchema } from './errors.ts';

/**
 * Payload envelope of every MQTT message (DESIGN.md): `id` is the device's
 * message id and the idempotency key; a reply carries the request's id as `re`.
 */
export const envelopeSchema = z
  .object({
    v: z.literal(1),
    id: z.string().min(1).max(64),
    ts: z.number().int().nonnegative().or(z.iso.datetime()),
    type: messageTypeSchema,
    data: z.unknown(),
    re: z.string().min(1).max(64).optional(),
  })
  .strict();
export type Envelope<T = unknown> = Omit<z.infer<typeof envelopeSchema>, 'data'> & { data: T };

/** Data of a `down/error` reply. */
export const deviceErrorSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  details: z.unknown().optional(),
});
export type DeviceError = z.infer<typeof deviceErrorSchema>;

/** Largest payload the ingest reads; bigger ones are refused with HALL_ERR_PAYLOAD_TOO_LARGE. */
export const MAX_PAYLOAD_BYTES = 16 * 1024;
