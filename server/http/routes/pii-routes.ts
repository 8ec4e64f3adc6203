import { Router, type RequestHandler } from 'express';
import { HallError, ticketParamsSchema, type TicketIdentity } from '../../../contracts/index.ts';
import { recordAudit } from '../../store/audit-repo.ts';
import { actorOf, authorize } from '../auth.ts';
import { parse } from '../validate.ts';
import type { RouteDeps } from './deps.ts';

/** Full personal data must not be kept by browsers or proxies, on success or error. */
const noStore: RequestHandler = (_req, res, next) => {
  res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  next();
};

interface TicketPiiRow { ticket_no: string; issued_at: Date; id_number_enc: string | null; name_enc: string | null; phone_enc: string | null }

/**
 * The one place full personal data leaves the server (GB/T 22239-2019
 * 8.1.4.11; docs/personal-data.md): a ticket's decrypted ID number, name and
 * phone, for a user with `pii.view` whose scope holds the hall. Every view is
 * an audit row `pii.view` naming the ticket and which fields were shown, never
 * the values; the row is written before the data is sent, so a view that
 * cannot be audited is not served.
 */
export function piiRoutes({ db, clock, logger, pii }: RouteDeps): Router {
  const r = Router();
  r.get('/api/halls/:hallId/tickets/:ticketId/identity', noStore, authorize(db, clock, 'pii.view', { hallParam: 'hallId' }), async (req, res) => {
    const { hallId, ticketId } = parse(ticketParamsSchema, req.params);
    const row = (await db.query<TicketPiiRow>(
      'SELECT ticket_no, issued_at, id_number_enc, name_enc, phone_enc FROM tickets WHERE id = $1 AND hall_id = $2', [ticketId, hallId])).rows[0];
    if (!row) throw new HallError('HALL_ERR_NOT_FOUND', `no ticket ${ticketId} in hall ${hallId}`);
    const audit = (result: 'ok' | 'failed', detail: Record<string, unknown>) =>
      recordAudit(db, { at: clock.now(), ...actorOf(req), action: 'pii.view', target: `ticket:${ticketId}`, result, detail: { hallId, ticketNo: row.ticket_no, ...detail } });

    let identity: TicketIdentity['identity'];
    try {
      const open = (v: string | null) => (v === null ? null : pii.decrypt(v));
      identity = { idNumber: open(row.id_number_enc), name: open(row.name_enc), phone: open(row.phone_enc) };
    } catch (e) {
      // The reason (unknown key version, failed authentication) is safe to log; the values are not in it.
      logger.error({ ticketId, reason: (e as Error).message }, 'personal data could not be decrypted');
      await audit('failed', { reason: 'decrypt' });
      throw new HallError('HALL_ERR_INTERNAL', 'personal data of this ticket could not be decrypted');
    }
    const fields = Object.entries(identity).filter(([, v]) => v !== null).map(([k]) => k);
    await audit('ok', { fields });
    const out: TicketIdentity = { ticketId, ticketNo: row.ticket_no, hallId, issuedAt: row.issued_at.toISOString(), identity };
    res.json(out);
  });
  return r;
}
