import type { Tx } from './pool.ts';

export interface PruneResult {
  cutoff: string;
  pruned: number;
  anchorId: number | null;
}

/**
 * Removes audit rows older than `cutoff` through `audit_prune()` (migration
 * 005), which first records the last pruned row as the retention anchor so
 * the chain still verifies, and refuses a cutoff inside the legal floor.
 * The use case (floor check, its own audit row) is server/commands/prune-audit.ts.
 */
export async function pruneAuditBefore(tx: Tx, cutoff: Date): Promise<{ pruned: number; anchorId: number | null }> {
  const r = (
    await tx.query<{ pruned: number; anchor_id: number | null }>('SELECT pruned, anchor_id FROM audit_prune($1)', [
      cutoff,
    ])
  ).rows[0]!;
  return { pruned: r.pruned, anchorId: r.anchor_id };
}
