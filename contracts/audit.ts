import { z } from 'zod';

/**
 * The audit log's REST shapes (GB/T 22239-2019 8.1.4.3 security
 * audit: who, when, what, with which result; seed 001 §1.1.1.48). See
 * docs/audit.md.
 */
export const auditResults = ['ok', 'denied', 'failed'] as const;
export const auditResultSchema = z.enum(auditResults);

const instant = z.iso.datetime({ offset: true });
/** An audit row id as a decimal string (bigint), used as the paging cursor. */
const rowId = z.string().regex(/^[1-9][0-9]{0,17}$/, 'must be a row id');

/** `GET /api/audit`: newest first; `from` inclusive, `to` exclusive; `cursor` = `nextCursor` of the previous page. */
export const auditQuerySchema = z
  .object({
    from: instant.optional(),
    to: instant.optional(),
    action: z.string().min(1).max(64).optional(),
    username: z.string().min(1).max(64).optional(),
    result: auditResultSchema.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: rowId.optional(),
  })
  .strict();
export type AuditQuery = z.infer<typeof auditQuerySchema>;

/** `GET /api/audit/export`: CSV of the rows with `from` ≤ at < `to`, in chain (id) order. */
export const auditExportQuerySchema = z.object({ from: instant.optional(), to: instant.optional() }).strict();
export type AuditExportQuery = z.infer<typeof auditExportQuerySchema>;

export const auditRowSchema = z.object({
  id: z.number().int(),
  at: z.string(),
  userId: z.number().int().nullable(),
  username: z.string().nullable(),
  role: z.string().nullable(),
  ip: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  result: auditResultSchema,
  detail: z.unknown(),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditRow = z.infer<typeof auditRowSchema>;

export const auditPageSchema = z.object({ rows: z.array(auditRowSchema), nextCursor: rowId.nullable() });
export type AuditPage = z.infer<typeof auditPageSchema>;

/**
 * Result of walking the chain. `hash-mismatch`: the row's fields no longer
 * give its hash (edited); `broken-link`: the row does not point at the row
 * before it (a row deleted or rewritten before it); `gap`: the table ends
 * before the recorded chain head (last rows deleted).
 */
export const auditVerifyReasons = ['hash-mismatch', 'broken-link', 'gap'] as const;
export const auditVerifyResultSchema = z.object({
  ok: z.boolean(),
  rows: z.number().int().nonnegative(),
  firstBad: z.object({ id: z.number().int(), reason: z.enum(auditVerifyReasons) }).optional(),
});
export type AuditVerifyResult = z.infer<typeof auditVerifyResultSchema>;
