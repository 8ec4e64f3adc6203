import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  afterFailure,
  afterSuccess,
  DEFAULT_LOCKOUT,
  lockDurationMs,
  lockStatus,
  UNLOCKED,
  type LockoutState,
} from './lockout.ts';

const t0 = new Date('2026-03-02T09:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

function fail(s: LockoutState, now: Date, times: number): LockoutState & { lockedNow: boolean } {
  let r = { ...s, lockedNow: false };
  for (let i = 0; i < times; i++) r = afterFailure(r, now);
  return r;
}

describe('lockout back-off (GB/T 22239-2019 8.1.4.1 b, ASVS V6.3.1)', () => {
  it('locks for one minute after five consecutive failures', () => {
    const four = fail(UNLOCKED, t0, 4);
    expect(four).toMatchObject({ failedLogins: 4, lockedUntil: null, lockedNow: false });
    expect(lockStatus(four, t0).locked).toBe(false);
    const five = afterFailure(four, t0);
    expect(five).toMatchObject({ failedLogins: 0, lockCount: 1, lockedNow: true });
    expect(five.lockedUntil).toEqual(at(60_000));
    expect(lockStatus(five, at(1_000))).toEqual({ locked: true, until: at(60_000), retryAfterSec: 59 });
    expect(lockStatus(five, at(60_000)).locked).toBe(false);
  });

  it('doubles each further lock, up to one hour', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 50].map((n) => lockDurationMs(n) / 60_000)).toEqual([
      1, 2, 4, 8, 16, 32, 60, 60, 60,
    ]);
    let s: LockoutState = UNLOCKED;
    let now = t0;
    const locks: number[] = [];
    for (let i = 0; i < 8; i++) {
      const r = fail(s, now, 5);
      locks.push((r.lockedUntil!.getTime() - now.getTime()) / 60_000);
      s = r;
      now = r.lockedUntil!;
    }
    expect(locks).toEqual([1, 2, 4, 8, 16, 32, 60, 60]);
  });

  it('does not count or extend while locked', () => {
    const locked = fail(UNLOCKED, t0, 5);
    const again = afterFailure(locked, at(10_000));
    expect(again).toMatchObject({ failedLogins: 0, lockCount: 1, lockedUntil: locked.lockedUntil, lockedNow: false });
  });

  it('success resets failures and the back-off', () => {
    expect(afterSuccess()).toEqual({ failedLogins: 0, lockedUntil: null, lockCount: 0 });
    const after = fail({ ...afterSuccess() }, t0, 5);
    expect(after.lockedUntil).toEqual(at(60_000));
  });

  it('never locks before maxFailures and never longer than maxLockMs (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3_600_000 }), { maxLength: 60 }), (gaps) => {
        let s: LockoutState & { lockedNow?: boolean } = UNLOCKED;
        let now = t0.getTime();
        let streak = 0;
        for (const g of gaps) {
          now += g;
          if (lockStatus(s, new Date(now)).locked) continue;
          s = afterFailure(s, new Date(now));
          streak++;
          if (s.lockedNow) {
            expect(streak).toBe(DEFAULT_LOCKOUT.maxFailures);
            streak = 0;
            expect(s.lockedUntil!.getTime() - now).toBeLessThanOrEqual(DEFAULT_LOCKOUT.maxLockMs);
          }
        }
      }),
    );
  });
});
