import { Secret, TOTP } from 'otpauth';

/**
 * TOTP second factor (RFC 6238; GB/T 22239-2019 8.1.4.1 d "two or
 * more authentication techniques for administrators"; ASVS 5.0 V6.5/V6.6):
 * SHA-1, 6 digits, 30-second steps, ±1 step accepted for clock drift — the
 * parameters every authenticator app (Google/Microsoft Authenticator, 腾讯身份验证器)
 * understands. Replay is refused by the caller with `totpStepAcceptable`
 * (server/domain/auth/session-rules.ts) on the step this returns.
 */
export const TOTP_PARAMS = Object.freeze({ algorithm: 'SHA1', digits: 6, period: 30, window: 1 });
const ISSUER = 'HallOps';

/** A new random 160-bit secret, base32 (what authenticator apps take by hand). */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secretBase32: string, label = 'user'): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label,
    algorithm: TOTP_PARAMS.algorithm,
    digits: TOTP_PARAMS.digits,
    period: TOTP_PARAMS.period,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** otpauth://totp/HallOps:{username}?secret=…&issuer=HallOps&algorithm=SHA1&digits=6&period=30 */
export function totpUri(secretBase32: string, username: string): string {
  return totp(secretBase32, username).toString();
}

/** The time step of `at`. */
export function totpStep(at: Date): number {
  return Math.floor(at.getTime() / 1000 / TOTP_PARAMS.period);
}

/**
 * The time step `code` belongs to when it is valid at `now` (±1 step), else
 * null. The caller must still refuse a step it has accepted before.
 */
export function matchTotp(secretBase32: string, code: string, now: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp(secretBase32).validate({ token: code, timestamp: now.getTime(), window: TOTP_PARAMS.window });
  return delta === null ? null : totpStep(now) + delta;
}

/** The code for `at` (tests and the demo helper). */
export function totpCode(secretBase32: string, at: Date): string {
  return totp(secretBase32).generate({ timestamp: at.getTime() });
}
