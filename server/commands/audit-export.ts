import type { AuditExportQuery } from '../../contracts/index.ts';
import { recordAudit } from '../store/audit-repo.ts';
import type { AuditDbRow } from '../store/audit-rows.ts';
import { auditRowsForExport } from '../store/audit-read-repo.ts';
import type { Db } from '../store/pool.ts';
import type { Actor } from './actor.ts';

/**
 * An audit log export, from REST (`GET /api/audit/export`) or the CLI
 * (`audit:export`): the records leave the system, so the export itself is an
 * audit row (GB/T 22239-2019 8.1.4.3 c; docs/audit.md), written before the
 * first row is read, so an export cut short is on record too. Returns the
 * rows in batches, in one snapshot.
 */
export async function exportAudit(
  db: Db,
  at: Date,
  actor: Actor,
  q: AuditExportQuery,
  via: 'rest' | 'cli',
): Promise<AsyncGenerator<AuditDbRow[]>> {
  await recordAudit(db, {
    at,
    ...actor,
    action: 'audit.export',
    target: 'audit_log',
    result: 'ok',
    detail: { from: q.from ?? null, to: q.to ?? null, via },
  });
  return auditRowsForExport(db, q);
}
