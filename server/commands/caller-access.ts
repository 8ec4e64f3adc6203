import { HallError } from '../../contracts/index.ts';
import { callerWindow, checkCallerSession } from '../store/caller-sessions-repo.ts';
import type { DeviceIdentity } from '../store/devices-repo.ts';
import type { CommandDeps } from './issue-ticket.ts';

/**
 * Which window a caller (呼叫器) may name (001 §1.1.1.17 "every
 * service point manages only its own hardware"): a window of the device's
 * own hall, and, when the device is bound to a window (devices.window_id),
 * only that one. Returns the window's number.
 */
export async function callerWindowNo(
  deps: Pick<CommandDeps, 'db'>,
  d: DeviceIdentity,
  windowId: string,
): Promise<string> {
  const cw = await callerWindow(deps.db, d.deviceId, windowId);
  if (!cw.window) throw new HallError('HALL_ERR_NOT_FOUND', `no window ${windowId}`);
  if (cw.window.hallId !== d.hallId)
    throw new HallError('HALL_ERR_FORBIDDEN', `window ${windowId} is not in this caller's hall`);
  if (cw.boundWindowId !== null && cw.boundWindowId !== windowId) {
    throw new HallError('HALL_ERR_FORBIDDEN', `this caller is bound to window ${cw.boundWindowId}`, {
      boundWindowId: cw.boundWindowId,
    });
  }
  return cw.window.no;
}

/**
 * A `call.*` needs the window check above and a live caller sign-in of this
 * device at this window; returns the signed-in user (stamped on the tickets).
 */
export async function authorizeCallerOp(
  deps: Pick<CommandDeps, 'db' | 'clock'>,
  d: DeviceIdentity,
  windowId: string,
): Promise<{ userId: number }> {
  await callerWindowNo(deps, d, windowId);
  const s = await checkCallerSession(deps.db, d.deviceId, deps.clock.now());
  switch (s.status) {
    case 'none':
      throw new HallError('HALL_ERR_UNAUTHENTICATED', 'sign in on the caller first (caller.signin)');
    case 'expired':
    case 'idle':
      throw new HallError('HALL_ERR_SESSION_EXPIRED', 'the caller session timed out; sign in again');
    case 'revoked':
    case 'disabled':
      throw new HallError('HALL_ERR_UNAUTHENTICATED', 'the caller session was ended; sign in again');
    case 'moved':
      throw new HallError('HALL_ERR_UNAUTHENTICATED', 'the staff member no longer works at this window; sign in again');
    case 'ok':
      if (s.windowId !== windowId)
        throw new HallError(
          'HALL_ERR_UNAUTHENTICATED',
          `signed in at window ${s.windowId}, not ${windowId}; sign in there first`,
        );
      return { userId: s.userId };
  }
}
