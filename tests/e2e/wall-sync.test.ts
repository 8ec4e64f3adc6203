import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startStack,
  provisionDevice,
  connectDevice,
  connectScreen,
  joinHall,
  login,
  until,
  type Stack,
  type TestDevice,
  type Screen,
} from '../helpers/stack.ts';
import { runWindowOp, type WindowOp } from '../../server/commands/window-ops.ts';
import { hallSnapshot } from '../../server/store/halls-repo.ts';
import { signInWindow } from '../../server/store/window-staff-repo.ts';
import { hallDay } from '../../server/domain/hall-time.ts';
import { estimateFor, hallPressure, type Ticket } from '../../server/domain/queue/index.ts';
import type { Clock } from '../../server/domain/clock.ts';
import type { DomainEvent, HallDelta, HallSnapshot } from '../../contracts/index.ts';
import { applyDelta, deltaExactPart } from '../../contracts/apply-delta.ts';

/**
 * The live wall: on the real stack, a screen joins the hall, tickets are
 * taken over MQTT and windows call, recall, skip, transfer, pause, close,
 * re-activate and complete through the queue service; the wall's state built
 * from the join snapshot plus the deltas it received (the dashboard's own
 * applyDelta) must equal a fresh snapshot in everything deltas determine, and
 * the fresh snapshot's server figures (pressure, wait range, staff) must be
 * the engine's for the same state. Then the hall day rolls over.
 */
const HALL = 'h-east';
const W = (n: number) => `${HALL}-w${n}`;
const QA = `${HALL}-qA`;
const QC = `${HALL}-qC`;
const DAY_MS = 24 * 3600_000;

describe('live wall: snapshot + deltas = fresh snapshot (issue 4)', () => {
  let s: Stack;
  let ticketer: TestDevice;
  let screen: Screen;
  let joined: HallSnapshot;
  let offsetMs = 0;
  const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

  beforeAll(async () => {
    s = await startStack({}, undefined, { clock });
    ticketer = await connectDevice(s.app.mqttUrl, await provisionDevice(s, HALL, 'ticketer', 'tk-wall-sync'));
    screen = await connectScreen(s, await login(s, 'sup-east'));
    joined = await joinHall(screen, HALL);
  });
  afterAll(async () => {
    screen?.close();
    await ticketer?.close();
    await s?.stop();
  });

  const op = async (n: number, o: WindowOp) => {
    const r = await runWindowOp(s.app.queue, HALL, W(n), o);
    if (r.duplicate) throw new Error('unexpected duplicate');
    return r;
  };
  const currentNo = (r: Awaited<ReturnType<typeof op>>) =>
    (r.reply as { current: { ticketNo: string } | null }).current?.ticketNo;

  /** The wall's state: the snapshot, then every delta after it, each of which must be the next seq. */
  function replay(from: HallSnapshot, deltas: readonly HallDelta[], toSeq: number): HallSnapshot {
    let state = from;
    for (const d of [...deltas].sort((a, b) => a.seq - b.seq)) {
      if (d.seq <= state.seq || d.seq > toSeq) continue;
      const out = applyDelta(state, d);
      if (out.kind !== 'applied') throw new Error(`delta ${d.seq} not applied: ${out.kind}`);
      state = out.state;
    }
    expect(state.seq).toBe(toSeq);
    return state;
  }

  it('every queue operation on the wall equals the fresh snapshot', async () => {
    const take = async (itemCode: string, cls?: 'green') =>
      (await ticketer.request('ticket.request', { itemCode, ...(cls ? { class: cls } : {}) })).data.ticketNo as string;
    for (let i = 0; i < 6; i++) await take('ZH-001');
    await take('GA-001');
    await take('RS-001');
    await take('RS-001');
    const green = await take('ZH-002', 'green');

    const staff = (await s.app.db.query<{ id: number }>("SELECT id FROM users WHERE username = 'staff-east'")).rows[0]!;
    await signInWindow(s.app.db, { windowId: W(1), userId: staff.id, via: 'console', at: clock.now() });
    for (const n of [1, 2, 3]) await op(n, { op: 'open' });

    // Green channel first, recalled, served, completed (case.opened, rating.prompt).
    expect(currentNo(await op(1, { op: 'next' }))).toBe(green);
    await op(1, { op: 'recall' });
    await op(1, { op: 'start' });
    await op(1, { op: 'complete', outcome: 'done' });
    // A no-show that returns after three more calls of its queue.
    const noShow = currentNo(await op(1, { op: 'next' }))!;
    await op(1, { op: 'skip' });
    // Transfers: to another queue, and to a window (then that window closes: untargeted).
    await op(2, { op: 'next' });
    await op(2, { op: 'start' });
    await op(2, { op: 'transfer', toQueueId: QC });
    await op(3, { op: 'next' });
    await op(3, { op: 'transfer', toWindowId: W(2) });
    // Window 1 serves on; the no-show comes back in line (ticket.returned) after three calls of its
    // queue, is called again and misses again: dropped (maxReturns 1).
    let served = 1;
    let dropped = false;
    for (let i = 0; i < 8 && !dropped; i++) {
      const no = currentNo(await op(1, { op: 'next' }));
      if (!no) break;
      if (no === noShow) {
        await op(1, { op: 'skip' });
        dropped = true;
      } else {
        await op(1, { op: 'complete', outcome: i % 2 ? 'incomplete' : 'done' });
        served++;
      }
    }
    expect(dropped).toBe(true);
    await op(1, { op: 'pause' });
    await op(2, { op: 'close' });
    // A late comer re-activates a skipped ticket, and window 3 calls it by number.
    const late = currentNo(await op(3, { op: 'next' }))!;
    await op(3, { op: 'skip' });
    await op(3, { op: 'reactivate', ticketNo: late });
    await op(3, { op: 'pick', ticketNo: late, reason: '迟到补叫' });
    await op(1, { op: 'resume' });
    await take('ZH-003');

    const lastSeq = Number(
      (await s.app.db.query<{ seq: string }>('SELECT seq FROM halls WHERE id = $1', [HALL])).rows[0]!.seq,
    );
    await until(() => screen.deltas.some((d) => d.seq === lastSeq));
    // The fresh snapshot is read from PostgreSQL; the server's in-memory view (hall:resync) must
    // agree with it in everything deltas determine, as the wall must.
    const r = await screen.emitWithAck('hall:resync', { hallId: HALL });
    if (!r.ok) throw new Error(JSON.stringify(r));
    expect(r.data.seq).toBe(lastSeq);
    const fresh = (await hallSnapshot(s.app.db, HALL, hallDay(clock.now(), 'Asia/Shanghai'), clock.now()))!;
    expect(fresh.seq).toBe(lastSeq);
    expect(deltaExactPart(r.data)).toEqual(deltaExactPart(fresh));

    const wall = replay(joined, screen.deltas, lastSeq);
    expect(deltaExactPart(wall)).toEqual(deltaExactPart(fresh));

    // The sequence did exercise the event types the wall must apply.
    const types = new Set(screen.deltas.filter((d) => d.seq > joined.seq).map((d) => d.event.type));
    for (const t of [
      'ticket.issued',
      'ticket.called',
      'ticket.recalled',
      'service.started',
      'ticket.completed',
      'case.opened',
      'rating.prompt',
      'ticket.skipped',
      'ticket.returned',
      'ticket.reactivated',
      'ticket.dropped',
      'ticket.transferred',
      'ticket.untargeted',
      'window.opened',
      'window.paused',
      'window.resumed',
      'window.closed',
    ])
      expect(types, t).toContain(t);

    // Not a vacuous comparison: the wall shows the windows and calls of the sequence.
    expect(fresh.windows.find((w) => w.id === W(3))).toMatchObject({ status: 'open', current: { status: 'called' } });
    expect(fresh.windows.find((w) => w.id === W(2))).toMatchObject({ status: 'closed', current: null, served: 0 });
    expect(fresh.windows.find((w) => w.id === W(1))).toMatchObject({
      status: 'open',
      current: null,
      served,
      staff: 'staff-east',
    });
    expect(fresh.recentCalls[0]).toMatchObject({ windowNo: '3', recall: false });
    expect(fresh.recentCalls.some((c) => c.recall && c.ticketNo === green)).toBe(true);

    // Server figures are the engine's for the same state (the queue service's view, nothing changed since).
    const view = await s.app.queue.view(HALL);
    const p = hallPressure(view.state, view.config);
    expect(fresh.pressure).toMatchObject({ waiting: p.waiting, openWindows: p.openWindows, level: p.level });
    expect(fresh.pressure.waiting).toBe(fresh.queues.reduce((n, q) => n + q.waiting, 0));
    const qa = fresh.queues.find((q) => q.id === QA)!;
    const probe: Ticket = {
      id: 'probe',
      no: '',
      n: 0,
      day: view.state.day,
      queueId: QA,
      itemCode: '',
      class: 'walk-in',
      takenAt: fresh.at,
      status: 'waiting',
      calls: 0,
      recalls: 0,
      skipCount: 0,
      reactivations: 0,
      transfers: 0,
    };
    expect(qa.estimate).toEqual(estimateFor(view.state, probe, new Date(fresh.at), view.config).estimate);
    expect(qa.waiting).toBe(
      Object.values(view.state.tickets).filter((t) => t.queueId === QA && t.status === 'waiting').length,
    );
    expect(qa.longestWaitMin).not.toBeNull();
  });

  it('a new hall day: day-end drops and day.rolled empty the wall as a fresh snapshot shows it', async () => {
    // Deltas from the outbox here (the same events the socket carries): a day later the
    // supervisor's session is idle-expired, so the screen may be closed by the session sweep.
    const before = await hallSnapshot(s.app.db, HALL, hallDay(clock.now(), 'Asia/Shanghai'), clock.now());
    offsetMs = DAY_MS;
    // A new day before any operation already shows empty.
    const idle = (await hallSnapshot(s.app.db, HALL, hallDay(clock.now(), 'Asia/Shanghai'), clock.now()))!;
    expect(idle.queues.every((q) => q.waiting === 0 && q.issuedToday === 0)).toBe(true);
    expect(idle.recentCalls).toEqual([]);
    expect(idle.pressure).toMatchObject({ waiting: 0, level: 'clear' });

    await op(1, { op: 'open' });
    await ticketer.request('ticket.request', { itemCode: 'ZH-001' });
    const after = (await hallSnapshot(s.app.db, HALL, hallDay(clock.now(), 'Asia/Shanghai'), clock.now()))!;
    const rows = (
      await s.app.db.query<{ payload: DomainEvent }>(
        'SELECT payload FROM outbox WHERE hall_id = $1 AND seq > $2 ORDER BY seq',
        [HALL, before!.seq],
      )
    ).rows;
    const deltas: HallDelta[] = rows.map((x) => ({ hallId: HALL, seq: x.payload.seq, event: x.payload }));
    expect(deltas.map((d) => d.event.type)).toEqual(
      expect.arrayContaining(['ticket.dropped', 'day.rolled', 'window.opened', 'ticket.issued']),
    );

    const wall = replay(before!, deltas, after.seq);
    expect(deltaExactPart(wall)).toEqual(deltaExactPart(after));
    expect(after.queues.find((q) => q.id === QA)).toMatchObject({ waiting: 1, issuedToday: 1, lastTicketNo: 'A001' });
  });
});
