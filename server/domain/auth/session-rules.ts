/**
 * Session timeouts (GB/T 22239-2019 8.1.4.1 b "login-failure handling
 * and session timeout"; OWASP ASVS 5.0 V7.3): a session ends after `idleMin`
 * minutes without use and, whatever its use, at its absolute `expiresAt`.
 * Pure functions of (session, now).
 */
export interface SessionTimes {
  createdAt: Date;
  expiresAt: Date;
  lastSeenAt: Date;
  idleMin: number | null;
}
export type SessionState = 'active' | 'expired' | 'idle';

/** `last_seen_at` is written at most this often, to keep writes low; idle time is exact to within it. */
export const TOUCH_EVERY_MS = 60_000;

export function sessionState(s: SessionTimes, now: Date): SessionState {
  if (s.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (s.idleMin !== null && s.lastSeenAt.getTime() + s.idleMin * 60_000 <= now.getTime()) return 'idle';
  return 'active';
}

export function shouldTouch(lastSeenAt: Date, now: Date): boolean {
  return now.getTime() - lastSeenAt.getTime() >= TOUCH_EVERY_MS;
}

/** TOTP replay rule (RFC 6238 §5.2): a time step once accepted is never accepted again, nor any earlier one. */
export function totpStepAcceptable(lastStep: number | null, step: number): boolean {
  return lastStep === null || step > lastStep;
}
