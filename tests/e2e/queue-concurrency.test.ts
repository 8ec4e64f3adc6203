import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { spawnServer, type ServerProcess } from '../helpers/process.ts';
import { createPool, type Db } from '../../server/store/pool.ts';
import { addUser } from '../../server/store/users-repo.ts';
import { createQueueService } from '../../server/commands/queue-service.ts';
import { systemClock } from '../../server/domain/clock.ts';
import type { WindowOpReply } from '../../server/commands/window-ops.ts';

/**
 * A concurrency test with two server processes on one database calling
 * next from 50 windows at once: no double assignment.
 *
 * Two real server processes (server/main.ts) share one embedded PostgreSQL
 * (the second is pointed at it with DATABASE_URL, as a second node would be). The hall gets 50
 * windows; 120 tickets wait; every round, all 50 windows press "call next" at
 * once, half through each process, then all complete at once. Each process
 * keeps its own cached copy of the hall's state, so every call in one process
 * right after a write in the other must notice the version moved and reload:
 * a stale cache would hand the same ticket to two windows.
 */
const HALL = 'h-city';
const PASSWORD = 'Concurrency#Check-2026';
const WINDOWS = 50;
const TICKETS = 120;

describe('two server processes, one database, 50 windows calling at once', () => {
  let p1: ServerProcess;
  let p2: ServerProcess;
  let db: Db;
  const tokens: string[] = [];
  const windowIds: string[] = [];

  beforeAll(async () => {
    p1 = await spawnServer({});
    const rt = JSON.parse(await readFile(path.join(p1.dataDir, 'postgres.json'), 'utf8')) as {
      port: number;
      user: string;
      password: string;
    };
    const url = `postgres://${rt.user}:${encodeURIComponent(rt.password)}@127.0.0.1:${rt.port}/hall`;
    // The second process has its own DATA_DIR (chDB and the broker are per process) and the first one's database.
    p2 = await spawnServer({ SEED: 'none', DATABASE_URL: url });
    db = createPool(url, 4);

    // Grow the hall to 50 windows, all serving the general queue; the configuration version tells both processes to reload.
    const have = (
      await db.query<{ id: string }>('SELECT id FROM windows WHERE hall_id = $1 ORDER BY id', [HALL])
    ).rows.map((r) => r.id);
    for (let i = have.length + 1; i <= WINDOWS; i++) {
      await db.query('INSERT INTO windows (id, hall_id, no, name) VALUES ($1, $2, $3, $4)', [
        `${HALL}-w${i}`,
        HALL,
        String(i),
        `${i}号窗口`,
      ]);
      await db.query('INSERT INTO window_queues (window_id, queue_id, weight) VALUES ($1, $2, 1)', [
        `${HALL}-w${i}`,
        `${HALL}-qA`,
      ]);
    }
    await db.query('UPDATE halls SET config_version = config_version + 1 WHERE id = $1', [HALL]);
    windowIds.push(
      ...(await db.query<{ id: string }>('SELECT id FROM windows WHERE hall_id = $1 ORDER BY id', [HALL])).rows.map(
        (r) => r.id,
      ),
    );
    expect(windowIds).toHaveLength(WINDOWS);

    // One clerk per window: staff operate only the window they are signed in at (signing in opens it).
    for (let i = 0; i < WINDOWS; i++) {
      await addUser(db, { username: `conc-staff-${i}`, password: PASSWORD, role: 'staff', hallId: HALL });
      const base = i % 2 === 0 ? p1.base : p2.base;
      const r = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: `conc-staff-${i}`, password: PASSWORD }),
      });
      tokens.push(((await r.json()) as { token: string }).token);
      const signin = await fetch(`${base}/api/halls/${HALL}/windows/${windowIds[i]}/signin`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[i]}` },
        body: '{}',
      });
      expect(signin.status, await signin.text()).toBe(200);
    }

    // Tickets come from a third process on the same database (this one), through the same queue service.
    const q = createQueueService({ db, clock: systemClock, tz: 'Asia/Shanghai' });
    for (let i = 0; i < TICKETS; i++) await q.run(HALL, { type: 'take', ticketId: randomUUID(), itemCode: 'ZH-001' });
  }, 240_000);

  afterAll(async () => {
    await db?.end();
    await p2?.stop();
    await p1?.stop();
    for (const p of [p1, p2]) if (p) await rm(p.dataDir, { recursive: true, force: true });
  });

  const op = async (
    i: number,
    body: unknown,
  ): Promise<{ status: number; body: WindowOpReply & { error?: { code: string } } }> => {
    const base = i % 2 === 0 ? p1.base : p2.base;
    const res = await fetch(`${base}/api/halls/${HALL}/windows/${windowIds[i]}/ops`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[i]}` },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as WindowOpReply & { error?: { code: string } } };
  };

  it('no ticket is called twice, none is lost, seqs stay one per event', async () => {
    const seq0 = (await db.query<{ seq: number }>('SELECT seq FROM halls WHERE id = $1', [HALL])).rows[0]!.seq;
    const st = (
      await db.query<{ windows: Record<string, { status: string }> }>(
        'SELECT windows FROM hall_queue_state WHERE hall_id = $1',
        [HALL],
      )
    ).rows[0]!;
    expect(windowIds.map((w) => st.windows[w]?.status)).toEqual(windowIds.map(() => 'open'));

    const calledNos: string[] = [];
    for (let round = 0; round < 3; round++) {
      const calls = await Promise.all(windowIds.map((_, i) => op(i, { op: 'next' })));
      for (const c of calls) expect(c.status, JSON.stringify(c.body)).toBe(200);
      const got = calls.map((c) => c.body.current?.ticketNo).filter((n): n is string => n !== undefined);
      calledNos.push(...got);
      const completes = await Promise.all(
        calls.map((c, i) => (c.body.current ? op(i, { op: 'complete', outcome: 'done' }) : null)),
      );
      for (const c of completes) if (c) expect(c.status, JSON.stringify(c.body)).toBe(200);
    }

    // 150 presses for 120 tickets: each ticket called exactly once, the rest found nobody waiting.
    expect(new Set(calledNos).size).toBe(calledNos.length);
    expect(calledNos).toHaveLength(TICKETS);
    const rows = (
      await db.query<{ status: string; calls: number; n: number }>(
        "SELECT status, calls, count(*)::int AS n FROM tickets WHERE hall_id = $1 AND ticket_no LIKE 'A%' GROUP BY status, calls",
        [HALL],
      )
    ).rows;
    expect(rows).toEqual([{ status: 'done', calls: 1, n: TICKETS }]);
    const cases = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM cases WHERE hall_id = $1', [HALL]))
      .rows[0]!.n;
    expect(cases).toBe(TICKETS);

    // The hall's outbox: one row per seq, no gap, no duplicate, across both processes.
    const seqs = (
      await db.query<{ seq: number }>('SELECT seq FROM outbox WHERE hall_id = $1 AND seq > $2 ORDER BY seq', [
        HALL,
        seq0,
      ])
    ).rows.map((r) => r.seq);
    const seqEnd = (await db.query<{ seq: number }>('SELECT seq FROM halls WHERE id = $1', [HALL])).rows[0]!.seq;
    expect(seqs).toEqual(Array.from({ length: seqEnd - seq0 }, (_, i) => seq0 + 1 + i));
    // Both processes really served: the replies came from each.
    const byProcess = (
      await db.query<{ n: number }>(
        'SELECT count(DISTINCT window_id)::int AS n FROM tickets WHERE hall_id = $1 AND status = $2',
        [HALL, 'done'],
      )
    ).rows[0]!.n;
    expect(byProcess).toBeGreaterThan(WINDOWS / 2);
  }, 240_000);
});
