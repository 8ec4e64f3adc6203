import type { AuditFields, AuditResult } from '../security/audit-chain.ts';

/**
 * The audit_log row as its readers see it (listing, export, chain check). The
 * writer is audit-repo.ts `recordAudit`, which only commands call (docs/audit.md).
 */

/** An audit_log row as the driver returns it. */
export interface AuditDbRow {
  id: number;
  at: Date;
  user_id: number | null;
  username: string | null;
  role: string | null;
  ip: string | null;
  action: string;
  target: string | null;
  result: AuditResult;
  detail: unknown;
  prev_hash: string;
  hash: string;
}
export const AUDIT_COLUMNS = 'id, at, user_id, username, role, ip, action, target, result, detail, prev_hash, hash';

export function auditFieldsOf(r: AuditDbRow): AuditFields {
  return {
    at: r.at,
    userId: r.user_id,
    username: r.username,
    role: r.role,
    ip: r.ip,
    action: r.action,
    target: r.target,
    result: r.result,
    detail: r.detail,
  };
}
