import { HallError, type TicketIdentity } from '../../contracts/index.ts';
import type { Logger } from '../logger.ts';
import type { PiiCipher } from '../security/pii.ts';
import { recordAudit } from '../store/audit-repo.ts';
import { ticketPii } from '../store/ticket-identity-repo.ts';
import type { Db } from '../store/pool.ts';
import type { Actor } from './actor.ts';

/**
 * The one place full personal data leaves the server (GB/T 22239-2019
 * 8.1.4.11; docs/personal-data.md): a ticket's decrypted ID number, name and
 * phone. Every view is an audit row `pii.view` naming the ticket and which
 * fields were shown, never the values; the row is written before the data is
 * returned, so a view that cannot be audited is not served.
 */
export async function viewTicketIdentity(
  deps: { db: Db; pii: PiiCipher; logger: Logger },
  now: Date,
  actor: Actor,
  hallId: string,
  ticketId: string,
): Promise<TicketIdentity> {
  const { db, pii, logger } = deps;
  const row = await ticketPii(db, hallId, ticketId);
  if (!row) throw new HallError('HALL_ERR_NOT_FOUND', `no ticket ${ticketId} in hall ${hallId}`);
  const audit = (result: 'ok' | 'failed', detail: Record<string, unknown>) =>
    recordAudit(db, {
      at: now,
      ...actor,
      action: 'pii.view',
      target: `ticket:${ticketId}`,
      result,
      detail: { hallId, ticketNo: row.ticket_no, ...detail },
    });

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
  const fields = Object.entries(identity)
    .filter(([, v]) => v !== null)
    .map(([k]) => k);
  await audit('ok', { fields });
  return { ticketId, ticketNo: row.ticket_no, hallId, issuedAt: row.issued_at.toISOString(), identity };
}
