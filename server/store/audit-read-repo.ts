import type { AuditExportQuery, AuditPage, AuditQuery, AuditRow } from '../../contracts/index.ts';
import { AUDIT_COLUMNS, type AuditDbRow } from './audit-rows.ts';
import type { Db } from './pool.ts';

/** Reading the audit log (GB/T 22239-2019 8.1.4.3 b: records are analysed and reported by the audit admin). */

export function toAuditRow(r: AuditDbRow): AuditRow {
  return {
    id: r.id,
    at: r.at.toISOString(),
    userId: r.user_id,
    username: r.username,
    role: r.role,
    ip: r.ip,
    action: r.action,
    target: r.target,
    result: r.result,
    detail: r.detail ?? null,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** One page, newest first; `nextCursor` is the id to pass as `cursor` for the next (older) page. */
export async function listAudit(db: Db, q: AuditQuery): Promise<AuditPage> {
  const where: string[] = [];
  const args: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    args.push(v);
    where.push(sql.replace('?', `$${args.length}`));
  };
  if (q.from) add('at >= ?', q.from);
  if (q.to) add('at < ?', q.to);
  if (q.action) add('action = ?', q.action);
  if (q.username) add('username = ?', q.username);
  if (q.result) add('result = ?', q.result);
  if (q.cursor) add('id < ?', q.cursor);
  args.push(q.limit + 1);
  const sql = `SELECT ${AUDIT_COLUMNS} FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${args.length}`;
  const rows = (await db.query<AuditDbRow>(sql, args)).rows;
  const more = rows.length > q.limit;
  const page = more ? rows.slice(0, q.limit) : rows;
  return { rows: page.map(toAuditRow), nextCursor: more ? String(page[page.length - 1]!.id) : null };
}

const BATCH = 1000;

/**
 * The rows with `from` ≤ at < `to`, in chain (id) order, in batches, read in
 * one REPEATABLE READ snapshot so an export is consistent while appends go
 * on. Stopping the iteration early releases the connection.
 */
export async function* auditRowsForExport(db: Db, q: AuditExportQuery): AsyncGenerator<AuditDbRow[]> {
  const c = await db.connect();
  try {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    let after = 0;
    for (;;) {
      const rows = (
        await c.query<AuditDbRow>(
          `SELECT ${AUDIT_COLUMNS} FROM audit_log
         WHERE id > $1 AND ($2::timestamptz IS NULL OR at >= $2) AND ($3::timestamptz IS NULL OR at < $3)
         ORDER BY id LIMIT ${BATCH}`,
          [after, q.from ?? null, q.to ?? null],
        )
      ).rows;
      if (rows.length) yield rows;
      if (rows.length < BATCH) return;
      after = rows[rows.length - 1]!.id;
    }
  } finally {
    await c.query('ROLLBACK').catch(() => undefined);
    c.release();
  }
}
