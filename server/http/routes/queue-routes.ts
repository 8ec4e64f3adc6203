import { Router, type Request } from 'express';
import { z } from 'zod';
import { HallError, idSchema } from '../../../contracts/index.ts';
import {
  publicTicketParamsSchema, windowSignInBodySchema,
  type HallWindowsResponse, type WindowSignInResponse, type WindowSignOutResponse,
} from '../../../contracts/console.ts';
import { runWindowOp, windowOpSchema } from '../../commands/window-ops.ts';
import type { QueueService } from '../../commands/queue-service.ts';
import { windowById } from '../../domain/queue/index.ts';
import { loadConsole } from '../../queries/console-view.ts';
import { publicTicket } from '../../queries/public-ticket.ts';
import { windowSummaries, windowSummary } from '../../queries/window-summaries.ts';
import { recordAudit } from '../../store/audit-repo.ts';
import { signInWindow, signOutWindow, staffAtWindow, staffOfHall } from '../../store/window-staff-repo.ts';
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

type LeaveAction = 'closed' | 'paused' | 'none';

/**
 * Leaving a window (sign-out, or signing in elsewhere): a window holding no
 * ticket closes, so nobody is called to an empty desk and tickets transferred
 * to it go back to their queue (window-status.ts); a window still holding a
 * ticket cannot close (HALL_ERR_CONFLICT in the engine), so it pauses — it
 * calls nobody new, and whoever signs in next finishes, skips or transfers the
 * ticket. Refusing the sign-out instead would keep a staff member who must
 * leave tied to the desk.
 */
async function leaveWindow(queue: QueueService, hallId: string, windowId: string, userId: number): Promise<LeaveAction> {
  const { state } = await queue.view(hallId);
  const st = state.windows[windowId];
  if (!st) return 'none';
  const op = st.current !== undefined ? (st.status === 'open' ? 'pause' : null) : (st.status !== 'closed' ? 'close' : null);
  if (!op) return 'none';
  try {
    await runWindowOp(queue, hallId, windowId, { op }, { userId });
  } catch (e) {
    // Someone changed the window meanwhile (caller, supervisor): it is no longer ours to change.
    if (e instanceof HallError && e.code === 'HALL_ERR_CONFLICT') return 'none';
    throw e;
  }
  return op === 'pause' ? 'paused' : 'closed';
}

/**
 * The window console's REST side (呼叫端, issue 4 "Window console"; docs/console.md).
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
  const audit = (req: Request, action: string, windowId: string, detail: Record<string, unknown>) =>
    recordAudit(db, { at: clock.now(), ...actorOf(req), action, target: `window:${windowId}`, result: 'ok', detail });

  r.post('/api/halls/:hallId/windows/:windowId/ops', operate, async (req, res) => {
    const { hallId, windowId } = parse(windowParams, req.params);
    const op = parse(windowOpSchema, req.body);
    // A clerk operates the window they are signed in at (呼叫端 sign-in, issue 4), as on the caller:
    // figures and cases are stamped with who served, so nobody may act for another window.
    const at = await staffAtWindow(db, windowId);
    if (!at || at.userId !== req.user!.userId) {
      const exists = await db.query('SELECT 1 FROM windows WHERE id = $1 AND hall_id = $2', [windowId, hallId]);
      if (exists.rowCount === 0) throw new HallError('HALL_ERR_NOT_FOUND', `no window ${windowId} in hall ${hallId}`);
      throw new HallError('HALL_ERR_NOT_AT_WINDOW', `sign in at window ${windowId} first`, at ? { signedIn: at.username } : undefined);
    }
    const result = await runWindowOp(queue, hallId, windowId, op, { userId: req.user!.userId });
    res.json(result.reply);
  });

  // A hall supervisor (值班长) steers the hall's windows without working at one: pause, resume or
  // close a window (a desk left unattended, lunch cover), audited. Calling and serving stay with the
  // clerk signed in at the window (ops above).
  const supervise = authorize(db, clock, 'queue.supervise', { hallParam: 'hallId' });
  r.post('/api/halls/:hallId/windows/:windowId/supervise', supervise, async (req, res) => {
    const { hallId, windowId } = parse(windowParams, req.params);
    const { op } = parse(superviseSchema, req.body);
    const result = await runWindowOp(queue, hallId, windowId, { op }, { userId: req.user!.userId });
    await audit(req, 'window.supervise', windowId, { hallId, op });
    res.json(result.reply);
  });

  r.get('/api/halls/:hallId/windows', operate, async (req, res) => {
    const { hallId } = parse(hallParams, req.params);
    const view = await queue.view(hallId);
    const staff = await staffOfHall(db, hallId);
    const out: HallWindowsResponse = { hallId, hallName: view.hallName, windows: windowSummaries(view.state, view.config, staff, clock.now(), req.user!.userId) };
    res.json(out);
  });

  r.post('/api/halls/:hallId/windows/:windowId/signin', operate, async (req, res) => {
    const { hallId, windowId } = parse(windowParams, req.params);
    const body = parse(windowSignInBodySchema, req.body ?? {});
    const me = req.user!.userId;
    const before = await queue.view(hallId);
    if (!windowById(before.config, windowId)) throw new HallError('HALL_ERR_NOT_FOUND', `no window ${windowId} in hall ${hallId}`);
    const there = await staffAtWindow(db, windowId);
    if (there && there.userId !== me && !body.takeOver) {
      throw new HallError('HALL_ERR_CONFLICT', `${there.username} is signed in at this window`, { signedIn: there.username });
    }
    const previous = (await staffOfHall(db, hallId)).find((s) => s.userId === me && s.windowId !== windowId);
    // Open first: if the engine refuses (configuration unusable), nobody is signed in either.
    let opened = false;
    if (before.state.windows[windowId]?.status !== 'open') {
      try {
        await runWindowOp(queue, hallId, windowId, { op: 'open' }, { userId: me });
        opened = true;
      } catch (e) {
        if (!(e instanceof HallError && e.code === 'HALL_ERR_CONFLICT')) throw e; // opened meanwhile: fine
      }
    }
    await signInWindow(db, { windowId, userId: me, via: 'console', at: clock.now() });
    const left = previous ? { windowId: previous.windowId, action: await leaveWindow(queue, hallId, previous.windowId, me) } : null;
    await audit(req, 'window.signin', windowId, { hallId, via: 'console', opened, ...(there && there.userId !== me ? { tookOverFrom: there.username } : {}), ...(left ? { left } : {}) });
    const view = await queue.view(hallId);
    const out: WindowSignInResponse = {
      window: windowSummary(windowById(view.config, windowId)!, view.state, view.config, (await staffAtWindow(db, windowId)) ?? undefined, clock.now(), me),
      opened, left,
    };
    res.json(out);
  });

  r.post('/api/halls/:hallId/windows/:windowId/signout', operate, async (req, res) => {
    const { hallId, windowId } = parse(windowParams, req.params);
    const me = req.user!.userId;
    const before = await queue.view(hallId);
    if (!windowById(before.config, windowId)) throw new HallError('HALL_ERR_NOT_FOUND', `no window ${windowId} in hall ${hallId}`);
    const there = await staffAtWindow(db, windowId);
    if (there?.userId !== me) throw new HallError('HALL_ERR_CONFLICT', 'you are not signed in at this window');
    const action = await leaveWindow(queue, hallId, windowId, me);
    await signOutWindow(db, windowId, me);
    await audit(req, 'window.signout', windowId, { hallId, action });
    const view = await queue.view(hallId);
    const out: WindowSignOutResponse = {
      window: windowSummary(windowById(view.config, windowId)!, view.state, view.config, (await staffAtWindow(db, windowId)) ?? undefined, clock.now(), me),
      action,
    };
    res.json(out);
  });

  r.get('/api/halls/:hallId/windows/:windowId/console', operate, async (req, res) => {
    const { hallId, windowId } = parse(windowParams, req.params);
    const view = await queue.view(hallId);
    res.json(await loadConsole({ db, pii, logger }, view, hallId, windowId, clock.now(), { userId: req.user!.userId, username: req.user!.username }));
  });

  const perTicket = rateLimiter({ name: 'public-ticket', windowMs: 60_000, limit: PUBLIC_PER_TICKET_PER_MIN, key: (req) => `${clientIp(req)}|${String(req.params.ticketId).slice(0, 64)}` });
  const perIp = rateLimiter({ name: 'public-ip', windowMs: 60_000, limit: PUBLIC_PER_IP_PER_MIN });
  r.get('/api/public/tickets/:ticketId', perIp, perTicket, async (req, res) => {
    const { ticketId } = parse(publicTicketParamsSchema, req.params);
    res.json(await publicTicket({ db, queue }, ticketId, clock.now()));
  });
  return r;
}
