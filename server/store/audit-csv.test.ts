import { describe, it, expect } from 'vitest';
import { AUDIT_CSV_HEADER, auditCsvCell, auditCsvLine } from './audit-csv.ts';
import type { AuditDbRow } from './audit-rows.ts';

describe('audit CSV', () => {
  it('quotes per RFC 4180 and leaves empty cells for nulls', () => {
    expect(auditCsvCell(null)).toBe('');
    expect(auditCsvCell(12)).toBe('12');
    expect(auditCsvCell('plain')).toBe('plain');
    expect(auditCsvCell('a,b')).toBe('"a,b"');
    expect(auditCsvCell('say "hi"\nbye')).toBe('"say ""hi""\nbye"');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    for (const s of ['=1+1', '+1', '-1', '@SUM(A1)']) expect(auditCsvCell(s)).toBe(`'${s}`);
    expect(auditCsvCell('=HYPERLINK("x","y")')).toBe(`"'=HYPERLINK(""x"",""y"")"`);
  });

  it('writes one CRLF line per row in header order, detail as canonical JSON', () => {
    const r: AuditDbRow = {
      id: 5,
      at: new Date('2026-03-01T08:00:00Z'),
      user_id: null,
      username: 'auditor',
      role: 'auditadmin',
      ip: '::1',
      action: 'audit.export',
      target: 'audit_log',
      result: 'ok',
      detail: { to: null, from: 'x' },
      prev_hash: 'p'.repeat(64),
      hash: 'h'.repeat(64),
    };
    expect(AUDIT_CSV_HEADER).toBe('id,at,user_id,username,role,ip,action,target,result,detail,prev_hash,hash\r\n');
    expect(auditCsvLine(r)).toBe(
      `5,2026-03-01T08:00:00.000Z,,auditor,auditadmin,::1,audit.export,audit_log,ok,"{""from"":""x"",""to"":null}",${'p'.repeat(64)},${'h'.repeat(64)}\r\n`,
    );
  });
});
