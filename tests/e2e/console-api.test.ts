import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import {
  consoleResponseSchema,
  hallWindowsResponseSchema,
  publicTicketResponseSchema,
  windowSignInResponseSchema,
  windowSignOutResponseSchema,
  type ConsoleResponse,
} from '../../contracts/console.ts';
import { maskIdNumber } from '../../server/domain/masking.ts';
import { addUser } from '../../server/store/users-repo.ts';
import {
  api,
  connectDevice,
  login,
  provisionDevice,
  startStack,
  type Stack,
  type TestDevice,
} from '../helpers/stack.ts';

/**
 * The window console's REST API (呼叫端, docs/console.md) and the
 * citizen's ticket page endpoint on the real embedded stack: tickets are taken
 * over MQTT by a ticket machine, staff sign in at a window and serve them.
 * Every response is parsed with its contract, and every response text is
 * checked for the applicant's full ID number (it must never leave the server).
 */
const HALL = 'h-east';
const W1 = 'h-east-w1';
const W2 = 'h-east-w2';
// A valid GB 11643 number (check digit X) and a name; only masked forms may appear.
const ID = '11010519491231002X';
const NAME = '欧阳娜娜';

describe('window console API', () => {
  let s: Stack;
  let tk: TestDevice;
  let staff: string;
  let staff2: string;
  let sup: string;
  const texts: string[] = [];

  /** Every REST answer goes through here, so the full-ID check covers all of them. */
  async function call<T = unknown>(method: string, url: string, body?: unknown, token?: string) {
    const r = await api<T>(s, method, url, body, token);
    texts.push(r.text);
    return r;
  }
  const consoleOf = async (windowId = W1, token = staff): Promise<ConsoleResponse> => {
    const r = await call<ConsoleResponse>('GET', `/api/halls/${HALL}/windows/${windowId}/console`, undefined, token);
    expect(r.status, r.text).toBe(200);
    return consoleResponseSchema.parse(r.body);
  };
  const op = (body: unknown, windowId = W1, token = staff) =>
    call<{ current: { ticketNo: string; status: string } | null; window: { status: string } }>(
      'POST',
      `/api/halls/${HALL}/windows/${windowId}/ops`,
      body,
      token,
    );
  const take = async (data: Record<string, unknown>) => {
    const r = await tk.request('ticket.request', data);
    expect(r.type, JSON.stringify(r)).toBe('ticket.issued');
    texts.push(JSON.stringify(r.data));
    return r.data as { ticketId: string; ticketNo: string };
  };
  const stateOf = async () => ({
    version: (
      await s.app.db.query<{ version: number }>('SELECT version FROM hall_queue_state WHERE hall_id = $1', [HALL])
    ).rows[0]?.version,
    outbox: (await s.app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE hall_id = $1', [HALL]))
      .rows[0]!.n,
    tickets: (
      await s.app.db.query('SELECT id, status, queue_id, window_id FROM tickets WHERE hall_id = $1 ORDER BY id', [HALL])
    ).rows,
  });

  beforeAll(async () => {
    s = await startStack();
    tk = await connectDevice(s.app.mqttUrl, await provisionDevice(s, HALL, 'ticketer', 'tk-console'));
    await addUser(s.app.db, { username: 'staff-east-2', password: 'Console#Test-2026', role: 'staff', hallId: HALL });
    staff = await login(s, 'staff-east');
    staff2 = await login(s, 'staff-east-2', 'Console#Test-2026');
    sup = await login(s, 'sup-east');
  }, 120_000);
  afterAll(async () => {
    await tk?.close();
    await s?.stop();
  });

  it("lists the hall's windows for the chooser, all closed and nobody signed in at first", async () => {
    const r = await call('GET', `/api/halls/${HALL}/windows`, undefined, staff);
    expect(r.status, r.text).toBe(200);
    const body = hallWindowsResponseSchema.parse(r.body);
    expect(body.hallName).toBe('城东区政务服务中心');
    expect(body.windows.map((w) => w.no)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    expect(body.windows.every((w) => w.status === 'closed' && w.staff === null && w.currentTicketNo === null)).toBe(
      true,
    );
    expect(body.windows[0]!.queues.map((q) => q.id)).toEqual(['h-east-qA']);
  });

  it('signs in at a window, which opens it; the console shows the waiting list in call order with estimates', async () => {
    const a = await take({ itemCode: 'ZH-001', identity: { method: 'id-card', idNumber: ID, name: NAME } });
    const b = await take({ itemCode: 'ZH-002', class: 'green' });
    const r = await call('POST', `/api/halls/${HALL}/windows/${W1}/signin`, {}, staff);
    expect(r.status, r.text).toBe(200);
    const body = windowSignInResponseSchema.parse(r.body);
    expect(body).toMatchObject({
      opened: true,
      left: null,
      window: { id: W1, status: 'open', staff: { username: 'staff-east', via: 'console', me: true } },
    });

    const c = await consoleOf();
    expect(c.window).toMatchObject({ status: 'open', staff: { username: 'staff-east' } });
    expect(c.current).toBeNull();
    // Green channel first (class priority), then the walk-in; one open window → estimates exist.
    expect(c.waiting.map((w) => w.ticketNo)).toEqual([b.ticketNo, a.ticketNo]);
    expect(c.waiting[0]).toMatchObject({ class: 'green', queueId: 'h-east-qA', itemName: expect.any(String) });
    for (const w of c.waiting) expect(w.estimate).not.toBeNull();
    expect(c.queues).toEqual([expect.objectContaining({ id: 'h-east-qA', waiting: 2 })]);
    expect(c.pressure).toMatchObject({ waiting: 2, openWindows: 1 });
    expect(c.pressure.value).toBeGreaterThan(0);
    expect(c.figures).toMatchObject({ username: 'staff-east', served: 0, avgHandlingMin: null, ratingsReceived: null });
    expect(c.figures.ratingsNote).toMatch(/issue 6/);
    expect(c.transferTargets.queues.map((q) => q.id)).toContain('h-east-qB');
    expect(c.transferTargets.windows.map((w) => w.id)).not.toContain(W1);

    const list = hallWindowsResponseSchema.parse(
      (await call('GET', `/api/halls/${HALL}/windows`, undefined, staff2)).body,
    );
    expect(list.windows.find((w) => w.id === W1)!.staff).toMatchObject({ username: 'staff-east', me: false });
  });

  it('serves a ticket with the ID number masked; the full number appears in no response', async () => {
    expect((await op({ op: 'next' })).body.current).toMatchObject({ status: 'called', class: 'green' });
    expect((await op({ op: 'complete', outcome: 'done' })).status).toBe(200); // complete straight from called
    const called = await op({ op: 'next' });
    expect(called.status, called.text).toBe(200);
    const c = await consoleOf();
    expect(c.current).toMatchObject({
      status: 'called',
      class: 'walk-in',
      idNumberMasked: maskIdNumber(ID),
      nameMasked: '欧***',
      calls: 1,
      recalls: 0,
    });
    expect(c.current!.idNumberMasked).toBe('1101**********002X');
    expect(c.current!.item).toEqual({ code: 'ZH-001', name: expect.any(String) });

    // The citizen page tells them where to go.
    const ticketId = c.current!.ticketId;
    const p = await call('GET', `/api/public/tickets/${ticketId}`);
    expect(p.status, p.text).toBe(200);
    const pub = publicTicketResponseSchema.parse(p.body);
    expect(pub).toMatchObject({
      status: 'called',
      windowNo: '1',
      callText: `请${c.current!.ticketNo}号到1号窗口办理`,
      waitingAhead: null,
      hallName: '城东区政务服务中心',
    });
    expect(p.text).not.toMatch(/1101|欧/);

    await op({ op: 'recall' });
    expect((await consoleOf()).current!.recalls).toBe(1);
    await op({ op: 'start' });
    expect((await consoleOf()).current!.status).toBe('serving');
    await op({ op: 'complete', outcome: 'done' });
    const after = await consoleOf();
    expect(after.current).toBeNull();
    expect(after.figures.served).toBe(2);
    expect(after.figures.avgHandlingMin).not.toBeNull();
    expect(after.window.served).toBe(2);

    for (const t of texts) {
      expect(t).not.toContain(ID);
      expect(t).not.toContain(NAME);
    }
    expect(texts.some((t) => t.includes(maskIdNumber(ID)))).toBe(true); // the check looked at the right responses
  });

  it('the citizen endpoint: people ahead and the range while waiting; coded 400 and 404; rate-limited', async () => {
    const first = await take({ itemCode: 'ZH-001' });
    const second = await take({ itemCode: 'ZH-003' });
    const p = publicTicketResponseSchema.parse((await call('GET', `/api/public/tickets/${second.ticketId}`)).body);
    expect(p).toMatchObject({
      status: 'waiting',
      ticketNo: second.ticketNo,
      waitingAhead: 1,
      windowNo: null,
      callText: null,
    });
    expect(p.estimate).not.toBeNull();
    expect(p.estimate!.highMin).toBeGreaterThanOrEqual(p.estimate!.lowMin);
    const p1 = publicTicketResponseSchema.parse((await call('GET', `/api/public/tickets/${first.ticketId}`)).body);
    expect(p1.waitingAhead).toBe(0);

    const bad = await call<{ error: { code: string } }>('GET', '/api/public/tickets/not-a-uuid');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('HALL_ERR_BAD_REQUEST');
    const none = await call<{ error: { code: string } }>('GET', `/api/public/tickets/${randomUUID()}`);
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('HALL_ERR_NOT_FOUND');

    const id = randomUUID();
    let last = 0;
    for (let i = 0; i < 61; i++) last = (await api(s, 'GET', `/api/public/tickets/${id}`)).status;
    expect(last).toBe(429);
  });

  it('skip puts the ticket in the re-activation list; re-activate brings it back in line', async () => {
    const called = await op({ op: 'next' });
    const no = called.body.current!.ticketNo;
    expect((await op({ op: 'skip' })).status).toBe(200);
    const c = await consoleOf();
    expect(c.skipped).toEqual([expect.objectContaining({ ticketNo: no, status: 'skipped' })]);
    expect(Date.parse(c.skipped[0]!.reactivateUntil)).toBeGreaterThan(Date.parse(c.at));
    expect((await op({ op: 'reactivate', ticketNo: no })).status).toBe(200);
    const back = await consoleOf();
    expect(back.skipped).toEqual([]);
    expect(back.waiting.map((w) => w.ticketNo)).toContain(no);
  });

  it('refuses bad operations with a code and changes nothing', async () => {
    const before = await stateOf();
    const unknown = await op({ op: 'next' }, 'h-east-w99');
    expect(unknown.status).toBe(404);
    expect((unknown.body as unknown as { error: { code: string } }).error.code).toBe('HALL_ERR_NOT_FOUND');
    // A window of another hall is unknown here too.
    expect((await call('GET', `/api/halls/${HALL}/windows/h-west-w1/console`, undefined, staff)).status).toBe(404);
    expect((await call('POST', `/api/halls/${HALL}/windows/h-east-w99/signin`, {}, staff)).status).toBe(404);
    const badOp = await op({ op: 'explode' });
    expect(badOp.status).toBe(400);
    expect((badOp.body as unknown as { error: { code: string } }).error.code).toBe('HALL_ERR_BAD_REQUEST');
    expect((await call('POST', `/api/halls/${HALL}/windows/${W1}/signin`, { takeOver: 'yes' }, staff)).status).toBe(
      400,
    );
    // Staff operate only the window they are signed in at: another colleague's or an empty window is refused.
    for (const [windowId, token] of [
      [W2, staff],
      [W1, staff2],
    ] as const) {
      const notMine = await op({ op: 'open' }, windowId, token);
      expect(notMine.status, notMine.text).toBe(409);
      expect((notMine.body as unknown as { error: { code: string } }).error.code).toBe('HALL_ERR_NOT_AT_WINDOW');
    }
    expect(await stateOf()).toEqual(before);

    // Transfer to a queue the hall lacks (another hall's queue): 404, the ticket stays called at the window.
    await op({ op: 'next' });
    const holding = await stateOf();
    const tr = await op({ op: 'transfer', toQueueId: 'h-west-qB' });
    expect(tr.status).toBe(404);
    expect((tr.body as unknown as { error: { code: string } }).error.code).toBe('HALL_ERR_NOT_FOUND');
    expect(await stateOf()).toEqual(holding);
    await op({ op: 'transfer', toQueueId: 'h-east-qA' }); // back in line: frees the window

    // Calling while paused: 409, nothing changes.
    expect((await op({ op: 'pause' })).status).toBe(200);
    const paused = await stateOf();
    const next = await op({ op: 'next' });
    expect(next.status).toBe(409);
    expect((next.body as unknown as { error: { code: string } }).error.code).toBe('HALL_ERR_CONFLICT');
    expect(await stateOf()).toEqual(paused);
    expect((await consoleOf()).window.status).toBe('paused');
    expect((await op({ op: 'resume' })).status).toBe(200);
  });

  it('scope and permission: a supervisor may not operate, another hall is 404', async () => {
    const r = await call<{ error: { code: string } }>(
      'GET',
      `/api/halls/${HALL}/windows/${W1}/console`,
      undefined,
      sup,
    );
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('HALL_ERR_FORBIDDEN');
    expect((await call('GET', '/api/halls/h-west/windows', undefined, staff)).status).toBe(404);
    expect((await call('GET', '/api/halls/h-west/windows/h-west-w1/console', undefined, staff)).status).toBe(404);
    expect((await call('POST', '/api/halls/h-west/windows/h-west-w1/signin', {}, staff)).status).toBe(404);
    expect((await call('GET', `/api/halls/${HALL}/windows`)).status).toBe(401);
    // A hall id that cannot be one (NUL byte) is a coded 400, not a database error (found by the fuzzer).
    const nul = await call<{ error: { code: string } }>('GET', '/api/halls/%00/windows', undefined, staff);
    expect(nul.status).toBe(400);
    expect(nul.body.error.code).toBe('HALL_ERR_BAD_REQUEST');
  });

  it('sign-in over someone needs takeOver; moving windows and signing out close or pause the window left', async () => {
    const taken = await call<{ error: { code: string; details: { signedIn: string } } }>(
      'POST',
      `/api/halls/${HALL}/windows/${W1}/signin`,
      {},
      staff2,
    );
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: 'HALL_ERR_CONFLICT', details: { signedIn: 'staff-east' } });
    expect((await consoleOf()).window.staff).toMatchObject({ username: 'staff-east' });

    // staff-east holds a ticket at W1, then moves to W2: W1 pauses (it cannot close while holding a ticket).
    await op({ op: 'next' });
    const moved = windowSignInResponseSchema.parse(
      (await call('POST', `/api/halls/${HALL}/windows/${W2}/signin`, {}, staff)).body,
    );
    expect(moved).toMatchObject({
      opened: true,
      left: { windowId: W1, action: 'paused' },
      window: { id: W2, status: 'open' },
    });
    const w1 = await consoleOf(W1, staff2);
    expect(w1.window).toMatchObject({ status: 'paused', staff: null });
    expect(w1.current).not.toBeNull();

    // staff-east-2 takes W1 (free now), resumes it, finishes the ticket and signs out: the window closes.
    expect(
      windowSignInResponseSchema.parse(
        (await call('POST', `/api/halls/${HALL}/windows/${W1}/signin`, {}, staff2)).body,
      ),
    ).toMatchObject({ opened: true });
    await op({ op: 'complete', outcome: 'incomplete' }, W1, staff2);
    const out = windowSignOutResponseSchema.parse(
      (await call('POST', `/api/halls/${HALL}/windows/${W1}/signout`, {}, staff2)).body,
    );
    expect(out).toMatchObject({ action: 'closed', window: { status: 'closed', staff: null } });
    // Signing out of a window one is not signed in at: 409, nothing changes.
    const again = await call<{ error: { code: string } }>(
      'POST',
      `/api/halls/${HALL}/windows/${W1}/signout`,
      {},
      staff2,
    );
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('HALL_ERR_CONFLICT');

    const audit = (
      await s.app.db.query<{ action: string; username: string }>(
        "SELECT action, username FROM audit_log WHERE action LIKE 'window.%' ORDER BY id",
      )
    ).rows;
    expect(audit.map((a) => `${a.username} ${a.action}`)).toEqual([
      'staff-east window.signin',
      'staff-east window.signin',
      'staff-east-2 window.signin',
      'staff-east-2 window.signout',
    ]);
  });

  it('a supervisor opens, pauses and resumes a window without working at it; audited; staff may not; bad op refused', async () => {
    const status = async () => (await s.app.queue.view(HALL)).state.windows[W2]!.status;
    if ((await status()) === 'closed')
      expect((await call('POST', `/api/halls/${HALL}/windows/${W2}/supervise`, { op: 'open' }, sup)).status).toBe(200);
    const paused = await call<{ window: { status: string } }>(
      'POST',
      `/api/halls/${HALL}/windows/${W2}/supervise`,
      { op: 'pause' },
      sup,
    );
    expect(paused.status, paused.text).toBe(200);
    expect(paused.body.window.status).toBe('paused');
    expect(await status()).toBe('paused');
    const audited = await s.app.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE action = 'window.supervise' AND target = $1",
      [`window:${W2}`],
    );
    expect(audited.rows[0]!.n).toBeGreaterThanOrEqual(1);
    expect((await call('POST', `/api/halls/${HALL}/windows/${W2}/supervise`, { op: 'next' }, sup)).status).toBe(400);
    expect((await call('POST', `/api/halls/${HALL}/windows/${W2}/supervise`, { op: 'resume' }, staff)).status).toBe(
      403,
    );
    expect((await call('POST', '/api/halls/h-west/windows/h-west-w1/supervise', { op: 'pause' }, sup)).status).toBe(
      404,
    );
    expect((await call('POST', `/api/halls/${HALL}/windows/${W2}/supervise`, { op: 'resume' }, sup)).status).toBe(200);
    expect(await status()).toBe('open');
  });
});
