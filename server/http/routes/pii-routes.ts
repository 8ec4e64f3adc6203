import { Router, type RequestHandler } from 'express';
import { ticketParamsSchema } from '../../../contracts/index.ts';
import { viewTicketIdentity } from '../../commands/view-ticket-identity.ts';
import { actorOf, authorize } from '../auth.ts';
import { parse } from '../validate.ts';
import type { RouteDeps } from './deps.ts';

/** Full personal data must not be kept by browsers or proxies, on success or error. */
const noStore: RequestHandler = (_req, res, next) => {
  res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  next();
};

/**
 * The one place full personal data leaves the server (GB/T 22239-2019
 * 8.1.4.11; docs/personal-data.md): a ticket's decrypted ID number, name and
 * phone, for a user with `pii.view` whose scope holds the hall. Every view is
 * audited before the data is sent (server/commands/view-ticket-identity.ts).
 */
export function piiRoutes({ db, clock, logger, pii }: RouteDeps): Router {
  const r = Router();
  r.get(
    '/api/halls/:hallId/tickets/:ticketId/identity',
    noStore,
    authorize(db, clock, 'pii.view', { hallParam: 'hallId' }),
    async (req, res) => {
      const { hallId, ticketId } = parse(ticketParamsSchema, req.params);
      res.json(await viewTicketIdentity({ db, pii, logger }, clock.now(), actorOf(req), hallId, ticketId));
    },
  );
  return r;
}
