import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Encryption of personal data at rest (DESIGN.md principle 8). AES-256-GCM
 * with a random 96-bit IV; the stored text names the key version so keys can
 * rotate while old rows stay readable: `v{n}:{iv}:{tag}:{ciphertext}` (base64url).
 * Look-ups go through a keyed hash (HMAC-SHA256), never through the plain value.
 * Issue 3 adds SM4 as an alternative cipher behind the same interface.
 */
export interface PiiKeys {
  /** Encryption keys by version; the highest version encrypts. 32 bytes each. */
  encryption: ReadonlyMap<number, Buffer>;
  /** Key of the look-up hash; 32 bytes. */
  hash: Buffer;
}

export interface PiiCipher {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
  /** Keyed hash for look-ups (same applicant across visits) that reveals nothing without the key. */
  lookupKey(plain: string): string;
}

export function createPiiCipher(keys: PiiKeys): PiiCipher {
  const versions = [...keys.encryption.keys()];
  if (versions.length === 0) throw new Error('no PII encryption key');
  const current = Math.max(...versions);
  for (const k of [...keys.encryption.values(), keys.hash]) if (k.length !== 32) throw new Error('PII keys must be 32 bytes');

  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', keys.encryption.get(current)!, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return `v${current}:${iv.toString('base64url')}:${c.getAuthTag().toString('base64url')}:${body.toString('base64url')}`;
    },
    decrypt(stored) {
      const m = /^v(\d+):([\w-]+):([\w-]+):([\w-]*)$/.exec(stored);
      if (!m) throw new Error('not an encrypted value');
      const key = keys.encryption.get(Number(m[1]));
      if (!key) throw new Error(`unknown PII key version ${m[1]}`);
      const d = createDecipheriv('aes-256-gcm', key, Buffer.from(m[2]!, 'base64url'));
      d.setAuthTag(Buffer.from(m[3]!, 'base64url'));
      return Buffer.concat([d.update(Buffer.from(m[4]!, 'base64url')), d.final()]).toString('utf8');
    },
    lookupKey(plain) {
      return createHmac('sha256', keys.hash).update(plain.trim().toUpperCase()).digest('base64url');
    },
  };
}
