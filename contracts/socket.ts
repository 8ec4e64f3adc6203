import { z } from 'zod';
import { hallSnapshotSchema, type HallSnapshot } from './hall.ts';
import { domainEventSchema, type DomainEvent } from './events.ts';
import { idSchema } from './ids.ts';
import type { ErrorBody } from './errors.ts';

/**
 * Socket.IO conventions (DESIGN.md): authenticate with the staff bearer token
 * (`auth: { token }`); rooms `hall:{id}`; on join a `hall:snapshot` with `seq`,
 * then `hall:delta` with `seq`; a client that sees a gap asks `hall:resync`.
 * Client commands are `domain:verb` with an ack; broadcasts are past tense.
 */
export const hallJoinSchema = z.object({ hallId: idSchema }).strict();
export const hallDeltaSchema = z.object({
  hallId: z.string(),
  seq: z.number().int().positive(),
  event: domainEventSchema,
});
export type HallDelta = z.infer<typeof hallDeltaSchema>;
export { hallSnapshotSchema };

export type Ack<T> = (res: { ok: true; data: T } | ({ ok: false } & ErrorBody)) => void;

export interface ServerToClientEvents {
  'hall:snapshot': (s: HallSnapshot) => void;
  'hall:delta': (d: HallDelta) => void;
  /** The session behind this socket ended (logout, revoked, expired, idle); the server closes the socket next. */
  'session:ended': (e: ErrorBody) => void;
}
export interface ClientToServerEvents {
  'hall:join': (req: { hallId: string }, ack: Ack<HallSnapshot>) => void;
  'hall:leave': (req: { hallId: string }, ack: Ack<null>) => void;
  'hall:resync': (req: { hallId: string }, ack: Ack<HallSnapshot>) => void;
}
export type { DomainEvent };
