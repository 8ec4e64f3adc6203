import { createHash } from 'node:crypto';

/**
 * The audit log's hash chain (GB/T 22239-2019 8.1.4.3 c: audit records are
 * protected against deletion, modification or overwriting). Each row's hash
 * covers its own fields and the previous row's hash, so editing a row breaks
 * its own hash and deleting one breaks the next row's link. SM3 (GB/T
 * 32905-2016) is the national hash seed 004 prefers; Node's OpenSSL 3 has it.
 */
export type AuditResult = 'ok' | 'denied' | 'failed';
export interface AuditFields {
  at: Date; userId: number | null; username: string | null; role: string | null; ip: string | null;
  action: string; target: string | null; result: AuditResult; detail: unknown;
}
export const AUDIT_GENESIS = '0'.repeat(64);

export function auditHash(prevHash: string, id: number, f: AuditFields): string {
  // A fixed field order and JSON encoding: the same row always hashes the same.
  const canonical = JSON.stringify([id, f.at.toISOString(), f.userId, f.username, f.role, f.ip, f.action, f.target, f.result, f.detail ?? null]);
  return createHash('sm3').update(prevHash).update('\n').update(canonical).digest('hex');
}
