import type { DomainEvent } from '../../contracts/index.ts';
import type { Tx } from './pool.ts';

type EventBody = Omit<DomainEvent, 'seq' | 'hallId' | 'at'> & { data: unknown };

/**
 * Takes the hall's next sequence number and writes the event to the outbox,
 * inside the caller's transaction (DESIGN.md principles 1–2). The UPDATE locks
 * the hall row until commit, so every writer of one hall goes in seq order,
 * across processes. Call it FIRST in a transaction so that what the
 * transaction reads afterwards is already serialized behind that lock.
 */
export async function takeHallSeq(tx: Tx, hallId: string): Promise<number> {
  const r = await tx.query<{ seq: number }>('UPDATE halls SET seq = seq + 1 WHERE id = $1 RETURNING seq', [hallId]);
  if (r.rowCount === 0) throw new Error(`no hall ${hallId}`);
  return r.rows[0]!.seq;
}

export async function writeOutbox(tx: Tx, hallId: string, seq: number, at: Date, body: EventBody): Promise<DomainEvent> {
  const event = { ...body, hallId, seq, at: at.toISOString() } as DomainEvent;
  await tx.query('INSERT INTO outbox (hall_id, seq, type, payload, created_at) VALUES ($1, $2, $3, $4, $5)', [hallId, seq, event.type, event, at]);
  return event;
}
