import { canonicalDetail } from '../security/audit-chain.ts';
import type { AuditDbRow } from './audit-rows.ts';

/**
 * The audit export format (GB/T 22239-2019 8.1.4.3 c: records are backed up;
 * the export is what an auditor files away). RFC 4180 CSV, one row per audit
 * row, with prev_hash and hash so the chain can be re-checked outside the
 * system; `detail` is its canonical JSON (keys sorted), the exact text the
 * hash covers.
 */
export const AUDIT_CSV_COLUMNS = [
  'id',
  'at',
  'user_id',
  'username',
  'role',
  'ip',
  'action',
  'target',
  'result',
  'detail',
  'prev_hash',
  'hash',
] as const;
export const AUDIT_CSV_HEADER = `${AUDIT_CSV_COLUMNS.join(',')}\r\n`;

export function auditCsvCell(v: string | number | null): string {
  if (v === null) return '';
  let s = String(v);
  // A spreadsheet would run a cell starting with = + - @ as a formula (CSV injection):
  // such text cells get a leading apostrophe; remove it before recomputing a hash.
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function auditCsvLine(r: AuditDbRow): string {
  const cells = [
    r.id,
    r.at.toISOString(),
    r.user_id,
    r.username,
    r.role,
    r.ip,
    r.action,
    r.target,
    r.result,
    JSON.stringify(canonicalDetail(r.detail)),
    r.prev_hash,
    r.hash,
  ];
  return `${cells.map(auditCsvCell).join(',')}\r\n`;
}
