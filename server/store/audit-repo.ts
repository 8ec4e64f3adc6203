import { AUDIT_GENESIS, auditHash, type AuditFields } from '../security/audit-chain.ts';
import type { Db, Tx } from './pool.ts';

/**
 * An arbitrary constant: appends to the chain go one at a time, across
 * processes. `audit_prune()` (migration 005) takes the same lock.
 */
export const CHAIN_LOCK = 7_311_403;

export type AuditEntry = Omit<AuditFields, 'detail'> & { detail?: unknown };

/**
 * Appends one audit row, linked to the chain head. Pass a transaction to make
 * the audit row part of the change it records (configuration changes);
 * otherwise it commits on its own (logins, denials, views). The insert
 * trigger refuses a row that does not extend `audit_head` and moves the head
 * in the same transaction (GB/T 22239-2019 8.1.4.3 c).
 */
export async function recordAudit(db: Db | Tx, e: AuditEntry): Promise<void> {
  const own = 'totalCount' in db; // a Pool: run our own transaction
  const c = own ? await (db as Db).connect() : (db as Tx);
  try {
    if (own) await c.query('BEGIN');
    await c.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
    // The head, not the last row: after a prune that removed every row, the head still holds the last hash.
    const head = await c.query<{ last_hash: string }>('SELECT last_hash FROM audit_head');
    const prev = head.rows[0]?.last_hash ?? AUDIT_GENESIS;
    const id = (
      await c.query<{ id: number }>("SELECT nextval(pg_get_serial_sequence('audit_log', 'id'))::bigint AS id")
    ).rows[0]!.id;
    const f: AuditFields = { ...e, detail: e.detail ?? null };
    await c.query(
      `INSERT INTO audit_log (id, at, user_id, username, role, ip, action, target, result, detail, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        id,
        e.at,
        e.userId,
        e.username,
        e.role,
        e.ip,
        e.action,
        e.target,
        e.result,
        JSON.stringify(f.detail),
        prev,
        auditHash(prev, id, f),
      ],
    );
    if (own) await c.query('COMMIT');
  } catch (err) {
    if (own) await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    if (own) (c as Tx).release();
  }
}
