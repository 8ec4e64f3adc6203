import { randomBytes } from 'node:crypto';
import { hashToken } from './sessions-repo.ts';
import type { Db } from './pool.ts';

/**
 * Caller (呼叫器) sign-in tokens (DOMAIN.md "staff log in by
 * scanning a QR code"): single use, short-lived, stored as SHA-256 only.
 */

export const CALLER_TOKEN_TTL_SEC = 120;

/** A single-use sign-in token for a caller, valid 120 s; the staff console shows it as a QR code. */
export async function issueCallerToken(
  db: Db,
  userId: number,
  now: Date,
  ttlSec = CALLER_TOKEN_TTL_SEC,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlSec * 1000);
  await db.query('INSERT INTO caller_tokens (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
    hashToken(token),
    userId,
    now,
    expiresAt,
  ]);
  return { token, expiresAt };
}

/** Single use: the UPDATE claims the token; a second use or an expired token finds nothing (null). */
export async function claimCallerToken(db: Db, token: string, now: Date): Promise<number | null> {
  const r = await db.query<{ user_id: number }>(
    'UPDATE caller_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id',
    [hashToken(token), now],
  );
  return r.rows[0]?.user_id ?? null;
}
