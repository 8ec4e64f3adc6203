import { AUDIT_GENESIS, auditHash, type AuditFields, type AuditResult } from '../security/audit-chain.ts';
import type { AuditVerifyResult } from '../../contracts/index.ts';
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

/** An audit_log row as the driver returns it. */
export interface AuditDbRow {
  id: number; at: Date; user_id: number | null; username: string | null; role: string | null; ip: string | null;
  action: string; target: string | null; result: AuditResult; detail: unknown; prev_hash: string; hash: string;
}
export const AUDIT_COLUMNS = 'id, at, user_id, username, role, ip, action, target, result, detail, prev_hash, hash';

export function auditFieldsOf(r: AuditDbRow): AuditFields {
  return { at: r.at, userId: r.user_id, username: r.username, role: r.role, ip: r.ip, action: r.action, target: r.target, result: r.result, detail: r.detail };
}

const BATCH = 2000;

/**
 * Walks the chain in id order from the retention anchor (or the genesis
 * hash), recomputing every hash, then compares the end with `audit_head`.
 * One REPEATABLE READ snapshot, so appends running meanwhile neither show
 * half-way nor count as a broken end. Ids may skip (a rolled-back append
 * consumes a sequence value); only links and hashes count.
 */
export async function verifyAuditChain(db: Db): Promise<AuditVerifyResult> {
  const c = await db.connect();
  try {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const head = (await c.query<{ last_id: number; last_hash: string }>('SELECT last_id, last_hash FROM audit_head')).rows[0];
    const anchor = (await c.query<{ last_id: number; last_hash: string }>('SELECT last_id, last_hash FROM audit_anchor')).rows[0];
    let prevId = anchor?.last_id ?? 0;
    let prevHash = anchor?.last_hash ?? AUDIT_GENESIS;
    let rows = 0;
    for (;;) {
      const batch = (await c.query<AuditDbRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE id > $1 ORDER BY id LIMIT ${BATCH}`, [prevId])).rows;
      for (const r of batch) {
        if (r.prev_hash !== prevHash) return { ok: false, rows, firstBad: { id: r.id, reason: 'broken-link' } };
        if (auditHash(r.prev_hash, r.id, auditFieldsOf(r)) !== r.hash) return { ok: false, rows, firstBad: { id: r.id, reason: 'hash-mismatch' } };
        prevId = r.id;
        prevHash = r.hash;
        rows++;
      }
      if (batch.length < BATCH) break;
    }
    // The end must be the head: fewer rows means the last ones were deleted;
    // the same id with another hash means the last row was rewritten whole.
    if (!head) return { ok: false, rows, firstBad: { id: prevId, reason: 'gap' } };
    if (head.last_id > prevId) return { ok: false, rows, firstBad: { id: head.last_id, reason: 'gap' } };
    if (head.last_id < prevId) return { ok: false, rows, firstBad: { id: prevId, reason: 'broken-link' } };
    if (head.last_hash !== prevHash) return { ok: false, rows, firstBad: { id: prevId, reason: 'hash-mismatch' } };
    return { ok: true, rows };
  } finally {
    await c.query('ROLLBACK').catch(() => undefined);
    c.release();
  }
}
