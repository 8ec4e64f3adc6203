import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { HallError, type Role } from '../../contracts/index.ts';
import type { StaffPrincipal } from '../domain/access/scope.ts';
import type { Db } from './pool.ts';

/** argon2id (OWASP: m=19 MiB, t=2, p=1): slow to guess, fast enough for logins. */
const ARGON = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
// A fixed hash to verify against when the user is unknown, so timing does not reveal who exists.
let dummyHash: Promise<string> | null = null;

export function generatePassword(): string {
  // 18 random bytes → 24 characters; always has letters and digits in practice, add both to be sure.
  return `${randomBytes(18).toString('base64url')}a7`;
}

export async function addUser(db: Db, u: { username?: string | undefined; password?: string | undefined; role: Role; hallId?: string | undefined; regionCode?: string | undefined }): Promise<{ username: string; password: string }> {
  const username = u.username ?? `${u.role}-${randomBytes(3).toString('hex')}`;
  const password = u.password ?? generatePassword();
  const passwordHash = await hash(password, ARGON);
  try {
    const r = await db.query('INSERT INTO users (username, password_hash, role, hall_id, region_code) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username) DO NOTHING',
      [username, passwordHash, u.role, u.hallId ?? null, u.regionCode ?? null]);
    if (r.rowCount === 0) throw new HallError('HALL_ERR_CONFLICT', `user ${username} exists`);
  } catch (e) {
    if ((e as { code?: string }).code === '23503') throw new HallError('HALL_ERR_NOT_FOUND', 'no such hall or region');
    throw e;
  }
  return { username, password };
}

export async function checkPassword(db: Db, username: string, password: string): Promise<StaffPrincipal | null> {
  const r = await db.query<{ id: number; username: string; password_hash: string; role: Role; hall_id: string | null; region_code: string | null }>(
    'SELECT id, username, password_hash, role, hall_id, region_code FROM users WHERE username = $1 AND disabled_at IS NULL', [username]);
  const row = r.rows[0];
  if (!row) {
    dummyHash ??= hash('not-a-user-password', ARGON);
    await verify(await dummyHash, password).catch(() => false);
    return null;
  }
  const ok = await verify(row.password_hash, password).catch(() => false);
  return ok ? { userId: row.id, username: row.username, role: row.role, hallId: row.hall_id, regionCode: row.region_code } : null;
}

const tokenHash = (t: string) => createHash('sha256').update(t).digest('hex');

/** Opaque bearer token; only its hash is stored, so a database leak gives no usable sessions. */
export async function createSession(db: Db, userId: number, ttlMin: number, now: Date): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + ttlMin * 60_000);
  await db.query('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [tokenHash(token), userId, now, expiresAt]);
  return { token, expiresAt };
}

export async function sessionUser(db: Db, token: string, now: Date): Promise<StaffPrincipal | null> {
  const r = await db.query<{ id: number; username: string; role: Role; hall_id: string | null; region_code: string | null; department_id: string | null }>(
    `SELECT u.id, u.username, u.role, u.hall_id, u.region_code, u.department_id FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND u.disabled_at IS NULL`, [tokenHash(token), now]);
  const row = r.rows[0];
  return row ? { userId: row.id, username: row.username, role: row.role, hallId: row.hall_id, regionCode: row.region_code, departmentId: row.department_id } : null;
}

export async function revokeSession(db: Db, token: string, now: Date): Promise<void> {
  await db.query('UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL', [tokenHash(token), now]);
}
