import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { PoolClient } from 'pg';
import { startStack, login, api, type Stack } from '../helpers/stack.ts';
import { CHAIN_LOCK, recordAudit } from '../../server/store/audit-repo.ts';
import { AUDIT_COLUMNS, auditFieldsOf, type AuditDbRow } from '../../server/store/audit-rows.ts';
import { verifyAuditChain } from '../../server/store/audit-verify-repo.ts';
import { auditHash } from '../../server/security/audit-chain.ts';
import { withTx } from '../../server/store/pool.ts';
import { AUDIT_CSV_HEADER } from '../../server/store/audit-csv.ts';
import type { AuditPage, AuditVerifyResult } from '../../contracts/index.ts';

/**
 * The audit log (GB/T 22239-2019 8.1.4.3; seed 001 §1.1.1.48):
 * the chain holds under concurrent appends, a superuser's edit or deletion
 * made around the trigger is found, the application cannot change rows,
 * only the audit admin reads and exports (and exports are audited), and
 * pruning after the retention period keeps the chain verifiable.
 */
const exec = promisify(execFile);
const DAY = 86_400_000;

function cliIn(s: Stack, env: Record<string, string> = {}) {
  return async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    try {
      const r = await exec(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], {
        env: { ...process.env, DATA_DIR: s.dataDir, ...env },
        timeout: 60_000,
        maxBuffer: 64 << 20,
      });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      if (typeof err.code !== 'number') throw e;
      return { code: err.code, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
    }
  };
}

/** As the database superuser (the embedded server's only user), around the append-only trigger(s), under the chain lock. */
async function tamper(s: Stack, fn: (c: PoolClient) => Promise<void>, triggers = 'audit_log_no_change'): Promise<void> {
  const c = await s.app.db.connect();
  try {
    await c.query('BEGIN');
    await c.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
    await c.query(`ALTER TABLE audit_log DISABLE TRIGGER ${triggers}`);
    await fn(c);
    await c.query(`ALTER TABLE audit_log ENABLE TRIGGER ${triggers}`);
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK');
    throw e;
  } finally {
    c.release();
  }
}

const entry = (action: string, detail: unknown = null, at = new Date()) => ({
  at,
  userId: null,
  username: 'test',
  role: 'operator',
  ip: '127.0.0.1',
  action,
  target: 'test',
  result: 'ok' as const,
  detail,
});

describe('audit log: chain, tampering, CLI and REST', () => {
  let s: Stack;
  let cli: ReturnType<typeof cliIn>;
  beforeAll(async () => {
    s = await startStack();
    cli = cliIn(s);
  });
  afterAll(async () => {
    await s?.stop();
  });

  const ids = async () =>
    (await s.app.db.query<{ id: number }>('SELECT id FROM audit_log ORDER BY id')).rows.map((r) => r.id);

  it('appends from many connections at once, with rolled-back appends in between, and the chain verifies', async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, w) =>
        (async () => {
          for (let i = 0; i < 25; i++) {
            // Key order differs from what jsonb stores: the hash must not depend on it.
            await recordAudit(s.app.db, entry('test.append', { worker: w, i, a: 'x', nested: { zz: 1, b: [w] } }));
            if (i % 10 === 5) {
              await expect(
                withTx(s.app.db, async (tx) => {
                  await recordAudit(tx, entry('test.rolled-back'));
                  throw new Error('roll back');
                }),
              ).rejects.toThrow('roll back');
            }
          }
        })(),
      ),
    );
    const n = (await s.app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log')).rows[0]!.n;
    expect(n).toBeGreaterThanOrEqual(200);
    expect(await verifyAuditChain(s.app.db)).toEqual({ ok: true, rows: n });
    const head = (await s.app.db.query('SELECT last_id, last_hash FROM audit_head')).rows[0];
    const last = (await s.app.db.query('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1')).rows[0];
    expect(head).toEqual({ last_id: last.id, last_hash: last.hash });
  });

  it('the application cannot update, delete, truncate, move the head or fork the chain', async () => {
    const [first] = await ids();
    const db = s.app.db;
    await expect(db.query("UPDATE audit_log SET action = 'x' WHERE id = $1", [first])).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM audit_log WHERE id = $1', [first])).rejects.toThrow(/append-only/);
    await expect(db.query('TRUNCATE audit_log')).rejects.toThrow(/cannot be truncated/);
    await expect(db.query('UPDATE audit_head SET last_id = last_id + 1')).rejects.toThrow(/audit_head moves only/);
    await expect(db.query('DELETE FROM audit_head')).rejects.toThrow(/audit_head moves only/);
    await expect(db.query("INSERT INTO audit_anchor VALUES (true, $1, 'x', now(), 0, now())", [first])).rejects.toThrow(
      /audit_anchor moves only/,
    );
    // The prune flag alone does not open the door: the row is neither anchored nor old enough.
    await expect(
      withTx(db, async (tx) => {
        await tx.query("SELECT set_config('hall.audit_prune', 'on', true)");
        await tx.query('DELETE FROM audit_log WHERE id = $1', [first]);
      }),
    ).rejects.toThrow(/append-only/);
    await expect(db.query("SELECT * FROM audit_prune(now() - interval '10 days')")).rejects.toThrow(
      /at least 180 days/,
    );
    await expect(
      db.query(`INSERT INTO audit_log (at, action, result, prev_hash, hash) VALUES (now(), 'forged', 'ok', $1, $1)`, [
        '0'.repeat(64),
      ]),
    ).rejects.toThrow(/does not extend the chain head/);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('an edited row shows as hash-mismatch at its id, by function and by `audit:verify` (exit 1)', async () => {
    const all = await ids();
    const id = all[Math.floor(all.length / 2)]!;
    const was = (await s.app.db.query<{ action: string }>('SELECT action FROM audit_log WHERE id = $1', [id])).rows[0]!
      .action;
    await tamper(s, async (c) => {
      await c.query("UPDATE audit_log SET action = 'forged' WHERE id = $1", [id]);
    });
    expect(await verifyAuditChain(s.app.db)).toMatchObject({ ok: false, firstBad: { id, reason: 'hash-mismatch' } });
    const r = await cli('audit:verify');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout) as AuditVerifyResult).toMatchObject({
      ok: false,
      firstBad: { id, reason: 'hash-mismatch' },
    });

    await tamper(s, async (c) => {
      await c.query('UPDATE audit_log SET action = $2 WHERE id = $1', [id, was]);
    });
    const ok = await cli('audit:verify');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true });
  });

  it('a row edited together with a recomputed hash shows as a broken link on the next row', async () => {
    const all = await ids();
    const [id, next] = [all[10]!, all[11]!];
    const row = (await s.app.db.query<AuditDbRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE id = $1`, [id]))
      .rows[0]!;
    const forged = auditHash(row.prev_hash, id, { ...auditFieldsOf(row), action: 'forged' });
    await tamper(s, async (c) => {
      await c.query("UPDATE audit_log SET action = 'forged', hash = $2 WHERE id = $1", [id, forged]);
    });
    expect(await verifyAuditChain(s.app.db)).toMatchObject({
      ok: false,
      firstBad: { id: next, reason: 'broken-link' },
    });
    await tamper(s, async (c) => {
      await c.query('UPDATE audit_log SET action = $2, hash = $3 WHERE id = $1', [id, row.action, row.hash]);
    });
    expect((await verifyAuditChain(s.app.db)).ok).toBe(true);

    // The LAST row has no next row to break: the head still holds its old hash.
    const lastId = all[all.length - 1]!;
    const last = (await s.app.db.query<AuditDbRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE id = $1`, [lastId]))
      .rows[0]!;
    const forgedLast = auditHash(last.prev_hash, lastId, { ...auditFieldsOf(last), action: 'forged' });
    await tamper(s, async (c) => {
      await c.query("UPDATE audit_log SET action = 'forged', hash = $2 WHERE id = $1", [lastId, forgedLast]);
    });
    expect(await verifyAuditChain(s.app.db)).toMatchObject({
      ok: false,
      firstBad: { id: lastId, reason: 'hash-mismatch' },
    });
    await tamper(s, async (c) => {
      await c.query('UPDATE audit_log SET action = $2, hash = $3 WHERE id = $1', [lastId, last.action, last.hash]);
    });
    expect((await verifyAuditChain(s.app.db)).ok).toBe(true);
  });

  it('a deleted middle row shows as a broken link on the next row; a deleted last row is caught by the head', async () => {
    const all = await ids();
    const mid = all[20]!;
    const next = all[21]!;
    const saved = async (id: number) => (await s.app.db.query('SELECT * FROM audit_log WHERE id = $1', [id])).rows[0];
    const restore = (row: Record<string, unknown>) =>
      tamper(
        s,
        async (c) => {
          await c.query(
            `INSERT INTO audit_log (id, at, user_id, username, role, ip, action, target, result, detail, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
            [
              row.id,
              row.at,
              row.user_id,
              row.username,
              row.role,
              row.ip,
              row.action,
              row.target,
              row.result,
              JSON.stringify(row.detail),
              row.prev_hash,
              row.hash,
            ],
          );
        },
        'USER',
      );

    const midRow = await saved(mid);
    await tamper(s, async (c) => {
      await c.query('DELETE FROM audit_log WHERE id = $1', [mid]);
    });
    expect(await verifyAuditChain(s.app.db)).toMatchObject({
      ok: false,
      firstBad: { id: next, reason: 'broken-link' },
    });
    expect((await cli('audit:verify')).code).toBe(1);
    await restore(midRow);
    expect((await verifyAuditChain(s.app.db)).ok).toBe(true);

    const lastId = all[all.length - 1]!;
    const lastRow = await saved(lastId);
    await tamper(s, async (c) => {
      await c.query('DELETE FROM audit_log WHERE id = $1', [lastId]);
    });
    expect(await verifyAuditChain(s.app.db)).toMatchObject({ ok: false, firstBad: { id: lastId, reason: 'gap' } });
    const r = await cli('audit:verify');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, firstBad: { id: lastId, reason: 'gap' } });
    await restore(lastRow);
    expect((await verifyAuditChain(s.app.db)).ok).toBe(true);
  });

  it('only the audit admin reads, verifies and exports; every other role gets 403 and the denial is audited', async () => {
    const denied = async (username: string, path: string) =>
      (
        await s.app.db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM audit_log WHERE action = 'permission.denied' AND username = $1 AND target = $2",
          [username, `GET ${path}`],
        )
      ).rows[0]!.n;
    for (const u of ['admin', 'security', 'leader', 'sup-east']) {
      const token = await login(s, u);
      for (const path of ['/api/audit', '/api/audit/export', '/api/audit/verify']) {
        const before = await denied(u, path);
        expect((await api(s, 'GET', path, undefined, token)).status, `${u} ${path}`).toBe(403);
        expect(await denied(u, path), `${u} ${path} audited`).toBe(before + 1);
      }
    }
    expect((await api(s, 'GET', '/api/audit')).status).toBe(401);

    const auditor = await login(s, 'auditor');
    const page1 = await api<AuditPage>(s, 'GET', '/api/audit?limit=5', undefined, auditor);
    expect(page1.status).toBe(200);
    expect(page1.body.rows).toHaveLength(5);
    const got = page1.body.rows.map((r) => r.id);
    expect(got).toEqual([...got].sort((a, b) => b - a));
    expect(page1.body.nextCursor).toBe(String(got[4]));
    const page2 = await api<AuditPage>(
      s,
      'GET',
      `/api/audit?limit=5&cursor=${page1.body.nextCursor}`,
      undefined,
      auditor,
    );
    expect(page2.body.rows.every((r) => r.id < got[4]!)).toBe(true);

    const deniedRows = await api<AuditPage>(
      s,
      'GET',
      '/api/audit?result=denied&username=leader&action=permission.denied',
      undefined,
      auditor,
    );
    expect(deniedRows.body.rows).toHaveLength(3);
    expect(deniedRows.body.rows[0]).toMatchObject({
      username: 'leader',
      role: 'leader',
      result: 'denied',
      detail: { permission: 'audit.read' },
    });
    expect(deniedRows.body.rows[0]!.ip).toBeTruthy();
    const future = await api<AuditPage>(
      s,
      'GET',
      `/api/audit?from=${encodeURIComponent(new Date(Date.now() + DAY).toISOString())}`,
      undefined,
      auditor,
    );
    expect(future.body.rows).toEqual([]);
    for (const bad of ['limit=0', 'limit=501', 'result=maybe', 'from=yesterday', 'cursor=abc', 'colour=red']) {
      expect((await api(s, 'GET', `/api/audit?${bad}`, undefined, auditor)).status, bad).toBe(400);
    }
    expect(await api(s, 'GET', '/api/audit/verify', undefined, auditor)).toMatchObject({
      status: 200,
      body: { ok: true },
    });
  });

  it('the export is CSV with a header and the rows, and is itself audited', async () => {
    const auditor = await login(s, 'auditor');
    const from = new Date(Date.now() - DAY).toISOString();
    const res = await fetch(`${s.base}/api/audit/export?from=${encodeURIComponent(from)}`, {
      headers: { authorization: `Bearer ${auditor}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="?audit-[^"]+\.csv"?$/);
    const text = (await res.text()).replace(/^\uFEFF/, '');
    expect(text.startsWith(AUDIT_CSV_HEADER)).toBe(true);
    const lines = text.trimEnd().split('\r\n');
    const count = (
      await s.app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE at >= $1', [from])
    ).rows[0]!.n;
    expect(lines.length - 1).toBe(count);
    // The export row was written before the file: it is the last line, and its hash is the one stored.
    const exp = (
      await s.app.db.query(
        "SELECT id, hash, username, role, detail FROM audit_log WHERE action = 'audit.export' ORDER BY id DESC LIMIT 1",
      )
    ).rows[0];
    expect(exp).toMatchObject({ username: 'auditor', role: 'auditadmin', detail: { from, to: null, via: 'rest' } });
    expect(lines[lines.length - 1]!.startsWith(`${exp.id},`)).toBe(true);
    expect(lines[lines.length - 1]!.endsWith(`,${exp.hash}`)).toBe(true);
    expect(lines.some((l) => l.includes(',test.append,'))).toBe(true);

    const empty = await fetch(`${s.base}/api/audit/export?to=2000-01-01T00:00:00Z`, {
      headers: { authorization: `Bearer ${auditor}` },
    });
    expect((await empty.text()).replace(/^\uFEFF/, '')).toBe(AUDIT_CSV_HEADER);
    expect((await api(s, 'GET', '/api/audit/export?from=nonsense', undefined, auditor)).status).toBe(400);
  });

  it('`audit:export` prints CSV on stdout and is audited as the operating-system user', async () => {
    const r = await cli('audit:export', '--from', new Date(Date.now() - DAY).toISOString());
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(AUDIT_CSV_HEADER)).toBe(true);
    expect(r.stdout.split('\r\n').length).toBeGreaterThan(200);
    const row = (
      await s.app.db.query(
        "SELECT username, role, detail FROM audit_log WHERE action = 'audit.export' ORDER BY id DESC LIMIT 1",
      )
    ).rows[0];
    expect(row).toMatchObject({ role: 'operator', detail: { via: 'cli' } });
    expect(row.username).toMatch(/^os:/);
    expect((await cli('audit:export', '--from', 'soon')).code).toBe(1);
    expect(await verifyAuditChain(s.app.db)).toMatchObject({ ok: true });
  });
});

describe('audit retention: audit:prune keeps the chain verifiable', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack({ SEED: 'none' });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('prunes only the old prefix, records the anchor, audits itself, and verification starts from the anchor', async () => {
    const now = Date.now();
    for (let i = 0; i < 30; i++)
      await recordAudit(s.app.db, entry('test.old', { i }, new Date(now - 400 * DAY + i * 1000)));
    for (let i = 0; i < 5; i++) await recordAudit(s.app.db, entry('test.recent', { i }, new Date(now - 10 * DAY)));
    // Out of time order on purpose: an old-dated row after recent ones stays (pruning cuts a prefix of the chain).
    await recordAudit(s.app.db, entry('test.late-old', null, new Date(now - 500 * DAY)));
    const lastOld = (
      await s.app.db.query("SELECT id, hash FROM audit_log WHERE action = 'test.old' ORDER BY id DESC LIMIT 1")
    ).rows[0];

    const cli = cliIn(s, { AUDIT_RETENTION_DAYS: '365' });
    expect(await cliIn(s, { AUDIT_RETENTION_DAYS: '100' })('audit:prune')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('AUDIT_RETENTION_DAYS'),
    });
    const r = await cli('audit:prune');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ pruned: 30, anchorId: lastOld.id });
    expect((await s.app.db.query('SELECT last_id, last_hash, pruned_total FROM audit_anchor')).rows[0]).toEqual({
      last_id: lastOld.id,
      last_hash: lastOld.hash,
      pruned_total: 30,
    });
    const left = (await s.app.db.query<{ action: string }>('SELECT action FROM audit_log ORDER BY id')).rows.map(
      (x) => x.action,
    );
    expect(left).toEqual([...Array(5).fill('test.recent'), 'test.late-old', 'audit.prune']);

    const v = await cli('audit:verify');
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout)).toEqual({ ok: true, rows: 7 });

    // Nothing more is old enough: a second run prunes nothing and keeps the anchor.
    expect(JSON.parse((await cli('audit:prune')).stdout)).toMatchObject({ pruned: 0, anchorId: lastOld.id });
    expect(await verifyAuditChain(s.app.db)).toEqual({ ok: true, rows: 8 });
  });

  it('after a prune, deleting the first remaining row still breaks the link', async () => {
    const [first, second] = (
      await s.app.db.query<{ id: number }>('SELECT id FROM audit_log ORDER BY id LIMIT 2')
    ).rows.map((r) => r.id);
    await tamper(s, async (c) => {
      await c.query('DELETE FROM audit_log WHERE id = $1', [first]);
    });
    expect(await verifyAuditChain(s.app.db)).toMatchObject({
      ok: false,
      firstBad: { id: second, reason: 'broken-link' },
    });
  });
});
