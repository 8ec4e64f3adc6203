import { AUDIT_GENESIS, auditHash, type AuditFields } from '../security/audit-chain.ts';
import type { Db, Tx } from './pool.ts';

/** An arbitrary constant: appends to the chain go one at a time, across processes. */
const CHAIN_LOCK = 7_311_403;

export type AuditEntry = Omit<AuditFields, 'detail'> & { detail?: unknown };

/**
 * Appends one audit row, linked to the last one. Pass a transaction to make
 * the audit row part of the change it records (configuration changes);
 * otherwise it commits on its own (logins, denials, views).
 */
export async function recordAudit(db: Db | Tx, e: AuditEntry): Promise<void> {
  const own = 'totalCount' in db; // a Pool: run our own transaction
  const c = own ? await (db as Db).connect() : (db as Tx);
  try {
    if (own) await c.query('BEGIN');
    await c.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
    const last = await c.query<{ hash: string }>('SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1');
    const prev = last.rows[0]?.hash ?? AUDIT_GENESIS;
    const id = (await c.query<{ id: number }>("SELECT nextval(pg_get_serial_sequence('audit_log', 'id'))::bigint AS id")).rows[0]!.id;
    const f: AuditFields = { ...e, detail: e.detail ?? null };
    await c.query(
      `INSERT INTO audit_log (id, at, user_id, username, role, ip, action, target, result, detail, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [id, e.at, e.userId, e.username, e.role, e.ip, e.action, e.target, e.result, JSON.stringify(f.detail), prev, auditHash(prev, id, f)]);
    if (own) await c.query('COMMIT');
  } catch (err) {
    if (own) await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    if (own) (c as Tx).release();
  }
}
