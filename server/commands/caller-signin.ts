import { HallError, type CallerSignedIn, type CallerSignin } from '../../contracts/index.ts';
import { hallScope } from '../domain/access/scope.ts';
import { withTx } from '../store/pool.ts';
import { claimMessage, findReply, storeReply } from '../store/inbox-repo.ts';
import { hallInScope } from '../store/halls-repo.ts';
import { hashToken } from '../store/sessions-repo.ts';
import { recordAudit } from '../store/audit-repo.ts';
import { signInWindow, signOutWindow } from '../store/window-staff-repo.ts';
import { endCallerSession, revokeSessionHash, saveCallerSession } from '../store/caller-sessions-repo.ts';
import type { DeviceIdentity } from '../store/devices-repo.ts';
import type { CommandDeps, CommandResult } from './issue-ticket.ts';
import { callerWindowNo } from './caller-access.ts';
import { signInCaller } from './caller-credentials.ts';

/**
 * Staff sign-in and sign-out on a window caller (呼叫器, 001 §1.1.1.16: staff
 * sign in on the caller with account + PIN, or a QR token from the console;
 * DOMAIN.md "staff log in by scanning a QR code").
 *
 * `signInCaller` (caller-credentials.ts) checks the PIN or the single-use token, the
 * lockout and the role (queue.operate); here the staff member must also
 * belong to the caller's hall. The device then holds the caller session
 * (caller_sessions) and the user works at the window (window_staff, via
 * 'caller'), so tickets called there are stamped with them. Neither the
 * token nor the PIN goes back to the device.
 *
 * Redelivery: a message id already answered gets its stored reply before any
 * secret is checked again, so a QoS 1 duplicate neither opens a second
 * session nor counts a second PIN failure after a success.
 */
export async function callerSignIn(
  deps: CommandDeps,
  d: DeviceIdentity,
  msgId: string,
  data: CallerSignin,
): Promise<CommandResult> {
  const seen = await findReply(deps.db, d.deviceId, msgId);
  if (seen) return { duplicate: true, ...seen };
  const windowNo = await callerWindowNo(deps, d, data.windowId);
  const now = deps.clock.now();
  const signed = await signInCaller(
    deps.db,
    'token' in data ? { token: data.token } : { username: data.account, pin: data.pin },
    now,
    { deviceId: d.deviceId },
  );
  const sessionHash = hashToken(signed.session.token);
  const user = signed.user;
  if (!(await hallInScope(deps.db, hallScope(user), d.hallId))) {
    await revokeSessionHash(deps.db, sessionHash, now);
    await recordAudit(deps.db, {
      at: now,
      userId: user.userId,
      username: user.username,
      role: user.role,
      ip: null,
      action: 'auth.login',
      target: `user:${user.username}`,
      result: 'denied',
      detail: { via: 'caller', reason: 'hall', hallId: d.hallId, deviceId: d.deviceId },
    });
    throw new HallError('HALL_ERR_FORBIDDEN', `${user.username} is not staff of hall ${d.hallId}`);
  }
  const reply: CallerSignedIn = {
    windowId: data.windowId,
    windowNo,
    username: user.username,
    expiresAt: signed.session.expiresAt.toISOString(),
  };
  return withTx(deps.db, async (tx): Promise<CommandResult> => {
    const claim = await claimMessage(tx, d.deviceId, msgId);
    if (!claim.fresh) {
      // A concurrent duplicate won: ours is one session too many.
      await revokeSessionHash(tx, sessionHash, now);
      return { duplicate: true, replyType: claim.replyType, reply: claim.reply };
    }
    const replaced = await saveCallerSession(tx, {
      deviceId: d.deviceId,
      windowId: data.windowId,
      userId: user.userId,
      sessionHash,
      at: now,
    });
    if (replaced) await revokeSessionHash(tx, replaced, now);
    await signInWindow(tx, {
      windowId: data.windowId,
      userId: user.userId,
      via: 'caller',
      deviceId: d.deviceId,
      at: now,
    });
    await storeReply(tx, d.deviceId, msgId, 'caller.signedin', reply);
    return { duplicate: false, replyType: 'caller.signedin', reply, event: null };
  });
}

/** Ends the device's sign-in (its session revoked, the window left); answering twice is harmless. */
export async function callerSignOut(
  deps: CommandDeps,
  d: DeviceIdentity,
  msgId: string,
  data: { windowId: string },
): Promise<CommandResult> {
  await callerWindowNo(deps, d, data.windowId);
  const now = deps.clock.now();
  return withTx(deps.db, async (tx): Promise<CommandResult> => {
    const claim = await claimMessage(tx, d.deviceId, msgId);
    if (!claim.fresh) return { duplicate: true, replyType: claim.replyType, reply: claim.reply };
    const ended = await endCallerSession(tx, d.deviceId, now);
    if (ended) {
      await signOutWindow(tx, ended.windowId, ended.userId);
      await recordAudit(tx, {
        at: now,
        userId: ended.userId,
        username: ended.username,
        role: ended.role,
        ip: null,
        action: 'auth.logout',
        target: `user:${ended.username}`,
        result: 'ok',
        detail: { via: 'caller', deviceId: d.deviceId, windowId: ended.windowId },
      });
    }
    const reply = { windowId: data.windowId };
    await storeReply(tx, d.deviceId, msgId, 'caller.signedout', reply);
    return { duplicate: false, replyType: 'caller.signedout', reply, event: null };
  });
}
