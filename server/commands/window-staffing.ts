import { HallError } from '../../contracts/index.ts';
import { windowById } from '../domain/queue/index.ts';
import type { Clock } from '../domain/clock.ts';
import { recordAudit } from '../store/audit-repo.ts';
import { signInWindow, signOutWindow, staffAtWindow, staffOfHall } from '../store/window-staff-repo.ts';
import type { Db } from '../store/pool.ts';
import type { Actor } from './actor.ts';
import type { QueueService } from './queue-service.ts';
import { runWindowOp } from './window-ops.ts';

/**
 * Who works at a window, from the console (呼叫端, 001 §1.1.1.16;
 * docs/console.md): sign in (opening the window, taking over from a colleague
 * when asked, leaving the window one worked at before) and sign out. Both
 * audited (`window.signin`, `window.signout`). The caller's sign-in is
 * caller-signin.ts.
 */

export type LeaveAction = 'closed' | 'paused' | 'none';
export interface WindowStaffingDeps {
  db: Db;
  queue: QueueService;
  clock: Clock;
}
type Staff = Actor & { userId: number };

/**
 * Leaving a window (sign-out, or signing in elsewhere): a window holding no
 * ticket closes, so nobody is called to an empty desk and tickets transferred
 * to it go back to their queue (window-status.ts); a window still holding a
 * ticket cannot close (HALL_ERR_CONFLICT in the engine), so it pauses — it
 * calls nobody new, and whoever signs in next finishes, skips or transfers the
 * ticket. Refusing the sign-out instead would keep a staff member who must
 * leave tied to the desk.
 */
export async function leaveWindow(
  queue: QueueService,
  hallId: string,
  windowId: string,
  userId: number,
): Promise<LeaveAction> {
  const { state } = await queue.view(hallId);
  const st = state.windows[windowId];
  if (!st) return 'none';
  const op =
    st.current !== undefined ? (st.status === 'open' ? 'pause' : null) : st.status !== 'closed' ? 'close' : null;
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

/** Open first: if the engine refuses (configuration unusable), nobody is signed in either. */
export async function signInAtWindow(
  deps: WindowStaffingDeps,
  me: Staff,
  hallId: string,
  windowId: string,
  takeOver: boolean,
): Promise<{ opened: boolean; left: { windowId: string; action: LeaveAction } | null }> {
  const { db, queue, clock } = deps;
  const before = await queue.view(hallId);
  if (!windowById(before.config, windowId))
    throw new HallError('HALL_ERR_NOT_FOUND', `no window ${windowId} in hall ${hallId}`);
  const there = await staffAtWindow(db, windowId);
  if (there && there.userId !== me.userId && !takeOver) {
    throw new HallError('HALL_ERR_CONFLICT', `${there.username} is signed in at this window`, {
      signedIn: there.username,
    });
  }
  const previous = (await staffOfHall(db, hallId)).find((s) => s.userId === me.userId && s.windowId !== windowId);
  let opened = false;
  if (before.state.windows[windowId]?.status !== 'open') {
    try {
      await runWindowOp(queue, hallId, windowId, { op: 'open' }, { userId: me.userId });
      opened = true;
    } catch (e) {
      if (!(e instanceof HallError && e.code === 'HALL_ERR_CONFLICT')) throw e; // opened meanwhile: fine
    }
  }
  await signInWindow(db, { windowId, userId: me.userId, via: 'console', at: clock.now() });
  const left = previous
    ? { windowId: previous.windowId, action: await leaveWindow(queue, hallId, previous.windowId, me.userId) }
    : null;
  await recordAudit(db, {
    at: clock.now(),
    ...me,
    action: 'window.signin',
    target: `window:${windowId}`,
    result: 'ok',
    detail: {
      hallId,
      via: 'console',
      opened,
      ...(there && there.userId !== me.userId ? { tookOverFrom: there.username } : {}),
      ...(left ? { left } : {}),
    },
  });
  return { opened, left };
}

/** Only the one signed in signs out; the window closes or pauses as it leaves (leaveWindow). */
export async function signOutOfWindow(
  deps: WindowStaffingDeps,
  me: Staff,
  hallId: string,
  windowId: string,
): Promise<LeaveAction> {
  const { db, queue, clock } = deps;
  const before = await queue.view(hallId);
  if (!windowById(before.config, windowId))
    throw new HallError('HALL_ERR_NOT_FOUND', `no window ${windowId} in hall ${hallId}`);
  const there = await staffAtWindow(db, windowId);
  if (there?.userId !== me.userId) throw new HallError('HALL_ERR_CONFLICT', 'you are not signed in at this window');
  const action = await leaveWindow(queue, hallId, windowId, me.userId);
  await signOutWindow(db, windowId, me.userId);
  await recordAudit(db, {
    at: clock.now(),
    ...me,
    action: 'window.signout',
    target: `window:${windowId}`,
    result: 'ok',
    detail: { hallId, action },
  });
  return action;
}
