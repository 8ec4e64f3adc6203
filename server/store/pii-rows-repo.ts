import type { Db, Tx } from './pool.ts';

/**
 * The rows that hold ciphertext under the PII cipher (docs/personal-data.md
 * "Keys"): tickets' personal data and staff TOTP secrets, read under a row
 * lock and written back by the re-encryption (server/commands/personal-data-keys.ts).
 */

export interface TicketPiiCipherRow {
  id: string;
  applicant_key: string | null;
  id_number_enc: string | null;
  name_enc: string | null;
  phone_enc: string | null;
}

/** The next `limit` tickets after `afterId` (id order) that hold personal data, locked until commit. */
export async function lockTicketPiiBatch(tx: Tx, afterId: string, limit: number): Promise<TicketPiiCipherRow[]> {
  const r = await tx.query<TicketPiiCipherRow>(
    `SELECT id::text, applicant_key, id_number_enc, name_enc, phone_enc FROM tickets
     WHERE id > $1 AND (id_number_enc IS NOT NULL OR name_enc IS NOT NULL OR phone_enc IS NOT NULL)
     ORDER BY id LIMIT $2 FOR UPDATE`,
    [afterId, limit],
  );
  return r.rows;
}

export async function updateTicketPii(
  tx: Tx,
  id: string,
  enc: readonly (string | null)[],
  applicantKey: string | null,
): Promise<void> {
  await tx.query(
    'UPDATE tickets SET id_number_enc = $2, name_enc = $3, phone_enc = $4, applicant_key = $5 WHERE id = $1',
    [id, ...enc, applicantKey],
  );
}

/** Whether this database has `users.totp_secret_enc` (an older schema has no TOTP). */
export async function hasTotpColumn(db: Db | Tx): Promise<boolean> {
  const has = await db.query(
    "SELECT 1 FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'totp_secret_enc'",
  );
  return (has.rowCount ?? 0) > 0;
}

export async function lockTotpSecrets(tx: Tx): Promise<{ id: number; totp_secret_enc: string }[]> {
  const r = await tx.query<{ id: number; totp_secret_enc: string }>(
    'SELECT id, totp_secret_enc FROM users WHERE totp_secret_enc IS NOT NULL FOR UPDATE',
  );
  return r.rows;
}

export async function updateTotpSecret(tx: Tx, userId: number, enc: string): Promise<void> {
  await tx.query('UPDATE users SET totp_secret_enc = $2 WHERE id = $1', [userId, enc]);
}
