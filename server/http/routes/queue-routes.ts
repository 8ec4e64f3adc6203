import { Router, type Request } from 'express';
import { z } from 'zod';
import { idSchema } from '../../../contracts/index.ts';
import {
  publicTicketParamsSchema,
  windowSignInBodySchema,
  type HallWindowsResponse,
  type WindowSignInResponse,
  type WindowSignOutResponse,
} from '../../../contracts/console.ts';
import { windowOpSchema } from '../../commands/window-ops.ts';
import { consoleWindowOp, superviseWindow } from '../../commands/console-window-ops.ts';
import { signInAtWindow, signOutOfWindow } from '../../commands/window-staffing.ts';
import { windowById } from '../../domain/queue/index.ts';
import { loadConsole } from '../../queries/console-view.ts';
import { publicTicket } from '../../queries/public-ticket.ts';
import { windowSummaries, windowSummary } from '../../queries/window-summaries.ts';
import { staffAtWindow, staffOfHall } from '../../store/window-staff-repo.ts';
import { actorOf, authorize } from '../auth.ts';
import { clientIp, rateLimiter } from '../rate-limits.ts';
import { parse } from '../validate.ts';
import type { RouteDeps } from './deps.ts';

const hallParams = z.object({ hallId: idSchema });
const superviseSchema = z.object({ op: z.enum(['pause', 'resume', 'close', 'open']) }).strict();
const windowParams = z.object({ hallId: idSchema, windowId: idSchema });

/**
 * The citizen page polls every few seconds (dashboard TicketView: 4 s, i.e.
 * 15 a minute). Per client IP and ticket 60 a minute leaves room for reloads
 * and a second tab; per IP 3,000 a minute lets a hall's Wi-Fi (hundreds of
 * phones behind one NAT address) through while a script walking ticket ids
 * from one address is stopped. In-memory per process (rate-limits.ts).
 */
const PUBLIC_PER_TICKET_PER_MIN = 60;
const PUBLIC_PER_IP_PER_MIN = 3000;

/**
 * The window console's REST side (呼叫端, 001 §1.1.1.16; docs/console.md).
 *
 * - `POST …/windows/:windowId/ops`: the same ops as the window caller's MQTT
 *   protocol (server/commands/window-ops.ts), one transaction each; the reply
 *   is the window as it now stands. Refusals are coded (unknown window → 404
 *   HALL_ERR_NOT_FOUND, calling while paused → 409 HALL_ERR_CONFLICT) and
 *   change nothing.
 * - `GET …/windows`: the window chooser. `queue.operate`, not `hall.read`: it
 *   names the staff signed in at each window, which only colleagues at the
 *   windows need; the wall (hall.read) has its own snapshot.
 * - `POST …/signin`, `…/signout`: who works at the window (window_staff).
 * - `GET …/console`: the console's one screen (server/queries/console-view.ts).
 * - `GET /api/public/tickets/:ticketId`: the citizen's ticket page, no
 *   session, rate-limited, nothing personal.
 */
export function queueRoutes({ db, clock, queue, pii, logger }: RouteDeps): Router {
  const r = Router();
  const operate = authorize(db, clock, 'queue.operate', { hallParam: 'hallId' });
  const staffOf = (req: Request) => ({ ...actorOf(req), userId: req.user!.userId });

  r.post('/api/halls/:hallId/windows/:windowId/ops', operate, async (req, res) => {
    const { hallId, windowId } = parse(windowParams, req.params);
    const op = parse(windowOpSchema, req.body);
    const result = await consoleWindowOp({ db, queue }, hallId, windowId, op, req.user!.userId);
    res.json(result.reply);
  });

  // A hall supervisor (值班长) steers the hall's windows without working at one (console-window-ops.ts).
  const supervise = authorize(db, clock, 'queue.supervise', { hallParam: 'hallId' });
  r.post('/api/halls/:hallId/windows/:windowId/supervise', supervise, async (req, res) => {
    const { hallId, windowId } = parse(windowParams, req.params);
    const { op } = parse(superviseSchema, req.body);
    const result = await superviseWindow({ db, queue, clock }, staffOf(req), hallId, windowId, op);
    res.json(result.reply);
  });

  r.get('/api/halls/:hallId/windows', operate, async (req, res) => {
    const { hallId } = parse(hallParams, req.params);
    const view = await queue.view(hallId);
    const staff = await staffOfHall(db, hallId);
    const out: HallWindowsResponse = {
      hallId,
      hallName: view.hallName,
      windows: windowSummaries(view.state, view.config, staff, clock.now(), req.user!.userId),
    };
    res.json(out);
  });

  r.post('/api/halls/:hallId/windows/:windowId/signin', operate, async (req, res) => {
    const { hallId, windowId } = parse(windowParams, req.params);
    const body = parse(windowSignInBodySchema, req.body ?? {});
    const me = req.user!.userId;
    const { opened, left } = await signInAtWindow(
      { db, queue, clock },
      staffOf(req),
      hallId,
      windowId,
      body.takeOver ?? false,
    );
    const view = await queue.view(hallId);
    const out: WindowSignInResponse = {
      window: windowSummary(
        windowById(view.config, windowId)!,
        view.state,
        view.config,
        (await staffAtWindow(db, windowId)) ?? undefined,
        clock.now(),
        me,
      ),
      opened,
      left,
    };
    res.json(out);
  });

  r.post('/api/halls/:hallId/windows/:windowId/signout', operate, async (req, res) => {
    const { hallId, windowId } = parse(windowParams, req.params);
    const me = req.user!.userId;
    const action = await signOutOfWindow({ db, queue, clock }, staffOf(req), hallId, windowId);
    const view = await queue.view(hallId);
    const out: WindowSignOutResponse = {
      window: windowSummary(
        windowById(view.config, windowId)!,
        view.state,
        view.config,
        (await staffAtWindow(db, windowId)) ?? undefined,
        clock.now(),
        me,
      ),
      action,
    };
    res.json(out);
  });

  r.get('/api/halls/:hallId/windows/:windowId/console', operate, async (req, res) => {
    const { hallId, windowId } = parse(windowParams, req.params);
    const view = await queue.view(hallId);
    res.json(
      await loadConsole({ db, pii, logger }, view, hallId, windowId, clock.now(), {
        userId: req.user!.userId,
        username: req.user!.username,
      }),
    );
  });

  const perTicket = rateLimiter({
    name: 'public-ticket',
    windowMs: 60_000,
    limit: PUBLIC_PER_TICKET_PER_MIN,
    key: (req) => `${clientIp(req)}|${String(req.params.ticketId).slice(0, 64)}`,
  });
  const perIp = rateLimiter({ name: 'public-ip', windowMs: 60_000, limit: PUBLIC_PER_IP_PER_MIN });
  r.get('/api/public/tickets/:ticketId', perIp, perTicket, async (req, res) => {
    const { ticketId } = parse(publicTicketParamsSchema, req.params);
    res.json(await publicTicket({ db, queue }, ticketId, clock.now()));
  });
  return r;
}
