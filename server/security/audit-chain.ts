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
  at: Date;
  userId: number | null;
  username: string | null;
  role: string | null;
  ip: string | null;
  action: string;
  target: string | null;
  result: AuditResult;
  detail: unknown;
}
export const AUDIT_GENESIS = '0'.repeat(64);

export function auditHash(prevHash: string, id: number, f: AuditFields): string {
  // A fixed field order and JSON encoding: the same row always hashes the same.
  const canonical = JSON.stringify([
    id,
    f.at.toISOString(),
    f.userId,
    f.username,
    f.role,
    f.ip,
    f.action,
    f.target,
    f.result,
    canonicalDetail(f.detail),
  ]);
  return createHash('sm3').update(prevHash).update('\n').update(canonical).digest('hex');
}

/**
 * `detail` is stored as jsonb, which reorders object keys (shorter first) and
 * drops undefined members; the verifier reads it back that way. Hashing the
 * JSON value with keys sorted makes the hash at append time and at
 * verification time the same whatever order the keys come in.
 */
export function canonicalDetail(detail: unknown): unknown {
  const plain: unknown = detail === undefined ? null : JSON.parse(JSON.stringify(detail) ?? 'null');
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
    );
  };
  return sort(plain);
}
