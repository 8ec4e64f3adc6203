import { describe, expect, it } from 'vitest';
import { createSessionCache } from './session-cache.ts';
import { hashToken } from '../store/sessions-repo.ts';
import type { Db } from '../store/pool.ts';

/** A stand-in for PostgreSQL holding one sessions ⋈ users row per token hash; counts the statements. */
function fakeDb() {
  const t0 = new Date('2026-03-02T01:00:00Z');
  const rows = new Map<string, Record<string, unknown>>();
  const log: string[] = [];
  let gate: Promise<void> | null = null;
  const add = (token: string, over: Record<string, unknown> = {}) =>
    rows.set(hashToken(token), {
      created_at: t0,
      expires_at: new Date(t0.getTime() + 720 * 60_000),
      last_seen_at: t0,
      idle_min: 30,
      kind: 'web',
      must_enroll_totp: false,
      revoked_at: null,
      id: 7,
      username: 'clerk',
      role: 'window_staff',
      hall_id: 'h1',
      region_code: null,
      department_id: null,
      totp_enabled_at: null,
      must_change_password: false,
      ...over,
    });
  const db = {
    async query(sql: string, params: unknown[]) {
      const hash = params[0] as string;
      if (sql.startsWith('SELECT')) {
        log.push('select');
        const row = rows.get(hash);
        const copy = row ? { ...row } : undefined;
        if (gate) await gate;
        return { rows: copy ? [copy] : [], rowCount: copy ? 1 : 0 };
      }
      log.push('touch');
      const row = rows.get(hash)!;
      const now = params[1] as Date;
      if (now > (row.last_seen_at as Date)) row.last_seen_at = now;
      return { rows: [{ last_seen_at: row.last_seen_at }], rowCount: 1 };
    },
  } as unknown as Db;
  return {
    db,
    t0,
    rows,
    log,
    add,
    hold() {
      let open!: () => void;
      gate = new Promise((r) => (open = r));
      return () => {
        gate = null;
        open();
      };
    },
  };
}

const at = (t0: Date, min: number) => new Date(t0.getTime() + min * 60_000);

describe('session cache (docs/authentication.md "Sessions")', () => {
  it('answers repeated look-ups from memory, with the same rules as the store', async () => {
    const f = fakeDb();
    f.add('tok');
    const counts: string[] = [];
    const c = createSessionCache({ db: f.db, count: (r) => counts.push(r) });
    c.setListening(true);
    for (let i = 0; i < 5; i++) expect((await c.lookup('tok', at(f.t0, 0.1))).status).toBe('ok');
    expect(f.log).toEqual(['select']);
    expect(counts).toEqual(['miss', 'hit', 'hit', 'hit', 'hit']);
    expect(await c.sessionUser('tok', at(f.t0, 0.1))).toMatchObject({ userId: 7, username: 'clerk' });
    expect(await c.sessionUser('tok', at(f.t0, 0.1), 'caller')).toBeNull();
    // Absolute end from memory, exactly.
    expect((await c.lookup('tok', at(f.t0, 720))).status).toBe('expired');
    expect(f.log).toEqual(['select']);
    expect((await c.lookup('nope', f.t0)).status).toBe('unknown');
  });

  it('touches at most once a minute and keeps what it wrote', async () => {
    const f = fakeDb();
    f.add('tok');
    const c = createSessionCache({ db: f.db });
    c.setListening(true);
    await c.lookup('tok', at(f.t0, 0.5));
    await c.lookup('tok', at(f.t0, 1));
    await c.lookup('tok', at(f.t0, 1.5));
    await c.lookup('tok', at(f.t0, 2.1));
    expect(f.log).toEqual(['select', 'touch', 'touch']);
  });

  it('reads the row again before refusing a session that looks idle from memory', async () => {
    const f = fakeDb();
    f.add('tok');
    const counts: string[] = [];
    const c = createSessionCache({ db: f.db, count: (r) => counts.push(r) });
    c.setListening(true);
    expect((await c.lookup('tok', at(f.t0, 0.5))).status).toBe('ok');
    // Another process used it at minute 20.
    f.rows.get(hashToken('tok'))!.last_seen_at = at(f.t0, 20);
    expect((await c.lookup('tok', at(f.t0, 35))).status).toBe('ok');
    expect(counts).toEqual(['miss', 'hit', 'idle_reread']);
    // Nobody used it since minute 35: idle at 65, after a re-read.
    expect((await c.lookup('tok', at(f.t0, 65))).status).toBe('idle');
    expect(f.log.filter((l) => l === 'select')).toHaveLength(3);
  });

  it('drops entries on notices, by token hash or by user', async () => {
    const f = fakeDb();
    f.add('a');
    f.add('b');
    f.add('c', { id: 8, username: 'other' });
    const c = createSessionCache({ db: f.db });
    c.setListening(true);
    for (const t of ['a', 'b', 'c']) await c.lookup(t, f.t0);
    expect(c.size).toBe(3);
    f.rows.get(hashToken('a'))!.revoked_at = f.t0;
    c.forget(hashToken('a'));
    expect((await c.lookup('a', f.t0)).status).toBe('revoked');
    c.forget('user:7');
    expect(c.size).toBe(1);
    c.forgetUser({ username: 'other' });
    expect(c.size).toBe(0);
  });

  it('does not keep a read that a notice overtook, nor anything while not listening', async () => {
    const f = fakeDb();
    f.add('tok');
    const c = createSessionCache({ db: f.db });
    c.setListening(true);
    const open = f.hold();
    const pending = c.lookup('tok', f.t0);
    c.forget(hashToken('tok'));
    open();
    expect((await pending).status).toBe('ok');
    expect(c.size).toBe(0);
    c.setListening(false);
    await c.lookup('tok', f.t0);
    expect(c.size).toBe(0);
  });

  it('is bounded: least recently used out first, and a TTL', async () => {
    const f = fakeDb();
    for (const t of ['a', 'b', 'c']) f.add(t);
    let mono = 0;
    const c = createSessionCache({ db: f.db, maxEntries: 2, ttlMs: 1000, monotonic: () => mono });
    c.setListening(true);
    await c.lookup('a', f.t0);
    await c.lookup('b', f.t0);
    await c.lookup('a', f.t0);
    await c.lookup('c', f.t0); // b goes
    f.log.length = 0;
    await c.lookup('a', f.t0);
    await c.lookup('b', f.t0);
    expect(f.log).toEqual(['select']);
    mono = 2000;
    await c.lookup('b', f.t0);
    expect(f.log).toEqual(['select', 'select']);
  });
});
