import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createCipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { createPiiCipher, type PiiAlgorithm, type PiiKeys, type Sm4Key } from './pii.ts';

const k1 = randomBytes(32),
  k2 = randomBytes(32),
  h = randomBytes(32);
const s1: Sm4Key = { enc: randomBytes(16), mac: randomBytes(32) },
  s2: Sm4Key = { enc: randomBytes(16), mac: randomBytes(32) };
const ALGS: PiiAlgorithm[] = ['aes-256-gcm', 'sm4-cbc'];
const ring = (cipher: PiiAlgorithm, extra: Partial<PiiKeys> = {}): PiiKeys => ({
  encryption: new Map([[1, k1]]),
  sm4: new Map([[1, s1]]),
  hash: h,
  cipher,
  ...extra,
});
const ID = '11010519491231002X';

/** Flips one byte of one base64url part of a stored value and re-encodes it canonically. */
function flip(stored: string, part: 1 | 2 | 3, index: number, xor: number): string {
  const parts = stored.split(':');
  const b = Buffer.from(parts[part]!, 'base64url');
  b[index % b.length]! ^= xor;
  parts[part] = b.toString('base64url');
  return parts.join(':');
}

describe('PII cipher: national-algorithm primitives are the real ones', () => {
  it('SM4 (GB/T 32907-2016 example 1) and SM3 (GB/T 32905-2016 example 1)', () => {
    const key = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');
    const c = createCipheriv('sm4-cbc', key, Buffer.alloc(16)); // one CBC block with a zero IV = SM4 of the block
    c.setAutoPadding(false);
    expect(Buffer.concat([c.update(key), c.final()]).toString('hex')).toBe('681edf34d206965e86b3e94f536e4246');
    expect(createHash('sm3').update('abc').digest('hex')).toBe(
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    );
  });
});

describe.each(ALGS)('PII cipher %s', (alg) => {
  const c = createPiiCipher(ring(alg));
  const prefix = alg === 'aes-256-gcm' ? 'v1:' : 's1:';

  it('round-trips, names algorithm and version, and never stores the plain text', () => {
    const s = c.encrypt(ID);
    expect(s.startsWith(prefix)).toBe(true);
    expect(s).not.toContain(ID);
    expect(c.decrypt(s)).toBe(ID);
    expect(c.encrypt('x')).not.toBe(c.encrypt('x'));
    expect(c.current).toEqual({ algorithm: alg, version: 1 });
    expect(c.isCurrent(s)).toBe(true);
  });

  it('uses a fresh random IV of the right size (12 bytes GCM, 16 bytes SM4-CBC) and whole blocks for SM4', () => {
    const parts = c.encrypt('张三').split(':');
    expect(Buffer.from(parts[1]!, 'base64url')).toHaveLength(alg === 'aes-256-gcm' ? 12 : 16);
    expect(Buffer.from(parts[2]!, 'base64url')).toHaveLength(alg === 'aes-256-gcm' ? 16 : 32);
    if (alg === 'sm4-cbc') expect(Buffer.from(parts[3]!, 'base64url').length % 16).toBe(0);
  });

  it('round-trips any text, including empty, CJK, emoji and exact block sizes', () => {
    for (const t of ['', '张三', '欧阳娜娜', '👩‍👩‍👧', 'a'.repeat(15), 'a'.repeat(16), 'a'.repeat(17), '010-12345678'])
      expect(c.decrypt(c.encrypt(t))).toBe(t);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (t) => c.decrypt(c.encrypt(t)) === t),
      { numRuns: 200 },
    );
  });

  it('a flipped byte of IV, tag or ciphertext is an error, never another plain text', () => {
    const stored = c.encrypt('13812345678');
    fc.assert(
      fc.property(
        fc.constantFrom(1 as const, 2 as const, 3 as const),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (part, i, x) => {
          expect(() => c.decrypt(flip(stored, part, i, x))).toThrow();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses changed characters, truncation, swapped parts, another version or algorithm', () => {
    const a = c.encrypt('13812345678'),
      b = c.encrypt('13912345678');
    const [, iv, tag, ct] = a.split(':');
    const [, iv2, tag2, ct2] = b.split(':');
    const bad = [
      a.slice(0, -1) + (a.endsWith('A') ? 'B' : 'A'), // last character: with unpadded base64url some bits are slack; must still fail
      a.slice(0, -2),
      `${prefix}${iv}:${tag}:`,
      `${prefix}${iv}:${tag!.slice(0, 8)}:${ct}`,
      `${prefix}${iv2}:${tag}:${ct}`,
      `${prefix}${iv}:${tag2}:${ct}`,
      `${prefix}${iv}:${tag}:${ct2}`,
      a.replace(/^(.)1:/, '$12:'),
      (a[0] === 'v' ? 's' : 'v') + a.slice(1),
      `${a}=`,
      ` ${a}`,
      'plain text',
      '',
    ];
    for (const s of bad) expect(() => c.decrypt(s), s).toThrow();
  });

  it('a value encrypted under other keys of the same version fails authentication', () => {
    const other = createPiiCipher(
      ring(alg, {
        encryption: new Map([[1, randomBytes(32)]]),
        sm4: new Map([[1, { enc: s1.enc, mac: randomBytes(32) }]]),
      }),
    );
    expect(() => c.decrypt(other.encrypt(ID))).toThrow(/authentication/);
  });

  it('keeps old rows readable after a key rotation; the newest version encrypts', () => {
    const stored = c.encrypt('张三');
    const rotated = createPiiCipher(
      ring(alg, {
        encryption: new Map([
          [1, k1],
          [2, k2],
        ]),
        sm4: new Map([
          [1, s1],
          [2, s2],
        ]),
      }),
    );
    expect(rotated.decrypt(stored)).toBe('张三');
    const fresh = rotated.encrypt('李四');
    expect(fresh.startsWith(alg === 'aes-256-gcm' ? 'v2:' : 's2:')).toBe(true);
    expect(rotated.isCurrent(stored)).toBe(false);
    expect(rotated.isCurrent(fresh)).toBe(true);
    expect(() => c.decrypt(fresh)).toThrow(/unknown .* key version 2/);
  });

  it('wipe() overwrites the key bytes; the cipher cannot decrypt afterwards', () => {
    const keys = ring(alg, {
      encryption: new Map([[1, Buffer.from(k1)]]),
      sm4: new Map([[1, { enc: Buffer.from(s1.enc), mac: Buffer.from(s1.mac) }]]),
      hash: Buffer.from(h),
    });
    const w = createPiiCipher(keys);
    const stored = w.encrypt(ID);
    w.wipe();
    expect(keys.hash.every((x) => x === 0)).toBe(true);
    expect(keys.encryption.get(1)!.every((x) => x === 0)).toBe(true);
    expect(keys.sm4!.get(1)!.enc.every((x) => x === 0) && keys.sm4!.get(1)!.mac.every((x) => x === 0)).toBe(true);
    expect(() => w.decrypt(stored)).toThrow();
  });
});

describe('PII cipher switch', () => {
  it('a deployment switching AES → SM4 → AES reads every row it ever wrote', () => {
    const aes = createPiiCipher(ring('aes-256-gcm'));
    const sm4 = createPiiCipher(ring('sm4-cbc'));
    const oldRow = aes.encrypt(ID),
      newRow = sm4.encrypt(ID);
    expect(sm4.decrypt(oldRow)).toBe(ID);
    expect(aes.decrypt(newRow)).toBe(ID);
    // Rotation after the switch still reads rows of both algorithms and all versions.
    const later = createPiiCipher(
      ring('sm4-cbc', {
        encryption: new Map([
          [1, k1],
          [2, k2],
        ]),
        sm4: new Map([
          [1, s1],
          [2, s2],
        ]),
      }),
    );
    expect(later.decrypt(oldRow)).toBe(ID);
    expect(later.decrypt(newRow)).toBe(ID);
    expect(later.encrypt(ID).startsWith('s2:')).toBe(true);
  });

  it('refuses to start without a key for the configured algorithm, or with keys of the wrong size', () => {
    expect(() => createPiiCipher({ encryption: new Map(), hash: h, cipher: 'aes-256-gcm' })).toThrow(
      /no PII encryption key/,
    );
    expect(() => createPiiCipher({ encryption: new Map([[1, k1]]), hash: h, cipher: 'sm4-cbc' })).toThrow(
      /no PII encryption key for sm4-cbc/,
    );
    expect(() => createPiiCipher({ encryption: new Map([[1, randomBytes(16)]]), hash: h })).toThrow(/32 bytes/);
    expect(() =>
      createPiiCipher(ring('sm4-cbc', { sm4: new Map([[1, { enc: randomBytes(32), mac: randomBytes(32) }]]) })),
    ).toThrow(/16 bytes/);
    expect(() =>
      createPiiCipher(ring('sm4-cbc', { sm4: new Map([[1, { enc: randomBytes(16), mac: randomBytes(16) }]]) })),
    ).toThrow(/MAC keys must be 32/);
    expect(() => createPiiCipher(ring('aes-256-gcm', { hash: randomBytes(16) }))).toThrow(/look-up key/);
  });
});

describe('PII look-up key', () => {
  const aes = createPiiCipher(ring('aes-256-gcm'));
  const sm4 = createPiiCipher(ring('sm4-cbc'));

  it('is HMAC-SHA256 with AES (the historic unprefixed form) and sm3:HMAC-SM3 with SM4', () => {
    expect(aes.lookupKey(ID)).toBe(createHmac('sha256', h).update(ID).digest('base64url'));
    expect(sm4.lookupKey(ID)).toBe(`sm3:${createHmac('sm3', h).update(ID).digest('base64url')}`);
  });

  it('is stable, case-insensitive on the X, and reveals nothing without the key', () => {
    for (const c of [aes, sm4]) {
      expect(c.lookupKey('11010519491231002x')).toBe(c.lookupKey(ID));
      expect(c.lookupKey(` ${ID} `)).toBe(c.lookupKey(ID));
      expect(c.lookupKey(ID)).not.toContain(ID);
    }
    const other = createPiiCipher(ring('aes-256-gcm', { hash: randomBytes(32) }));
    expect(other.lookupKey(ID)).not.toBe(aes.lookupKey(ID));
  });

  it('lookupKeys gives both forms, current first, so a search finds rows from before a cipher switch', () => {
    expect(aes.lookupKeys(ID)).toEqual([aes.lookupKey(ID), sm4.lookupKey(ID)]);
    expect(sm4.lookupKeys(ID)).toEqual([sm4.lookupKey(ID), aes.lookupKey(ID)]);
  });
});
