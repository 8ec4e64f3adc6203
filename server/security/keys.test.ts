import { describe, it, expect } from 'vitest';
import { mkdtemp, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { deriveSm4MacKey, keyRingFile, loadPiiKeys, rotatePiiKey } from './keys.ts';
import { createPiiCipher } from './pii.ts';

const ID = '11010519491231002X';
const scratch = () => mkdtemp(path.join(tmpdir(), 'keys-'));
const hex = (n: number) => randomBytes(n).toString('hex');
const ringOf = async (dir: string) =>
  JSON.parse(await readFile(keyRingFile(dir), 'utf8')) as {
    encryption?: Record<string, string>;
    sm4?: Record<string, { enc: string; mac: string }>;
    hash?: string;
  };

describe('PII keys', () => {
  it('generates demo keys once (mode 0600) and reuses them', async () => {
    const dir = await scratch();
    const a = await loadPiiKeys({ DATA_DIR: dir });
    const b = await loadPiiKeys({ DATA_DIR: dir });
    expect(b.hash.equals(a.hash)).toBe(true);
    expect(b.encryption.get(1)!.equals(a.encryption.get(1)!)).toBe(true);
    expect((await stat(keyRingFile(dir))).mode & 0o777).toBe(0o600);
  });

  it('reads a key ring written by the previous version (AES only)', async () => {
    const dir = await scratch();
    const k = hex(32),
      h = hex(32);
    await writeFile(keyRingFile(dir), JSON.stringify({ encryption: { 1: k }, hash: h }), { mode: 0o600 });
    const keys = await loadPiiKeys({ DATA_DIR: dir });
    expect(keys.encryption.get(1)!.toString('hex')).toBe(k);
    expect(keys.hash.toString('hex')).toBe(h);
    expect(keys.sm4!.size).toBe(0);
  });

  it('a configured key rotates in as the newest version and old rows stay readable', async () => {
    const dir = await scratch();
    const old = createPiiCipher(await loadPiiKeys({ DATA_DIR: dir }));
    const stored = old.encrypt(ID);
    const keys = await loadPiiKeys({ DATA_DIR: dir, PII_KEY: hex(32) });
    expect([...keys.encryption.keys()]).toEqual([1, 2]);
    const rotated = createPiiCipher(keys);
    expect(rotated.decrypt(stored)).toBe(ID);
    expect(rotated.encrypt('x').startsWith('v2:')).toBe(true);
    expect(rotated.lookupKey(ID)).toBe(old.lookupKey(ID));
  });

  it('rotating the configured key twice keeps the middle version (it is written to the ring)', async () => {
    const dir = await scratch();
    const h = hex(32),
      ka = hex(32),
      kb = hex(32),
      kc = hex(32);
    const a = createPiiCipher(await loadPiiKeys({ DATA_DIR: dir, PII_KEY: ka, PII_HASH_KEY: h }));
    const rowA = a.encrypt('A');
    const b = createPiiCipher(await loadPiiKeys({ DATA_DIR: dir, PII_KEY: kb, PII_HASH_KEY: h }));
    const rowB = b.encrypt('B');
    const c = createPiiCipher(await loadPiiKeys({ DATA_DIR: dir, PII_KEY: kc, PII_HASH_KEY: h }));
    expect([rowA.slice(0, 3), rowB.slice(0, 3), c.encrypt('C').slice(0, 3)]).toEqual(['v1:', 'v2:', 'v3:']);
    expect(c.decrypt(rowA)).toBe('A');
    expect(c.decrypt(rowB)).toBe('B');
    // Starting again with an older configured key changes nothing: the newest version still encrypts.
    expect(createPiiCipher(await loadPiiKeys({ DATA_DIR: dir, PII_KEY: ka, PII_HASH_KEY: h })).current.version).toBe(3);
    // A configured look-up key is configuration, not ring content.
    expect((await ringOf(dir)).hash).toBeUndefined();
  });

  it('uses only configured keys when both are set and no file exists', async () => {
    const dir = await scratch();
    const k = hex(32),
      h = hex(32);
    const keys = await loadPiiKeys({ DATA_DIR: dir, PII_KEY: k, PII_HASH_KEY: h });
    expect([...keys.encryption.keys()]).toEqual([1]);
    expect(keys.encryption.get(1)!.toString('hex')).toBe(k);
    expect(keys.hash.toString('hex')).toBe(h);
  });
});

describe('PII keys: SM4', () => {
  it('generates an SM4 key pair (16-byte key, 32-byte MAC key) when PII_CIPHER=sm4-cbc has none', async () => {
    const dir = await scratch();
    const keys = await loadPiiKeys({ DATA_DIR: dir, PII_CIPHER: 'sm4-cbc' });
    expect(keys.cipher).toBe('sm4-cbc');
    expect(keys.sm4!.get(1)!.enc).toHaveLength(16);
    expect(keys.sm4!.get(1)!.mac).toHaveLength(32);
    expect(keys.encryption.size).toBe(0);
    const c = createPiiCipher(keys);
    expect(c.encrypt(ID).startsWith('s1:')).toBe(true);
    expect(c.lookupKey(ID).startsWith('sm3:')).toBe(true);
  });

  it('takes PII_SM4_KEY and PII_SM4_MAC_KEY, or derives the MAC key with HKDF-SM3', async () => {
    const enc = hex(16),
      mac = hex(32);
    const both = await loadPiiKeys({
      DATA_DIR: await scratch(),
      PII_CIPHER: 'sm4-cbc',
      PII_SM4_KEY: enc,
      PII_SM4_MAC_KEY: mac,
    });
    expect(both.sm4!.get(1)!.enc.toString('hex')).toBe(enc);
    expect(both.sm4!.get(1)!.mac.toString('hex')).toBe(mac);
    const derived = await loadPiiKeys({
      DATA_DIR: await scratch(),
      PII_CIPHER: 'sm4-cbc',
      PII_SM4_KEY: enc.toUpperCase(),
    });
    expect(derived.sm4!.get(1)!.mac.equals(deriveSm4MacKey(Buffer.from(enc, 'hex')))).toBe(true);
    expect(derived.sm4!.get(1)!.mac.equals(derived.sm4!.get(1)!.enc)).toBe(false);
    await expect(loadPiiKeys({ DATA_DIR: await scratch(), PII_SM4_MAC_KEY: mac })).rejects.toMatchObject({
      code: 'HALL_ERR_CONFIG',
    });
  });

  it('a new configured SM4 key becomes s2 and s1 rows stay readable', async () => {
    const dir = await scratch();
    const first = createPiiCipher(await loadPiiKeys({ DATA_DIR: dir, PII_CIPHER: 'sm4-cbc', PII_SM4_KEY: hex(16) }));
    const row = first.encrypt('张三');
    const second = createPiiCipher(await loadPiiKeys({ DATA_DIR: dir, PII_CIPHER: 'sm4-cbc', PII_SM4_KEY: hex(16) }));
    expect(second.current).toEqual({ algorithm: 'sm4-cbc', version: 2 });
    expect(second.decrypt(row)).toBe('张三');
    expect(second.lookupKey(ID)).toBe(first.lookupKey(ID));
  });
});

describe('PII keys: rotation (keys:rotate) and cipher switch', () => {
  it.each(['aes-256-gcm', 'sm4-cbc'] as const)(
    'rotatePiiKey(%s) adds a version that encrypts after the next load; old rows stay readable',
    async (alg) => {
      const dir = await scratch();
      const before = createPiiCipher(await loadPiiKeys({ DATA_DIR: dir, PII_CIPHER: alg }));
      const row = before.encrypt(ID);
      expect(await rotatePiiKey({ DATA_DIR: dir }, alg)).toMatchObject({ algorithm: alg, version: 2 });
      expect(await rotatePiiKey({ DATA_DIR: dir }, alg)).toMatchObject({ algorithm: alg, version: 3 });
      const after = createPiiCipher(await loadPiiKeys({ DATA_DIR: dir, PII_CIPHER: alg }));
      expect(after.current).toEqual({ algorithm: alg, version: 3 });
      expect(after.decrypt(row)).toBe(ID);
      expect(after.lookupKey(ID)).toBe(before.lookupKey(ID));
    },
  );

  it('switching AES → SM4 → AES with rotations in between reads every row', async () => {
    const dir = await scratch();
    const rows: [string, string][] = [];
    const aes1 = createPiiCipher(await loadPiiKeys({ DATA_DIR: dir }));
    rows.push(['a', aes1.encrypt('a')]);
    const sm41 = createPiiCipher(await loadPiiKeys({ DATA_DIR: dir, PII_CIPHER: 'sm4-cbc' }));
    rows.push(['b', sm41.encrypt('b')]);
    await rotatePiiKey({ DATA_DIR: dir }, 'sm4-cbc');
    const sm42 = createPiiCipher(await loadPiiKeys({ DATA_DIR: dir, PII_CIPHER: 'sm4-cbc' }));
    rows.push(['c', sm42.encrypt('c')]);
    await rotatePiiKey({ DATA_DIR: dir }, 'aes-256-gcm');
    const aes2 = createPiiCipher(await loadPiiKeys({ DATA_DIR: dir, PII_CIPHER: 'aes-256-gcm' }));
    rows.push(['d', aes2.encrypt('d')]);
    expect(rows.map(([, r]) => r.slice(0, 3))).toEqual(['v1:', 's1:', 's2:', 'v2:']);
    for (const c of [aes2, createPiiCipher(await loadPiiKeys({ DATA_DIR: dir, PII_CIPHER: 'sm4-cbc' }))]) {
      for (const [plain, row] of rows) expect(c.decrypt(row)).toBe(plain);
    }
    expect(Object.keys((await ringOf(dir)).sm4!)).toEqual(['1', '2']);
  });

  it('concurrent first starts agree on one key ring', async () => {
    const dir = await scratch();
    const all = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        loadPiiKeys({ DATA_DIR: dir, PII_CIPHER: i % 2 ? 'sm4-cbc' : 'aes-256-gcm' }),
      ),
    );
    const final = await loadPiiKeys({ DATA_DIR: dir, PII_CIPHER: 'sm4-cbc' });
    for (const k of all) {
      expect(k.hash.equals(final.hash)).toBe(true);
      if (k.encryption.size) expect(k.encryption.get(1)!.equals(final.encryption.get(1)!)).toBe(true);
      if (k.sm4!.size) expect(k.sm4!.get(1)!.enc.equals(final.sm4!.get(1)!.enc)).toBe(true);
    }
  });

  it('a stale lock left by a dead process does not block for ever', async () => {
    const dir = await scratch();
    const lock = `${keyRingFile(dir)}.lock`;
    await writeFile(lock, '');
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    expect((await rotatePiiKey({ DATA_DIR: dir }, 'sm4-cbc')).version).toBe(1);
  });
});
