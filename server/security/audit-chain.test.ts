import { describe, it, expect } from 'vitest';
import { AUDIT_GENESIS, auditHash, canonicalDetail, type AuditFields } from './audit-chain.ts';

const row = (over: Partial<AuditFields> = {}): AuditFields => ({
  at: new Date('2026-03-01T08:00:00.000Z'),
  userId: 7,
  username: 'auditor',
  role: 'auditadmin',
  ip: '10.0.0.5',
  action: 'audit.export',
  target: 'audit_log',
  result: 'ok',
  detail: { from: null, to: '2026-03-01T00:00:00Z' },
  ...over,
});

/** GB/T 22239-2019 8.1.4.3 c: an edit of any field, or of the link, changes the hash. */
describe('audit hash chain', () => {
  it('is SM3: 64 hex characters, deterministic, genesis is 64 zeros', () => {
    const h = auditHash(AUDIT_GENESIS, 1, row());
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(auditHash(AUDIT_GENESIS, 1, row())).toBe(h);
    expect(AUDIT_GENESIS).toBe('0'.repeat(64));
  });

  it('changes when any field, the id or the previous hash changes', () => {
    const base = auditHash(AUDIT_GENESIS, 1, row());
    const variants: Partial<AuditFields>[] = [
      { at: new Date('2026-03-01T08:00:00.001Z') },
      { userId: 8 },
      { userId: null },
      { username: 'admin' },
      { role: 'sysadmin' },
      { ip: '10.0.0.6' },
      { action: 'audit.read' },
      { target: null },
      { result: 'denied' },
      { detail: { from: null } },
      { detail: null },
    ];
    for (const v of variants) expect(auditHash(AUDIT_GENESIS, 1, row(v)), JSON.stringify(v)).not.toBe(base);
    expect(auditHash(AUDIT_GENESIS, 2, row())).not.toBe(base);
    expect(auditHash('f'.repeat(64), 1, row())).not.toBe(base);
  });

  it('does not confuse field boundaries (null vs empty vs shifted text)', () => {
    expect(auditHash(AUDIT_GENESIS, 1, row({ username: 'ab', role: 'c' }))).not.toBe(
      auditHash(AUDIT_GENESIS, 1, row({ username: 'a', role: 'bc' })),
    );
    expect(auditHash(AUDIT_GENESIS, 1, row({ target: '' }))).not.toBe(
      auditHash(AUDIT_GENESIS, 1, row({ target: null })),
    );
  });

  it('hashes detail the same whatever its key order (jsonb reorders keys on the way back)', () => {
    const a = { permission: 'audit.read', method: 'GET', path: '/api/audit', nested: { z: 1, a: [{ y: 2, b: 3 }] } };
    const b = { path: '/api/audit', method: 'GET', nested: { a: [{ b: 3, y: 2 }], z: 1 }, permission: 'audit.read' };
    expect(auditHash(AUDIT_GENESIS, 1, row({ detail: a }))).toBe(auditHash(AUDIT_GENESIS, 1, row({ detail: b })));
    // Array order is data, not encoding: it still counts.
    expect(auditHash(AUDIT_GENESIS, 1, row({ detail: [1, 2] }))).not.toBe(
      auditHash(AUDIT_GENESIS, 1, row({ detail: [2, 1] })),
    );
  });

  it('canonicalDetail is the JSON value as stored: undefined members dropped, undefined is null, dates are strings', () => {
    expect(canonicalDetail(undefined)).toBeNull();
    expect(canonicalDetail({ b: 1, a: undefined, c: new Date('2026-01-01T00:00:00Z') })).toEqual({
      b: 1,
      c: '2026-01-01T00:00:00.000Z',
    });
    expect(JSON.stringify(canonicalDetail({ b: 1, a: { d: 1, c: 2 } }))).toBe('{"a":{"c":2,"d":1},"b":1}');
  });

  it('links: a chain recomputes, and removing a middle row breaks the next link', () => {
    const rows = [row({ action: 'a' }), row({ action: 'b' }), row({ action: 'c' })];
    const hashes: string[] = [];
    let prev = AUDIT_GENESIS;
    rows.forEach((r, i) => {
      prev = auditHash(prev, i + 1, r);
      hashes.push(prev);
    });
    // Row 3 was hashed over row 2's hash; linked to row 1 instead it gives another hash.
    expect(auditHash(hashes[0]!, 3, rows[2]!)).not.toBe(hashes[2]);
    expect(auditHash(hashes[1]!, 3, rows[2]!)).toBe(hashes[2]);
  });
});
