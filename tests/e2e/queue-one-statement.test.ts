import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startStack, windowAndItem, type Stack } from '../helpers/stack.ts';
import { createQueueService, type QueueService, type RunResult } from '../../server/commands/queue-service.ts';
import { runWindowOp } from '../../server/commands/window-ops.ts';
import { changeHallConfig, patchHall } from '../../server/commands/hall-config/index.ts';
import { StaleQueueState, writeQueueState } from '../../server/store/queue-state-repo.ts';

/**
 * The one-statement write (migration 012, ADR 0006): a process that holds
 * the hall's current state writes an operation in one autocommit statement
 * that checks the state row's version itself. These tests run two queue
 * services on one real PostgreSQL — as two server processes would — so each
 * one's cached state goes stale under the other's writes, and show that a
 * stale state is never written over (the operation is decided again on the
 * database's state), that a configuration change makes cached states stale,
 * that a redelivered device message gets its first reply with the seq the
 * statement gave, and that a write at the wrong version writes nothing.
 */
describe('queue: one statement per operation, checked by version', () => {
  let s: Stack;
  let a: QueueService;
  let b: QueueService;
  const hall = 'h-west';

  beforeAll(async () => {
    s = await startStack();
    a = s.app.queue;
    b = createQueueService({ db: s.app.db, clock: s.clock, tz: s.app.config.HALL_TZ });
  });
  afterAll(async () => {
    await s?.stop();
  });

  const seqs = async () =>
    (await s.app.db.query<{ seq: number }>('SELECT seq FROM outbox WHERE hall_id = $1 ORDER BY seq', [hall])).rows.map(
      (r) => r.seq,
    );
  const hallSeq = async () =>
    (await s.app.db.query<{ seq: number }>('SELECT seq FROM halls WHERE id = $1', [hall])).rows[0]!.seq;
  const committed = (r: RunResult) => {
    if (r.duplicate) throw new Error('unexpected duplicate');
    return r;
  };
  const firstWindow = async () => (await windowAndItem(s, hall)).windowId;
  /** An item whose queue the first window serves (so its call next finds the ticket). */
  const itemOf = async () => (await windowAndItem(s, hall)).itemCode;

  it("two services alternate on one hall: each sees the other's tickets, nobody is called twice, seqs stay gapless", async () => {
    const w = await firstWindow();
    const item = await itemOf();
    await runWindowOp(a, hall, w, { op: 'open' });
    // Warm both caches, then alternate so every operation meets a state the other service moved on.
    const taken: string[] = [];
    for (let i = 0; i < 6; i++) {
      const svc = i % 2 === 0 ? a : b;
      const r = committed(await svc.run(hall, { type: 'take', ticketId: randomUUID(), itemCode: item }));
      taken.push(String((r.events.find((e) => e.type === 'ticket.issued')!.data as { ticketNo: string }).ticketNo));
    }
    expect(new Set(taken).size).toBe(6);
    const called: string[] = [];
    for (let i = 0; i < 6; i++) {
      const svc = i % 2 === 0 ? b : a;
      committed(await runWindowOp(svc, hall, w, { op: 'next' }));
      const r = committed(await runWindowOp(svc, hall, w, { op: 'complete', outcome: 'done' }));
      called.push(String((r.events.find((e) => e.type === 'ticket.completed')!.data as { ticketNo: string }).ticketNo));
    }
    // Same tickets, each served once, whichever service took or called it.
    expect([...called].sort()).toEqual([...taken].sort());
    const all = await seqs();
    expect(all.length).toBeGreaterThan(0);
    for (let i = 1; i < all.length; i++) expect(all[i]).toBe(all[i - 1]! + 1);
    expect(all.at(-1)).toBe(await hallSeq());
  });

  it('an answered event carries the seq the statement gave it, the one stored in the outbox', async () => {
    const r = committed(await b.run(hall, { type: 'take', ticketId: randomUUID(), itemCode: await itemOf() }));
    const ev = r.events[0]!;
    const row = (
      await s.app.db.query<{ seq: number; payload: { seq: number; type: string } }>(
        "SELECT seq, payload FROM outbox WHERE hall_id = $1 AND payload->'data'->>'ticketId' = $2",
        [hall, (ev.data as { ticketId: string }).ticketId],
      )
    ).rows[0]!;
    expect(row.seq).toBe(ev.seq);
    expect(row.payload.seq).toBe(ev.seq);
    const ticket = (
      await s.app.db.query<{ seq: number }>('SELECT seq FROM tickets WHERE id = $1', [
        (ev.data as { ticketId: string }).ticketId,
      ])
    ).rows[0]!;
    expect(ticket.seq).toBe(ev.seq);
  });

  it('a configuration change made elsewhere makes the cached state stale: the next operation uses the new configuration', async () => {
    committed(await a.run(hall, { type: 'take', ticketId: randomUUID(), itemCode: await itemOf() }));
    // Through the repository, as another process's admin request would: service A is not told (no invalidate).
    await changeHallConfig(
      {
        db: s.app.db,
        tz: s.app.config.HALL_TZ,
        now: s.clock.now(),
        actor: { userId: null, username: 'test', role: 'admin', ip: null },
      },
      hall,
      patchHall(hall, { name: '西区政务服务中心（改名）' }),
    );
    const r = committed(await a.run(hall, { type: 'take', ticketId: randomUUID(), itemCode: await itemOf() }));
    expect(r.hallName).toBe('西区政务服务中心（改名）');
  });

  it('a redelivered device message gets its first reply, with the seq the statement gave, and nothing is written twice', async () => {
    const w = await firstWindow();
    const item = await itemOf();
    committed(await a.run(hall, { type: 'take', ticketId: randomUUID(), itemCode: item }));
    const deviceId = 'test-caller-redelivery';
    const ctx = { deviceId, msgId: `m-${randomUUID()}`, replyType: 'call.result' };
    const first = committed(await runWindowOp(a, hall, w, { op: 'next' }, ctx));
    const before = await seqs();
    const again = await runWindowOp(a, hall, w, { op: 'next' }, ctx);
    expect(again.duplicate).toBe(true);
    expect(again.reply).toEqual(first.reply);
    expect((first.reply as { seq: number }).seq).toBe(first.events.at(-1)!.seq);
    // The other service (another process) gets the same message redelivered: same answer, nothing written.
    const elsewhere = await runWindowOp(b, hall, w, { op: 'next' }, ctx);
    expect(elsewhere.duplicate).toBe(true);
    expect(elsewhere.reply).toEqual(first.reply);
    expect(await seqs()).toEqual(before);
  });

  it('a write at a version the row is not at raises StaleQueueState and writes nothing', async () => {
    const view = await a.view(hall);
    const before = { seq: await hallSeq(), outbox: (await seqs()).length };
    const ev = {
      hallId: hall,
      seq: 1,
      at: s.clock.now().toISOString(),
      type: 'window.paused',
      data: { windowId: 'x' },
    } as never;
    await expect(
      writeQueueState(s.app.db, {
        hallId: hall,
        before: view.state,
        after: { ...view.state, queueCalls: { ...view.state.queueCalls } },
        version: view.version + 5,
        at: s.clock.now(),
        events: [ev],
        ticketSeq: new Map(),
        extras: new Map(),
        cases: [],
        staffUserId: null,
        staffTicketIds: new Set(),
        reply: { deviceId: 'test-stale', msgId: 'm1', replyType: 'call.result', reply: { seq: 1 } },
      }),
    ).rejects.toBeInstanceOf(StaleQueueState);
    expect(await hallSeq()).toBe(before.seq);
    expect((await seqs()).length).toBe(before.outbox);
    expect((await s.app.db.query("SELECT 1 FROM inbox WHERE device_id = 'test-stale'")).rowCount).toBe(0);
  });
});
