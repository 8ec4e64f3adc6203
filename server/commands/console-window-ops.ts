import { HallError } from '../../contracts/index.ts';
import type { Clock } from '../domain/clock.ts';
import { recordAudit } from '../store/audit-repo.ts';
import { staffAtWindow } from '../store/window-staff-repo.ts';
import { windowInHall } from '../store/windows-repo.ts';
import type { Db } from '../store/pool.ts';
import type { Actor } from './actor.ts';
import type { QueueService, RunResult } from './queue-service.ts';
import { runWindowOp, type WindowOp } from './window-ops.ts';

/**
 * A clerk operates the window they are signed in at (呼叫端 sign-in, 001 §1.1.1.16;
 * docs/console.md), as on the caller: figures and cases are stamped with who
 * served, so nobody may act for another window. An unknown window is 404,
 * another's window HALL_ERR_NOT_AT_WINDOW.
 */
export async function consoleWindowOp(
  deps: { db: Db; queue: QueueService },
  hallId: string,
  windowId: string,
  op: WindowOp,
  userId: number,
): Promise<RunResult> {
  const at = await staffAtWindow(deps.db, windowId);
  if (!at || at.userId !== userId) {
    if (!(await windowInHall(deps.db, hallId, windowId)))
      throw new HallError('HALL_ERR_NOT_FOUND', `no window ${windowId} in hall ${hallId}`);
    throw new HallError(
      'HALL_ERR_NOT_AT_WINDOW',
      `sign in at window ${windowId} first`,
      at ? { signedIn: at.username } : undefined,
    );
  }
  return runWindowOp(deps.queue, hallId, windowId, op, { userId });
}

/**
 * A hall supervisor (值班长) steers the hall's windows without working at one:
 * pause, resume or close a window (a desk left unattended, lunch cover),
 * audited as `window.supervise`. Calling and serving stay with the clerk
 * signed in at the window.
 */
export async function superviseWindow(
  deps: { db: Db; queue: QueueService; clock: Clock },
  actor: Actor & { userId: number },
  hallId: string,
  windowId: string,
  op: 'pause' | 'resume' | 'close' | 'open',
): Promise<RunResult> {
  const result = await runWindowOp(deps.queue, hallId, windowId, { op }, { userId: actor.userId });
  await recordAudit(deps.db, {
    at: deps.clock.now(),
    ...actor,
    action: 'window.supervise',
    target: `window:${windowId}`,
    result: 'ok',
    detail: { hallId, op },
  });
  return result;
}
