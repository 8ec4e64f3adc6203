import { describe, it, expect } from 'vitest';
import { loadConfig } from './config.ts';
import { lockoutPolicyOf } from './domain/auth/lockout.ts';

/** Sign-in settings (docs/configuration.md, docs/authentication.md). */
describe('authentication configuration', () => {
  it('defaults: 30 min idle, TOTP for the three administrators, lock after 5 for 1 → 60 min', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      SESSION_IDLE_MIN: 30,
      LOGIN_MAX_FAILURES: 5,
      LOGIN_LOCK_MIN: 1,
      LOGIN_LOCK_MAX_MIN: 60,
      LOGIN_RATE_PER_ACCOUNT: 10,
      LOGIN_RATE_PER_IP: 50,
    });
    expect(c.TOTP_REQUIRED_ROLES).toEqual(['sysadmin', 'secadmin', 'auditadmin']);
    expect(lockoutPolicyOf(c)).toEqual({ maxFailures: 5, baseLockMs: 60_000, maxLockMs: 3_600_000 });
  });

  it('TOTP_REQUIRED_ROLES takes a role list or none, and refuses unknown roles naming the variable', () => {
    expect(loadConfig({ TOTP_REQUIRED_ROLES: 'none' }).TOTP_REQUIRED_ROLES).toEqual([]);
    expect(loadConfig({ TOTP_REQUIRED_ROLES: ' sysadmin , leader ' }).TOTP_REQUIRED_ROLES).toEqual([
      'sysadmin',
      'leader',
    ]);
    expect(() => loadConfig({ TOTP_REQUIRED_ROLES: 'root' })).toThrow(/TOTP_REQUIRED_ROLES/);
    expect(() => loadConfig({ TOTP_REQUIRED_ROLES: ',' })).toThrow(/TOTP_REQUIRED_ROLES/);
    expect(() => loadConfig({ SESSION_IDLE_MIN: '0' })).toThrow(/SESSION_IDLE_MIN/);
  });
});
