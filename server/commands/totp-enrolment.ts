import { HallError, type TotpSetupResponse } from '../../contracts/index.ts';
import { matchTotp, newTotpSecret, totpUri } from '../security/totp.ts';
import type { PiiCipher } from '../security/pii.ts';
import { recordAudit } from '../store/audit-repo.ts';
import { clearEnrollRestriction } from '../store/sessions-repo.ts';
import { claimTotpStep, findAuthUserById, setPendingTotp } from '../store/users-repo.ts';
import type { Db } from '../store/pool.ts';
import type { Actor } from './actor.ts';

/**
 * Enrolling a one-time code (TOTP) as the second factor (GB/T 22239-2019
 * 8.1.4.1 d: two factors for administrators; docs/authentication.md "TOTP"):
 * a pending secret (encrypted with the PII cipher), then a first code turns it
 * on and lifts the session's enrolment restriction. Audited, never the secret
 * or a code.
 */

const ENROLLED = 'a one-time code (TOTP) is already enrolled; a security administrator resets it';

export async function setupTotp(
  deps: { db: Db; pii: PiiCipher },
  actor: Actor,
  user: { userId: number; username: string },
  totpEnabled: boolean,
  now: Date,
): Promise<TotpSetupResponse> {
  if (totpEnabled) throw new HallError('HALL_ERR_CONFLICT', ENROLLED);
  const secret = newTotpSecret();
  if (!(await setPendingTotp(deps.db, user.userId, deps.pii.encrypt(secret))))
    throw new HallError('HALL_ERR_CONFLICT', ENROLLED);
  await recordAudit(deps.db, {
    at: now,
    ...actor,
    action: 'auth.totp.setup',
    target: `user:${user.username}`,
    result: 'ok',
    detail: undefined,
  });
  return { secret, uri: totpUri(secret, user.username), algorithm: 'SHA1', digits: 6, period: 30 };
}

export async function confirmTotp(
  deps: { db: Db; pii: PiiCipher },
  actor: Actor,
  userId: number,
  sessionToken: string,
  code: string,
  now: Date,
): Promise<{ enabled: true }> {
  const u = await findAuthUserById(deps.db, userId);
  if (!u) throw new HallError('HALL_ERR_UNAUTHENTICATED');
  const target = `user:${u.principal.username}`;
  if (u.totpEnabled) throw new HallError('HALL_ERR_CONFLICT', 'a one-time code (TOTP) is already enrolled');
  if (!u.totpSecretEnc) throw new HallError('HALL_ERR_BAD_REQUEST', 'start with POST /api/auth/totp/setup');
  const step = matchTotp(deps.pii.decrypt(u.totpSecretEnc), code, now);
  if (step === null || !(await claimTotpStep(deps.db, u.principal.userId, step, now, true))) {
    await recordAudit(deps.db, {
      at: now,
      ...actor,
      action: 'auth.totp.enable',
      target,
      result: 'failed',
      detail: { reason: step === null ? 'bad-code' : 'replayed-code' },
    });
    throw new HallError('HALL_ERR_BAD_SECOND_FACTOR');
  }
  await clearEnrollRestriction(deps.db, sessionToken);
  await recordAudit(deps.db, {
    at: now,
    ...actor,
    action: 'auth.totp.enable',
    target,
    result: 'ok',
    detail: undefined,
  });
  return { enabled: true };
}
