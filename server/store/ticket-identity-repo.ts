import type { Db } from './pool.ts';

/** A ticket's encrypted personal data (docs/personal-data.md); decrypting is the caller's. */
export interface TicketPiiRow {
  ticket_no: string;
  issued_at: Date;
  id_number_enc: string | null;
  name_enc: string | null;
  phone_enc: string | null;
}

export async function ticketPii(db: Db, hallId: string, ticketId: string): Promise<TicketPiiRow | null> {
  const r = await db.query<TicketPiiRow>(
    'SELECT ticket_no, issued_at, id_number_enc, name_enc, phone_enc FROM tickets WHERE id = $1 AND hall_id = $2',
    [ticketId, hallId],
  );
  return r.rows[0] ?? null;
}
