import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HallConfigView } from '../../contracts/config-admin.ts';
import { runWindowOp } from '../../server/commands/window-ops.ts';
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
 * The queue configuration admin (docs/admin.md) on the real
 * stack: CRUD round trips; every refusal coded with its problems and nothing
 * changed (configuration, version, audit); a period change takes effect for
 * the very next call; machine item sets are enforced at the ticket machine;
 * only config.manage in scope may do any of it.
 */
const HALL = 'h-east';
const qA = 'h-east-qA',
  qB = 'h-east-qB',
  w1 = 'h-east-w1';

type Err = {
  error: { code: string; message: string; details?: { problems?: { code: string; path: string; message: string }[] } };
};
type Changed = { configVersion: number; config: HallConfigView; id?: string };

describe('queue configuration admin', () => {
  let s: Stack;
  let admin: string;
  let ticketer: TestDevice;

  const get = async (hallId = HALL) => {
    const r = await api<HallConfigView>(s, 'GET', `/api/halls/${hallId}/config`, undefined, admin);
    expect(r.status, r.text).toBe(200);
    return r.body;
  };
  const call = <T = Changed>(method: string, path: string, body?: unknown) =>
    api<T>(s, method, `/api/halls/${HALL}${path}`, body, admin);
  const audits = async () =>
    (await s.app.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'config.change'"))
      .rows[0]!.n;

  /** A refused change: the code, problems listed, and the configuration, its version and the audit log untouched. */
  async function refused(method: string, path: string, body: unknown, status: number, code: string): Promise<Err> {
    const before = await get();
    const a0 = await audits();
    const r = await call<Err>(method, path, body);
    expect(r.status, `${method} ${path} → ${r.text}`).toBe(status);
    expect(r.body.error.code).toBe(code);
    expect(await get()).toEqual(before);
    expect(await audits()).toBe(a0);
    return r.body;
  }

  beforeAll(async () => {
    s = await startStack();
    admin = await login(s, 'admin');
    ticketer = await connectDevice(s.app.mqttUrl, await provisionDevice(s, HALL, 'ticketer', 'cfg-tk-1'));
  }, 120_000);
  afterAll(async () => {
    await ticketer?.close();
    await s?.stop();
  });

  it('reads the whole configuration of a hall', async () => {
    const c = await get();
    expect(c.hall).toMatchObject({ id: HALL, name: '城东区政务服务中心' });
    expect(c.problems).toEqual([]);
    expect(c.queues.find((q) => q.id === qB)).toMatchObject({ prefix: 'B', itemCodes: ['GA-001', 'GA-002'] });
    expect(c.items.find((i) => i.code === 'GA-001')).toMatchObject({ queueId: qB, promisedDays: 15 });
    expect(c.windows.find((w) => w.id === w1)).toMatchObject({
      no: '1',
      queues: [{ queueId: qA, weight: 2 }],
      periods: [],
    });
    expect(c.devices.find((d) => d.deviceId === 'cfg-tk-1')).toMatchObject({ kind: 'ticketer', itemCodes: null });
  });

  it('creates, updates and deletes a department, queue, item and window; each bumps the version and is audited', async () => {
    const v0 = (await get()).hall.configVersion;
    const a0 = await audits();
    const dep = await call('POST', '/departments', { id: 'h-east-yb', name: '医保局' });
    expect(dep.status, dep.text).toBe(201);
    const q = await call('POST', '/queues', {
      id: 'h-east-qY',
      prefix: 'Y',
      name: '医保业务',
      departmentId: 'h-east-yb',
      dailyCap: 200,
      openFrom: '08:00',
      openTo: '17:30',
    });
    expect(q.status, q.text).toBe(201);
    const it1 = await call('POST', '/items', {
      code: 'YB-001',
      name: '医保关系转移',
      departmentId: 'h-east-yb',
      queueId: 'h-east-qY',
      promisedDays: 3,
      standardMin: 12.5,
      enterprise: true,
    });
    expect(it1.status, it1.text).toBe(201);
    const w = await call('POST', '/windows', {
      id: 'h-east-w9',
      no: '9',
      name: '9号窗口',
      departmentId: 'h-east-yb',
      queues: [
        { queueId: 'h-east-qY', weight: 2 },
        { queueId: qA, weight: 1 },
      ],
    });
    expect(w.status, w.text).toBe(201);
    expect(w.body.configVersion).toBe(v0 + 4);
    let c = w.body.config;
    expect(c.queues.find((x) => x.id === 'h-east-qY')).toMatchObject({
      prefix: 'Y',
      departmentId: 'h-east-yb',
      dailyCap: 200,
      openFrom: '08:00',
      openTo: '17:30',
      itemCodes: ['YB-001'],
    });
    expect(c.windows.find((x) => x.id === 'h-east-w9')).toMatchObject({
      no: '9',
      departmentId: 'h-east-yb',
      queues: [
        { queueId: qA, weight: 1 },
        { queueId: 'h-east-qY', weight: 2 },
      ],
    });

    expect((await call('PUT', '/departments/h-east-yb', { name: '医疗保障局' })).status).toBe(200);
    expect(
      (await call('PUT', '/queues/h-east-qY', { prefix: 'YB', name: '医保', departmentId: 'h-east-yb', dailyCap: 300 }))
        .status,
    ).toBe(200);
    expect(
      (
        await call('PUT', '/items/YB-001', {
          name: '医保关系转移接续',
          departmentId: 'h-east-yb',
          queueId: 'h-east-qY',
          promisedDays: null,
        })
      ).status,
    ).toBe(200);
    const wu = await call('PUT', '/windows/h-east-w9', {
      no: '9A',
      name: '医保窗口',
      departmentId: 'h-east-yb',
      queues: [{ queueId: 'h-east-qY', weight: 1 }],
    });
    expect(wu.status, wu.text).toBe(200);
    c = wu.body.config;
    expect(c.departments).toContainEqual({ id: 'h-east-yb', name: '医疗保障局' });
    expect(c.queues.find((x) => x.id === 'h-east-qY')).toMatchObject({
      prefix: 'YB',
      dailyCap: 300,
      openFrom: '00:00',
      openTo: '24:00',
    });
    // Item standards feed the service-efficiency models (DOMAIN.md "Indicators and models": 服务效能, 涉企服务效能).
    // The PUT left the model fields out (an older client): the standard time and the 涉企 flag stay.
    expect(c.items.find((x) => x.code === 'YB-001')).toMatchObject({
      name: '医保关系转移接续',
      promisedDays: null,
      standardMin: 12.5,
      enterprise: true,
    });
    const cleared = await call('PUT', '/items/YB-001', {
      name: '医保关系转移接续',
      departmentId: 'h-east-yb',
      queueId: 'h-east-qY',
      standardMin: null,
      enterprise: false,
    });
    expect(cleared.body.config.items.find((x) => x.code === 'YB-001')).toMatchObject({
      standardMin: null,
      enterprise: false,
    });
    for (const bad of [0, -3, 2000, '10']) {
      const r = await call('PUT', '/items/YB-001', {
        name: '医保关系转移接续',
        departmentId: 'h-east-yb',
        queueId: 'h-east-qY',
        standardMin: bad,
      });
      expect(r.status, String(bad)).toBe(400);
    }
    expect(
      (
        await call('PUT', '/items/YB-001', {
          name: '医保关系转移接续',
          departmentId: 'h-east-yb',
          queueId: 'h-east-qY',
          standardMin: 12.5,
          enterprise: true,
        })
      ).status,
    ).toBe(200);
    expect(c.windows.find((x) => x.id === 'h-east-w9')).toMatchObject({
      no: '9A',
      name: '医保窗口',
      queues: [{ queueId: 'h-east-qY', weight: 1 }],
    });

    // The queue service sees the new queue at once: a ticket for the new item gets the new prefix.
    const t = await ticketer.request('ticket.request', { itemCode: 'YB-001' });
    expect(t.type, JSON.stringify(t)).toBe('ticket.issued');
    expect(t.data.ticketNo).toBe('YB001');
    await runWindowOp(s.app.queue, HALL, 'h-east-w9', { op: 'open' });
    await runWindowOp(s.app.queue, HALL, 'h-east-w9', { op: 'next' });
    await runWindowOp(s.app.queue, HALL, 'h-east-w9', { op: 'complete', outcome: 'done' });
    await runWindowOp(s.app.queue, HALL, 'h-east-w9', { op: 'close' });

    expect((await call('DELETE', '/windows/h-east-w9')).status).toBe(200);
    expect((await call('DELETE', '/items/YB-001')).status).toBe(200);
    // The queue issued a ticket: history keeps pointing at it, so it stays (409) but serves nobody now.
    const qd = await refused('DELETE', '/queues/h-east-qY', undefined, 409, 'HALL_ERR_CONFLICT');
    expect(qd.error.message).toMatch(/issued tickets/);
    // The department still has that queue.
    await refused('DELETE', '/departments/h-east-yb', undefined, 409, 'HALL_ERR_CONFLICT');
    const after = await get();
    expect(after.windows.map((x) => x.id)).not.toContain('h-east-w9');
    expect(after.items.map((x) => x.code)).not.toContain('YB-001');
    expect(after.hall.configVersion).toBe(v0 + 12);
    expect(await audits()).toBe(a0 + 12);
    const last = (
      await s.app.db.query<{ target: string; detail: { op: string; configVersion: number } }>(
        "SELECT target, detail FROM audit_log WHERE action = 'config.change' ORDER BY id DESC LIMIT 1",
      )
    ).rows[0]!;
    expect(last).toMatchObject({
      target: 'hall:h-east/item:YB-001',
      detail: { op: 'item.delete', configVersion: v0 + 12 },
    });

    // An unused queue and department go for good.
    expect(
      (await call('POST', '/queues', { id: 'h-east-qZ', prefix: 'Z', name: '临时', departmentId: 'h-east-yb' })).status,
    ).toBe(201);
    expect((await call('DELETE', '/queues/h-east-qZ')).status).toBe(200);
    expect((await get()).queues.map((x) => x.id)).not.toContain('h-east-qZ');
  });

  it('patches the hall: name, address and calling policy', async () => {
    const r = await call('PATCH', '', {
      address: '城东区建设路10号',
      policy: { starvationMin: 45, skip: { mode: 'drop' }, transferAs: 'keep' },
    });
    expect(r.status, r.text).toBe(200);
    expect(r.body.config.hall).toMatchObject({
      address: '城东区建设路10号',
      policy: { starvationMin: 45, skip: { mode: 'drop' }, transferAs: 'keep', reactivateWithinMin: 30 },
    });
    const r2 = await call('PATCH', '', { policy: { skip: { mode: 'return', afterN: 2, maxReturns: 1 } } });
    expect(r2.body.config.hall.policy).toMatchObject({
      starvationMin: 45,
      skip: { mode: 'return', afterN: 2, maxReturns: 1 },
    });
    expect((await s.app.queue.view(HALL)).config.policy).toMatchObject({
      starvationMin: 45,
      skip: { mode: 'return', afterN: 2 },
    });
    await refused('PATCH', '', { policy: { starvationMin: -1 } }, 400, 'HALL_ERR_BAD_REQUEST');
    await refused('PATCH', '', {}, 400, 'HALL_ERR_BAD_REQUEST');
  });

  it('refuses bad changes with a code and the problems, and changes nothing', async () => {
    const overlap = await refused(
      'PUT',
      `/windows/${w1}/periods`,
      {
        periods: [
          { from: '08:00', to: '12:00', queues: [{ queueId: qA, weight: 1 }] },
          { from: '11:00', to: '14:00', queues: [{ queueId: qB, weight: 1 }] },
        ],
      },
      409,
      'HALL_ERR_CONFLICT',
    );
    expect(overlap.error.details?.problems?.[0]?.message).toMatch(/overlaps/);
    await refused(
      'PUT',
      `/windows/${w1}/periods`,
      [{ from: '08:00', to: '12:00', queues: [{ queueId: 'h-east-nope', weight: 1 }] }],
      404,
      'HALL_ERR_NOT_FOUND',
    );
    // A queue of another hall is "nothing" here too.
    await refused(
      'PUT',
      `/windows/${w1}/periods`,
      [{ from: '08:00', to: '12:00', queues: [{ queueId: 'h-west-qA', weight: 1 }] }],
      404,
      'HALL_ERR_NOT_FOUND',
    );
    await refused(
      'PUT',
      `/windows/${w1}/periods`,
      [{ from: '12:00', to: '08:00', queues: [{ queueId: qA, weight: 1 }] }],
      400,
      'HALL_ERR_BAD_REQUEST',
    );
    await refused(
      'PUT',
      `/windows/${w1}/periods`,
      [{ from: '8:00', to: '12:00', queues: [{ queueId: qA, weight: 1 }] }],
      400,
      'HALL_ERR_BAD_REQUEST',
    );
    await refused(
      'PUT',
      `/windows/${w1}/periods`,
      [{ from: '08:00', to: '12:00', queues: [{ queueId: qA, weight: 0 }] }],
      400,
      'HALL_ERR_BAD_REQUEST',
    );
    const dup = await refused('POST', '/queues', { prefix: 'B', name: '重复' }, 409, 'HALL_ERR_CONFLICT');
    expect(dup.error.message).toMatch(/prefix B/);
    await refused('PUT', `/queues/${qA}`, { prefix: 'B', name: '综合窗口' }, 409, 'HALL_ERR_CONFLICT');
    await refused(
      'PUT',
      `/queues/${qA}`,
      { prefix: 'A', name: '综合窗口', openFrom: '25:00' },
      400,
      'HALL_ERR_BAD_REQUEST',
    );
    await refused(
      'PUT',
      `/queues/${qA}`,
      { prefix: 'A', name: '综合窗口', openFrom: '18:00', openTo: '08:00' },
      400,
      'HALL_ERR_BAD_REQUEST',
    );
    await refused('POST', '/windows', { no: '2', name: '重号窗口', queues: [] }, 409, 'HALL_ERR_CONFLICT');
    await refused(
      'POST',
      '/items',
      { code: 'GA-001', name: '重复事项', departmentId: 'h-east-ga', queueId: qB },
      409,
      'HALL_ERR_CONFLICT',
    );
    await refused(
      'POST',
      '/items',
      { code: 'NEW-1', name: '新事项', departmentId: 'h-east-ga', queueId: 'h-east-nope' },
      404,
      'HALL_ERR_NOT_FOUND',
    );
    await refused('PUT', '/windows/h-east-nope/periods', [], 404, 'HALL_ERR_NOT_FOUND');
    await refused('DELETE', '/departments/h-east-ga', undefined, 409, 'HALL_ERR_CONFLICT');
    await refused('PUT', '/devices/cfg-tk-1/items', { itemCodes: ['ZH-001', 'NOPE-9'] }, 404, 'HALL_ERR_NOT_FOUND');
  });

  it('a period change takes effect for the next call; a queue with waiting tickets and a window holding one cannot be deleted', async () => {
    await runWindowOp(s.app.queue, HALL, w1, { op: 'open' });
    const a = await ticketer.request('ticket.request', { itemCode: 'ZH-001' });
    const b = await ticketer.request('ticket.request', { itemCode: 'GA-001' });
    expect(a.data.ticketNo).toMatch(/^A/);
    expect(b.data.ticketNo).toMatch(/^B/);
    // w1 serves only queue A all day; now it serves only B: the A ticket waited longer, the B ticket is called.
    const v0 = (await get()).hall.configVersion;
    const r = await call('PUT', `/windows/${w1}/periods`, {
      periods: [{ from: '00:00', to: '24:00', queues: [{ queueId: qB, weight: 1 }] }],
    });
    expect(r.status, r.text).toBe(200);
    expect(r.body.configVersion).toBe(v0 + 1);
    expect(r.body.config.windows.find((w) => w.id === w1)!.periods).toEqual([
      { from: '00:00', to: '24:00', queues: [{ queueId: qB, weight: 1 }] },
    ]);
    const called = await runWindowOp(s.app.queue, HALL, w1, { op: 'next' });
    if (called.duplicate) throw new Error('unexpected duplicate');
    expect(called.reply).toMatchObject({ current: { ticketNo: b.data.ticketNo, status: 'called' } });

    const q = await refused('DELETE', `/queues/${qA}`, undefined, 409, 'HALL_ERR_CONFLICT');
    expect(q.error.message).toMatch(/unfinished tickets/);
    const w = await refused('DELETE', `/windows/${w1}`, undefined, 409, 'HALL_ERR_CONFLICT');
    expect(w.error.message).toContain(String(b.data.ticketNo));

    // An empty list: the window serves its all-day queues again (A), at once.
    await runWindowOp(s.app.queue, HALL, w1, { op: 'complete', outcome: 'done' });
    expect((await call('PUT', `/windows/${w1}/periods`, { periods: [] })).status).toBe(200);
    const next = await runWindowOp(s.app.queue, HALL, w1, { op: 'next' });
    if (next.duplicate) throw new Error('unexpected duplicate');
    expect(next.reply).toMatchObject({ current: { ticketNo: a.data.ticketNo } });
  });

  it("a ticket machine's item set is enforced; a caller binds to a window of its hall", async () => {
    const r = await call('PUT', '/devices/cfg-tk-1/items', { itemCodes: ['ZH-001', 'RS-001'] });
    expect(r.status, r.text).toBe(200);
    expect(r.body.config.devices.find((d) => d.deviceId === 'cfg-tk-1')!.itemCodes).toEqual(['ZH-001', 'RS-001']);
    const out = await ticketer.request('ticket.request', { itemCode: 'GA-001' });
    expect(out).toMatchObject({ type: 'error', data: { code: 'HALL_ERR_UNKNOWN_ITEM' } });
    expect((await ticketer.request('ticket.request', { itemCode: 'RS-001' })).type).toBe('ticket.issued');
    expect((await call('PUT', '/devices/cfg-tk-1/items', { itemCodes: null })).status).toBe(200);
    expect((await ticketer.request('ticket.request', { itemCode: 'GA-001' })).type).toBe('ticket.issued');

    const caller = await provisionDevice(s, HALL, 'caller', 'cfg-caller-1');
    const b = await call('PUT', `/devices/${caller.deviceId}/window`, { windowId: 'h-east-w3' });
    expect(b.status, b.text).toBe(200);
    expect((await s.app.db.query('SELECT window_id FROM devices WHERE id = $1', [caller.deviceId])).rows[0]).toEqual({
      window_id: 'h-east-w3',
    });
    await refused('PUT', `/devices/${caller.deviceId}/window`, { windowId: 'h-west-w1' }, 404, 'HALL_ERR_NOT_FOUND');
    await refused('PUT', `/devices/${caller.deviceId}/items`, { itemCodes: ['ZH-001'] }, 400, 'HALL_ERR_BAD_REQUEST');
    await refused('PUT', '/devices/cfg-tk-1/window', { windowId: 'h-east-w3' }, 400, 'HALL_ERR_BAD_REQUEST');
    // A device of another hall is nothing here.
    await refused('PUT', '/devices/h-west-ticketer-1/items', { itemCodes: null }, 404, 'HALL_ERR_NOT_FOUND');
  });

  it('only config.manage in scope: supervisor and staff 403, a hall-bound sysadmin 404 outside its hall', async () => {
    for (const user of ['sup-east', 'staff-east']) {
      const t = await login(s, user);
      expect((await api(s, 'GET', `/api/halls/${HALL}/config`, undefined, t)).status).toBe(403);
      expect((await api(s, 'PUT', `/api/halls/${HALL}/windows/${w1}/periods`, { periods: [] }, t)).status).toBe(403);
    }
    await addUser(s.app.db, {
      username: 'cfg-east-admin',
      password: 'Config#Admin-2026',
      role: 'sysadmin',
      hallId: HALL,
    });
    const t = await login(s, 'cfg-east-admin', 'Config#Admin-2026');
    expect((await api(s, 'GET', `/api/halls/${HALL}/config`, undefined, t)).status).toBe(200);
    const west = await get('h-west');
    expect((await api(s, 'GET', '/api/halls/h-west/config', undefined, t)).status).toBe(404);
    expect((await api(s, 'POST', '/api/halls/h-west/departments', { name: 'x' }, t)).status).toBe(404);
    expect(await get('h-west')).toEqual(west);
  });
});
