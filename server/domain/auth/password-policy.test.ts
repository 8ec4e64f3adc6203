import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { HallError } from '../../../contracts/index.ts';
import {
  assertGoodPin,
  assertStrongPassword,
  characterClasses,
  isCommonPassword,
  passwordProblems,
  pinProblems,
} from './password-policy.ts';

describe('password policy (GB/T 22239-2019 8.1.4.1 a, ASVS V6.2)', () => {
  it('accepts a long password with three classes that is not common and does not contain the user name', () => {
    expect(passwordProblems('Hall-ops staff 7', 'sup-east')).toEqual([]);
    expect(passwordProblems('correct horse 9 battery', 'leader')).toEqual([]);
  });

  it('names every rule a password breaks', () => {
    expect(passwordProblems('Demo#2026', 'admin')).toEqual(['length', 'common']);
    expect(passwordProblems('Tulip#20260', 'admin')).toEqual([]);
    expect(passwordProblems('alllowercaseletters', 'admin')).toEqual(['classes']);
    expect(passwordProblems('Sup-East#2026x', 'sup-east')).toEqual(['username']);
    expect(passwordProblems('Password123!', 'admin')).toEqual(['common']);
    expect(passwordProblems('woaini1314', 'admin')).toEqual(['classes', 'common']);
    expect(passwordProblems('abc', 'abc')).toEqual(['length', 'classes', 'username', 'common']);
    expect(passwordProblems('Aa1!'.repeat(70), 'admin')).toEqual(['max-length']);
  });

  it('counts code points, so Chinese characters count once each and as a class of their own', () => {
    expect(characterClasses('政务Aa')).toBe(3);
    expect(passwordProblems('政务服务大厅Ab12', 'admin')).toEqual([]);
    expect(passwordProblems('政务服务Ab1', 'admin')).toEqual(['length']);
  });

  it('recognises common passwords behind digits and symbols', () => {
    expect(isCommonPassword('P@ssw0rd')).toBe(true);
    expect(isCommonPassword('!!Qwerty2026')).toBe(true);
    expect(isCommonPassword('1qaz2wsx')).toBe(true);
    expect(isCommonPassword('Lantern-Ridge-42')).toBe(false);
  });

  it('throws a coded error with the failed rules and never the password', () => {
    try {
      assertStrongPassword('short', 'admin');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(HallError);
      expect((e as HallError).code).toBe('HALL_ERR_WEAK_PASSWORD');
      expect((e as HallError).details).toMatchObject({ failed: ['length', 'classes'] });
      expect(JSON.stringify((e as HallError).details) + (e as HallError).message).not.toContain('short');
    }
  });

  it('never accepts a password shorter than the minimum or with fewer than 3 classes (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (pw) => {
        const failed = passwordProblems(pw, 'someone');
        if ([...pw].length < 10) expect(failed).toContain('length');
        if (characterClasses(pw) < 3) expect(failed).toContain('classes');
      }),
    );
  });
});

describe('caller PIN rules', () => {
  it('wants exactly six digits and no trivial run', () => {
    expect(pinProblems('480613')).toEqual([]);
    expect(pinProblems('12345')).toEqual(['format']);
    expect(pinProblems('12345a')).toEqual(['format']);
    expect(pinProblems('111111')).toEqual(['trivial']);
    expect(pinProblems('123456')).toEqual(['trivial']);
    expect(pinProblems('987654')).toEqual(['trivial']);
    expect(() => assertGoodPin('000000')).toThrow(HallError);
    expect(() => assertGoodPin('305917')).not.toThrow();
  });
});
