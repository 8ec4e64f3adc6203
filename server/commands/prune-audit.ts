import { HallError } from '../../contracts/index.ts';
import { recordAudit, type AuditEntry } from '../store/audit-repo.ts';
import { pruneAuditBefore, type PruneResult } from '../store/audit-retention-repo.ts';
import { withTx, type Db } from '../store/pool.ts';

/**
 * The floor of AUDIT_RETENTION_DAYS: six months (网络安全法 art. 21; GB/T
 * 22239-2019 8.1.4.3 c asks the records be kept safe). `audit_prune()` in
 * migration 005 enforces the same floor inside the database.
 */
export const MIN_AUDIT_RETENTION_DAYS = 180;
const DAY_MS = 86_400_000;

export type { PruneResult };

/**
 * Removes audit rows older than `retentionDays` (CLI `audit:prune`; docs/audit.md
 * "Retention"). The prune itself is audited in the same transaction.
 */
export async function pruneAudit(
  db: Db,
  opts: { now: Date; retentionDays: number; actor: Omit<AuditEntry, 'at' | 'action' | 'target' | 'result' | 'detail'> },
): Promise<PruneResult> {
  if (!Number.isInteger(opts.retentionDays) || opts.retentionDays < MIN_AUDIT_RETENTION_DAYS) {
    throw new HallError('HALL_ERR_CONFIG', `AUDIT_RETENTION_DAYS must be at least ${MIN_AUDIT_RETENTION_DAYS}`);
  }
  const cutoff = new Date(opts.now.getTime() - opts.retentionDays * DAY_MS);
  return withTx(db, async (tx) => {
    const r = await pruneAuditBefore(tx, cutoff);
    const result: PruneResult = { cutoff: cutoff.toISOString(), pruned: r.pruned, anchorId: r.anchorId };
    await recordAudit(tx, {
      at: opts.now,
      ...opts.actor,
      action: 'audit.prune',
      target: 'audit_log',
      result: 'ok',
      detail: { ...result, retentionDays: opts.retentionDays },
    });
    return result;
  });
}
