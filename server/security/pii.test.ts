import { describe, it, expect } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createPiiCipher } from './pii.ts';

const k1 = randomBytes(32), k2 = randomBytes(32), h = randomBytes(32);

describe('PII cipher', () => {
  it('round-trips and never stores the plain text', () => {
    const c = createPiiCipher({ encryption: new Map([[1, k1]]), hash: h });
    const s = c.encrypt('11010519491231002X');
    expect(s).not.toContain('11010519491231002X');
    expect(c.decrypt(s)).toBe('11010519491231002X');
    expect(c.encrypt('x')).not.toBe(c.encrypt('x'));
  });
  it('keeps old rows readable after a key rotation', () => {
    const old = createPiiCipher({ encryption: new Map([[1, k1]]), hash: h });
    const stored = old.encrypt('张三');
    const rotated = createPiiCipher({ encryption: new Map([[1, k1], [2, k2]]), hash: h });
    expect(rotated.decrypt(stored)).toBe('张三');
    expect(rotated.encrypt('李四').startsWith('v2:')).toBe(true);
  });
  it('detects tampering', () => {
    const c = createPiiCipher({ encryption: new Map([[1, k1]]), hash: h });
    const s = c.encrypt('13812345678');
    const bad = s.slice(0, -2) + (s.endsWith('A') ? 'BB' : 'AA');
    expect(() => c.decrypt(bad)).toThrow();
  });
  it('gives a stable keyed look-up hash, case-insensitive on the X', () => {
    const c = createPiiCipher({ encryption: new Map([[1, k1]]), hash: h });
    expect(c.lookupKey('11010519491231002x')).toBe(c.lookupKey('11010519491231002X'));
    const other = createPiiCipher({ encryption: new Map([[1, k1]]), hash: randomBytes(32) });
    expect(other.lookupKey('11010519491231002X')).not.toBe(c.lookupKey('11010519491231002X'));
  });
});
