import { describe, it, expect } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadPiiKeys } from './keys.ts';
import { createPiiCipher } from './pii.ts';

describe('PII keys', () => {
  it('generates demo keys once and reuses them', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'keys-'));
    const a = await loadPiiKeys({ DATA_DIR: dir });
    const b = await loadPiiKeys({ DATA_DIR: dir });
    expect(b.hash.equals(a.hash)).toBe(true);
    expect(b.encryption.get(1)!.equals(a.encryption.get(1)!)).toBe(true);
  });
  it('a configured key rotates in as the newest version and old rows stay readable', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'keys-'));
    const old = createPiiCipher(await loadPiiKeys({ DATA_DIR: dir }));
    const stored = old.encrypt('11010519491231002X');
    const k = randomBytes(32).toString('hex');
    const keys = await loadPiiKeys({ DATA_DIR: dir, PII_KEY: k });
    expect([...keys.encryption.keys()]).toEqual([1, 2]);
    const rotated = createPiiCipher(keys);
    expect(rotated.decrypt(stored)).toBe('11010519491231002X');
    expect(rotated.encrypt('x').startsWith('v2:')).toBe(true);
    expect(rotated.lookupKey('11010519491231002X')).toBe(old.lookupKey('11010519491231002X'));
  });
  it('uses only configured keys when both are set and no file exists', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'keys-'));
    const k = randomBytes(32).toString('hex'), h = randomBytes(32).toString('hex');
    const keys = await loadPiiKeys({ DATA_DIR: dir, PII_KEY: k, PII_HASH_KEY: h });
    expect([...keys.encryption.keys()]).toEqual([1]);
    expect(keys.hash.toString('hex')).toBe(h);
  });
});
