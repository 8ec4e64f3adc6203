import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/**
 * Staff secrets (passwords, caller PINs) are stored only as argon2id hashes
 * (docs/authentication.md; ADR 0003). argon2id with OWASP's parameters
 * (m=19 MiB, t=2, p=1): slow to guess, fast enough for logins.
 */
const ARGON = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
// A fixed hash to verify against when the user is unknown, so timing does not reveal who exists.
let dummyHash: Promise<string> | null = null;

export function hashSecret(secret: string): Promise<string> {
  return hash(secret, ARGON);
}

export function generatePassword(): string {
  // 18 random bytes → 24 characters; always has letters and digits in practice, add both to be sure.
  return `${randomBytes(18).toString('base64url')}a7`;
}

/** Verifies against a fixed hash so an unknown user costs the same time as a known one. */
export async function verifyDummy(secret: string): Promise<void> {
  dummyHash ??= hash('not-a-user-password', ARGON);
  await verify(await dummyHash, secret).catch(() => false);
}

/** A secret against its stored hash; no stored hash costs the same time as a wrong secret. */
export async function verifyHash(stored: string | null, secret: string): Promise<boolean> {
  if (!stored) {
    await verifyDummy(secret);
    return false;
  }
  return verify(stored, secret).catch(() => false);
}
