import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Encryption of personal data at rest (DESIGN.md principle 8; GB/T 22239-2019
 * 8.1.4.8 confidentiality of important data in storage, 8.1.4.11 personal
 * information). Two ciphers behind one interface, chosen by `PII_CIPHER`; the
 * stored text names the algorithm and the key version, so keys rotate and the
 * cipher can switch while every old row stays readable (docs/personal-data.md):
 *
 * - `v{n}:{iv}:{tag}:{ct}` AES-256-GCM, 96-bit random IV, 128-bit tag.
 * - `s{n}:{iv}:{tag}:{ct}` SM4-CBC (GB/T 32907-2016), 128-bit random IV, PKCS#7,
 *   then HMAC-SM3 (GB/T 32905-2016) over version, algorithm, IV and ciphertext
 *   with a separate MAC key (encrypt-then-MAC; the tag is checked in constant
 *   time before anything is decrypted). OpenSSL 3 has no SM4-GCM.
 *
 * All parts are unpadded base64url and must be canonical: a changed byte or
 * character is an error, never a different plain text.
 *
 * Look-ups go through a keyed hash, never through the plain value:
 * HMAC-SHA256 (base64url, unprefixed: the historic form) when AES encrypts,
 * `sm3:` + HMAC-SM3 when SM4 does. `lookupKeys` gives both forms for a search
 * across a cipher switch.
 */
export type PiiAlgorithm = 'aes-256-gcm' | 'sm4-cbc';
export const PII_ALGORITHMS: readonly PiiAlgorithm[] = ['aes-256-gcm', 'sm4-cbc'];

/** One SM4 key version: a 16-byte cipher key and a 32-byte HMAC-SM3 key. */
export interface Sm4Key {
  enc: Buffer;
  mac: Buffer;
}

export interface PiiKeys {
  /** AES-256-GCM keys by version (`v{n}:`); 32 bytes each. */
  encryption: ReadonlyMap<number, Buffer>;
  /** Key of the look-up hash; 32 bytes. */
  hash: Buffer;
  /** SM4 key pairs by version (`s{n}:`). */
  sm4?: ReadonlyMap<number, Sm4Key>;
  /** The algorithm that encrypts new values (with its highest version) and makes look-up keys. Default AES-256-GCM. */
  cipher?: PiiAlgorithm;
}

export interface PiiCipher {
  /** The algorithm and key version new values are encrypted with. */
  readonly current: { algorithm: PiiAlgorithm; version: number };
  encrypt(plain: string): string;
  /** Decrypts either stored form; throws on an unknown version, a bad format or any tampering. */
  decrypt(stored: string): string;
  /** True when `stored` is already under the current algorithm and key version (re-encryption skips it). */
  isCurrent(stored: string): boolean;
  /** Keyed hash for look-ups (same applicant across visits) that reveals nothing without the key. */
  lookupKey(plain: string): string;
  /** The look-up key in both forms, current first: matches rows written before and after a cipher switch. */
  lookupKeys(plain: string): string[];
  /** Overwrites the key bytes this cipher holds (residual information, 8.1.4.10); it is unusable afterwards. */
  wipe(): void;
}

const FORMAT = /^([vs])(\d{1,9}):([A-Za-z0-9_-]+):([A-Za-z0-9_-]+):([A-Za-z0-9_-]*)$/;
const AES_IV = 12,
  AES_TAG = 16,
  SM4_IV = 16,
  SM4_BLOCK = 16,
  SM3_TAG = 32;

/** Base64url that must be canonical (no changed trailing bits, no stray characters). */
function b64(part: string, what: string): Buffer {
  const b = Buffer.from(part, 'base64url');
  if (b.toString('base64url') !== part) throw new Error(`PII value: malformed ${what}`);
  return b;
}

/** The bytes the SM4 tag covers: a header naming version and algorithm, NUL, the fixed-size IV, the ciphertext. */
function sm4MacInput(version: number, iv: Buffer, ct: Buffer): Buffer[] {
  return [Buffer.from(`pii/s${version}/sm4-cbc/hmac-sm3\0`, 'utf8'), iv, ct];
}

function sm4Tag(mac: Buffer, version: number, iv: Buffer, ct: Buffer): Buffer {
  const h = createHmac('sm3', mac);
  for (const part of sm4MacInput(version, iv, ct)) h.update(part);
  return h.digest();
}

function normalise(plain: string): string {
  return plain.trim().toUpperCase();
}

export function createPiiCipher(keys: PiiKeys): PiiCipher {
  const algorithm = keys.cipher ?? 'aes-256-gcm';
  const aes = keys.encryption;
  const sm4 = keys.sm4 ?? new Map<number, Sm4Key>();
  if (keys.hash.length !== 32) throw new Error('PII look-up key must be 32 bytes');
  for (const k of aes.values()) if (k.length !== 32) throw new Error('AES-256-GCM PII keys must be 32 bytes');
  for (const k of sm4.values()) {
    if (k.enc.length !== 16) throw new Error('SM4 PII keys must be 16 bytes');
    if (k.mac.length !== 32) throw new Error('SM4 PII MAC keys must be 32 bytes');
  }
  const versions = [...(algorithm === 'aes-256-gcm' ? aes : sm4).keys()];
  if (versions.length === 0) throw new Error(`no PII encryption key for ${algorithm}`);
  const version = Math.max(...versions);
  const prefix = `${algorithm === 'aes-256-gcm' ? 'v' : 's'}${version}:`;

  const sha256Lookup = (plain: string) => createHmac('sha256', keys.hash).update(normalise(plain)).digest('base64url');
  const sm3Lookup = (plain: string) =>
    `sm3:${createHmac('sm3', keys.hash).update(normalise(plain)).digest('base64url')}`;

  function encryptAes(plain: string): string {
    const iv = randomBytes(AES_IV);
    const c = createCipheriv('aes-256-gcm', aes.get(version)!, iv, { authTagLength: AES_TAG });
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return `v${version}:${iv.toString('base64url')}:${c.getAuthTag().toString('base64url')}:${body.toString('base64url')}`;
  }

  function encryptSm4(plain: string): string {
    const key = sm4.get(version)!;
    const iv = randomBytes(SM4_IV);
    const c = createCipheriv('sm4-cbc', key.enc, iv); // PKCS#7 padding is OpenSSL's default
    const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    const tag = sm4Tag(key.mac, version, iv, ct);
    return `s${version}:${iv.toString('base64url')}:${tag.toString('base64url')}:${ct.toString('base64url')}`;
  }

  return {
    current: { algorithm, version },
    encrypt: (plain) => (algorithm === 'aes-256-gcm' ? encryptAes(plain) : encryptSm4(plain)),
    decrypt(stored) {
      const m = FORMAT.exec(stored);
      if (!m) throw new Error('not an encrypted PII value');
      const v = Number(m[2]);
      const iv = b64(m[3]!, 'IV'),
        tag = b64(m[4]!, 'tag'),
        ct = b64(m[5]!, 'ciphertext');
      if (m[1] === 'v') {
        const key = aes.get(v);
        if (!key) throw new Error(`unknown AES-256-GCM PII key version ${v}`);
        if (iv.length !== AES_IV || tag.length !== AES_TAG) throw new Error('PII value: bad IV or tag length');
        const d = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: AES_TAG });
        d.setAuthTag(tag);
        try {
          return Buffer.concat([d.update(ct), d.final()]).toString('utf8');
        } catch {
          throw new Error('PII value failed authentication (tampered, or encrypted with another key)');
        }
      }
      const key = sm4.get(v);
      if (!key) throw new Error(`unknown SM4 PII key version ${v}`);
      if (iv.length !== SM4_IV || tag.length !== SM3_TAG || ct.length === 0 || ct.length % SM4_BLOCK !== 0)
        throw new Error('PII value: bad IV, tag or ciphertext length');
      if (!timingSafeEqual(sm4Tag(key.mac, v, iv, ct), tag))
        throw new Error('PII value failed authentication (tampered, or encrypted with another key)');
      const d = createDecipheriv('sm4-cbc', key.enc, iv);
      return Buffer.concat([d.update(ct), d.final()]).toString('utf8');
    },
    isCurrent: (stored) => stored.startsWith(prefix),
    lookupKey: (plain) => (algorithm === 'aes-256-gcm' ? sha256Lookup(plain) : sm3Lookup(plain)),
    lookupKeys: (plain) =>
      algorithm === 'aes-256-gcm' ? [sha256Lookup(plain), sm3Lookup(plain)] : [sm3Lookup(plain), sha256Lookup(plain)],
    wipe() {
      keys.hash.fill(0);
      for (const k of aes.values()) k.fill(0);
      for (const k of sm4.values()) {
        k.enc.fill(0);
        k.mac.fill(0);
      }
    },
  };
}
