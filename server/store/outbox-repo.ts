import type { DomainEvent } from '../../contracts/index.ts';
import type { Tx } from './pool.ts';

type EventBody = Omit<DomainEvent, 'seq' | 'hallId' | 'at'> & { data: unknown };

/**
 * Takes the hall's next sequence number and writes the event to the outbox,
 * inside the caller's transaction (DESIGN.md principles 1–2). The UPDATE locks
 * the hall row until commit, so every writer of one hall goes in seq order,
 * across processes. Whatever the transaction must read consistently with
 * its seq (counts shown on the wall) is read in a statement AFTER this one,
 * so its snapshot already includes every lower seq's commit. Take it as late
 * as that allows: the lock is held until COMMIT.
 */
export async function takeHallSeq(tx: Tx, hallId: string): Promise<number> {
  const r = await tx.query<{ seq: number }>({
    name: 'hall-seq',
    text: 'UPDATE halls SET seq = seq + 1 WHERE id = $1 RETURNING seq',
    values: [hallId],
  });
  if (r.rowCount === 0) throw new Error(`no hall ${hallId}`);
  return r.rows[0]!.seq;
}

export function eventOf(hallId: string, seq: number, at: Date, body: EventBody): DomainEvent {
  return { ...body, hallId, seq, at: at.toISOString() } as DomainEvent;
}

export async function writeOutbox(
  tx: Tx,
  hallId: string,
  seq: number,
  at: Date,
  body: EventBody,
): Promise<DomainEvent> {
  const event = eventOf(hallId, seq, at, body);
  await tx.query('INSERT INTO outbox (hall_id, seq, type, payload, created_at) VALUES ($1, $2, $3, $4, $5)', [
    hallId,
    seq,
    event.type,
    event,
    at,
  ]);
  return event;
}

/**
 * The outbox row and the device's stored reply (inbox, for redeliveries) in
 * one statement: one round trip fewer while the hall lock is held.
 */
export async function writeOutboxAndReply(
  tx: Tx,
  event: DomainEvent,
  at: Date,
  r: { deviceId: string; msgId: string; replyType: string; reply: unknown },
): Promise<void> {
  await tx.query({
    name: 'outbox-and-reply',
    text: `WITH o AS (INSERT INTO outbox (hall_id, seq, type, payload, created_at) VALUES ($1, $2, $3, $4, $5))
      UPDATE inbox SET reply_type = $8, reply = $9 WHERE device_id = $6 AND msg_id = $7`,
    values: [event.hallId, event.seq, event.type, event, at, r.deviceId, r.msgId, r.replyType, JSON.stringify(r.reply)],
  });
}
