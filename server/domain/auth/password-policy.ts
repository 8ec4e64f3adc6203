import { HallError } from '../../../contracts/index.ts';

/**
 * Password rules (GB/T 22239-2019 8.1.4.1 a "identity ... passwords
 * with complexity requirements and changed regularly"; OWASP ASVS 5.0 V6.2).
 * Pure: no I/O, the caller passes the user name. Refusals are
 * HALL_ERR_WEAK_PASSWORD with the names of the failed rules in `details.failed`,
 * never the password.
 */
export type PasswordRule = 'length' | 'max-length' | 'classes' | 'username' | 'common';

export interface PasswordPolicy {
  minLength: number;
  maxLength: number;
  minClasses: number;
}
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = Object.freeze({ minLength: 10, maxLength: 256, minClasses: 3 });

/**
 * A small list of the passwords every guessing tool tries first (global and
 * Chinese favourites). Compared after lower-casing and after stripping digits
 * and symbols from both ends, so `Password123!` and `woaini1314` are refused.
 * Not a breached-password corpus: see docs/authentication.md.
 */
const COMMON = new Set([
  'password',
  'passw0rd',
  'p@ssw0rd',
  'p@ssword',
  'pass',
  'qwerty',
  'qwertyuiop',
  'qwerty123',
  'qweasd',
  'qweasdzxc',
  'qazwsx',
  'qazwsxedc',
  '1qaz2wsx',
  'zaq12wsx',
  '1q2w3e4r',
  '1q2w3e4r5t',
  'asdfgh',
  'asdfghjkl',
  'zxcvbnm',
  'abc',
  'abcd',
  'abcdef',
  'abcdefg',
  'abc123',
  'a123456',
  'aa123456',
  'admin',
  'administrator',
  'root',
  'guest',
  'test',
  'welcome',
  'letmein',
  'iloveyou',
  'changeme',
  'default',
  'secret',
  'dragon',
  'monkey',
  'football',
  'baseball',
  'sunshine',
  'princess',
  'master',
  'superman',
  'trustno1',
  'shadow',
  'michael',
  'woaini',
  'woaini1314',
  '5201314',
  'aini',
  'zhang',
  'wang',
  'huawei',
  'xiaomi',
  'china',
  'beijing',
  'shanghai',
  'gov',
  'zhengwu',
  'demo',
  'hall',
  'user',
  'login',
  'system',
  'server',
  'computer',
  'internet',
  '123456',
  '1234567',
  '12345678',
  '123456789',
  '1234567890',
  '0123456789',
  '111111',
  '000000',
  '888888',
  '666666',
  '123123',
  '654321',
]);

/** Character classes: lower case, upper case, digits, anything else (symbols, spaces, CJK). */
export function characterClasses(password: string): number {
  let lower = 0,
    upper = 0,
    digit = 0,
    other = 0;
  for (const ch of password) {
    if (ch >= 'a' && ch <= 'z') lower = 1;
    else if (ch >= 'A' && ch <= 'Z') upper = 1;
    else if (ch >= '0' && ch <= '9') digit = 1;
    else other = 1;
  }
  return lower + upper + digit + other;
}

export function isCommonPassword(password: string): boolean {
  const lower = password.toLowerCase();
  const core = lower.replace(/^[^a-z]+|[^a-z]+$/g, '');
  return COMMON.has(lower) || (core.length > 0 && COMMON.has(core)) || COMMON.has(lower.replace(/[^a-z0-9]/g, ''));
}

/** The rules `password` breaks for `username`; empty when it is acceptable. */
export function passwordProblems(
  password: string,
  username: string,
  policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY,
): PasswordRule[] {
  const failed: PasswordRule[] = [];
  const length = [...password].length; // code points, so CJK counts as one each
  if (length < policy.minLength) failed.push('length');
  if (length > policy.maxLength) failed.push('max-length');
  if (characterClasses(password) < policy.minClasses) failed.push('classes');
  const u = username.trim().toLowerCase();
  if (u.length >= 3 && password.toLowerCase().includes(u)) failed.push('username');
  if (isCommonPassword(password)) failed.push('common');
  return failed;
}

/** Throws HALL_ERR_WEAK_PASSWORD naming the failed rules. */
export function assertStrongPassword(
  password: string,
  username: string,
  policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY,
): void {
  const failed = passwordProblems(password, username, policy);
  if (failed.length > 0) {
    throw new HallError('HALL_ERR_WEAK_PASSWORD', `the password breaks these rules: ${failed.join(', ')}`, {
      failed,
      minLength: policy.minLength,
      minClasses: policy.minClasses,
    });
  }
}

/**
 * Caller (呼叫器) PINs: exactly 6 digits, and not a trivial one (all the same
 * digit, or a straight run such as 123456 / 987654).
 */
export type PinRule = 'format' | 'trivial';
export function pinProblems(pin: string): PinRule[] {
  if (!/^\d{6}$/.test(pin)) return ['format'];
  const d = [...pin].map(Number);
  const steps = new Set(d.slice(1).map((x, i) => x - d[i]!));
  const trivial = steps.size === 1 && [0, 1, -1].includes([...steps][0]!);
  return trivial || ['123123', '112233', '520520', '131420', '147258', '258369'].includes(pin) ? ['trivial'] : [];
}

export function assertGoodPin(pin: string): void {
  const failed = pinProblems(pin);
  if (failed.length > 0)
    throw new HallError('HALL_ERR_WEAK_PASSWORD', `the PIN breaks these rules: ${failed.join(', ')}`, { failed });
}
