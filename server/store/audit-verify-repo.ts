import { AUDIT_GENESIS, auditHash } from '../security/audit-chain.ts';
import type { AuditVerifyResult } from '../../contracts/index.ts';
import { AUDIT_COLUMNS, auditFieldsOf, type AuditDbRow } from './audit-rows.ts';
import type { Db } from './pool.ts';

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
    const head = (await c.query<{ last_id: number; last_hash: string }>('SELECT last_id, last_hash FROM audit_head'))
      .rows[0];
    const anchor = (
      await c.query<{ last_id: number; last_hash: string }>('SELECT last_id, last_hash FROM audit_anchor')
    ).rows[0];
    let prevId = anchor?.last_id ?? 0;
    let prevHash = anchor?.last_hash ?? AUDIT_GENESIS;
    let rows = 0;
    for (;;) {
      const batch = (
        await c.query<AuditDbRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE id > $1 ORDER BY id LIMIT ${BATCH}`, [
          prevId,
        ])
      ).rows;
      for (const r of batch) {
        if (r.prev_hash !== prevHash) return { ok: false, rows, firstBad: { id: r.id, reason: 'broken-link' } };
        if (auditHash(r.prev_hash, r.id, auditFieldsOf(r)) !== r.hash)
          return { ok: false, rows, firstBad: { id: r.id, reason: 'hash-mismatch' } };
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
