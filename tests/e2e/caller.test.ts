import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import {
  api,
  connectDevice,
  login,
  provisionDevice,
  startStack,
  until,
  type Stack,
  type TestDevice,
} from '../helpers/stack.ts';
import { addUser } from '../../server/store/users-repo.ts';
import { revokeUserSessions } from '../../server/store/sessions-repo.ts';
import { DEMO_PIN } from '../../server/store/seed-demo.ts';
import { callResultSchema, downMessages, simFileSchema, topics, type CallResult } from '../../contracts/index.ts';

/**
 * The window caller (呼叫器) over MQTT on the real stack (docs/mqtt.md
 * "Window caller"): each operation over MQTT, and bad input: a coded error and
 * no change. The seeded caller of 城东区 window 1 (bound to it) signs in by
 * PIN; a second caller, provisioned unbound, signs in with the console's
 * QR token at window 2.
 */
const hall = 'h-east';
const w1 = 'h-east-w1';
const w2 = 'h-east-w2';

describe('window caller (呼叫器) over MQTT', () => {
  let s: Stack;
  let ticketer: TestDevice;
  let caller1: TestDevice;
  let caller2: TestDevice;
  let rater: TestDevice;
  let display: mqtt.MqttClient;
  const shown: { topic: string; data: { text: string; voice?: string } }[] = [];

  beforeAll(async () => {
    s = await startStack();
    // The seed wrote the simulator's file: the callers of every window with their sign-in.
    const sim = simFileSchema.parse(JSON.parse(await readFile(path.join(s.dataDir, 'sim-devices.json'), 'utf8')));
    const cred = sim.devices.find((d) => d.deviceId === 'h-east-caller-w1')!;
    expect(sim.callers.find((c) => c.deviceId === cred.deviceId)).toMatchObject({ windowId: w1, pin: DEMO_PIN });
    caller1 = await connectDevice(s.app.mqttUrl, cred);
    caller2 = await connectDevice(s.app.mqttUrl, await provisionDevice(s, hall, 'caller', 'e2e-caller-2'));
    ticketer = await connectDevice(s.app.mqttUrl, await provisionDevice(s, hall, 'ticketer', 'e2e-caller-tk'));
    rater = await connectDevice(s.app.mqttUrl, await provisionDevice(s, hall, 'rater', 'e2e-caller-rater'));
    await s.app.db.query('UPDATE windows SET rater_device_id = $2 WHERE id = $1', [w1, 'e2e-caller-rater']);
    // A configuration change moves the hall's config version (processes reload it).
    await s.app.db.query('UPDATE halls SET config_version = config_version + 1 WHERE id = $1', [hall]);
    const led = await provisionDevice(s, hall, 'display', 'e2e-caller-led');
    display = await mqtt.connectAsync(s.app.mqttUrl, {
      clientId: led.deviceId,
      username: led.username,
      password: led.password,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    display.on('message', (topic, p) =>
      shown.push({ topic, data: (JSON.parse(p.toString()) as { data: { text: string } }).data }),
    );
    await display.subscribeAsync(`halls/${hall}/display/+`, { qos: 1 });
  });
  afterAll(async () => {
    for (const d of [ticketer, caller1, caller2, rater]) await d?.close();
    await display?.endAsync();
    await s?.stop();
  });

  const hallSeq = async () =>
    (await s.app.db.query<{ seq: number }>('SELECT seq FROM halls WHERE id = $1', [hall])).rows[0]!.seq;
  const outboxCount = async () =>
    (await s.app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE hall_id = $1', [hall])).rows[0]!
      .n;
  const ticketRows = async () =>
    (
      await s.app.db.query(
        'SELECT ticket_no, status, window_id, calls, recalls, target_window_id, queue_id FROM tickets WHERE hall_id = $1 ORDER BY ticket_no',
        [hall],
      )
    ).rows;
  const snapshot = async () => ({ seq: await hallSeq(), outbox: await outboxCount(), tickets: await ticketRows() });

  /** An op that must succeed; returns the call.result. */
  async function op(dev: TestDevice, type: string, data: Record<string, unknown>): Promise<CallResult> {
    const r = await dev.request(type, data);
    if (r.type !== 'call.result') throw new Error(`${type} → ${r.type} ${JSON.stringify(r.data)}`);
    return callResultSchema.parse(r.data);
  }
  /** A message that must be refused with `code` and change nothing. */
  async function refused(dev: TestDevice, type: string, data: unknown, code: string): Promise<void> {
    const before = await snapshot();
    const r = await dev.request(type, data);
    expect(r.type, JSON.stringify(r.data)).toBe('error');
    expect(downMessages.error.parse(r.data).code).toBe(code);
    expect(await snapshot()).toEqual(before);
  }
  const take = async (itemCode: string) =>
    String((await ticketer.request('ticket.request', { itemCode })).data.ticketNo);

  it('refuses every call before a sign-in, and a wrong PIN', async () => {
    await take('ZH-001');
    await refused(caller1, 'call.next', { windowId: w1 }, 'HALL_ERR_UNAUTHENTICATED');
    await refused(caller1, 'call.open', { windowId: w1 }, 'HALL_ERR_UNAUTHENTICATED');
    await refused(
      caller1,
      'caller.signin',
      { windowId: w1, account: 'staff-east', pin: '000001' },
      'HALL_ERR_BAD_CREDENTIALS',
    );
    // staff-city is window staff, but of another hall.
    await refused(
      caller1,
      'caller.signin',
      { windowId: w1, account: 'staff-city', pin: DEMO_PIN },
      'HALL_ERR_FORBIDDEN',
    );
  });

  it('signs in by account + PIN at the window it is bound to', async () => {
    await refused(
      caller1,
      'caller.signin',
      { windowId: w2, account: 'staff-east', pin: DEMO_PIN },
      'HALL_ERR_FORBIDDEN',
    );
    const r = await caller1.request('caller.signin', { windowId: w1, account: 'staff-east', pin: DEMO_PIN });
    expect(r.type).toBe('caller.signedin');
    expect(downMessages['caller.signedin'].parse(r.data)).toMatchObject({
      windowId: w1,
      windowNo: '1',
      username: 'staff-east',
    });
    expect(JSON.stringify(r.data)).not.toContain(DEMO_PIN);
    const staff = await s.app.db.query(
      'SELECT s.via, s.device_id, u.username FROM window_staff s JOIN users u ON u.id = s.user_id WHERE s.window_id = $1',
      [w1],
    );
    expect(staff.rows).toEqual([{ via: 'caller', device_id: 'h-east-caller-w1', username: 'staff-east' }]);
  });

  it('signs in with the single-use token the console shows as a QR code', async () => {
    await addUser(s.app.db, { username: 'e2e-clerk', password: 'Clerk#Harbour-2026', role: 'staff', hallId: hall });
    const web = await login(s, 'e2e-clerk', 'Clerk#Harbour-2026');
    const t = await api<{ token: string }>(s, 'POST', '/api/auth/caller-token', {}, web);
    expect(t.status).toBe(201);
    const r = await caller2.request('caller.signin', { windowId: w2, token: t.body.token });
    expect(r).toMatchObject({ type: 'caller.signedin', data: { windowId: w2, windowNo: '2', username: 'e2e-clerk' } });
    // Single use: a second caller cannot reuse it.
    await refused(caller2, 'caller.signin', { windowId: w2, token: t.body.token }, 'HALL_ERR_BAD_CREDENTIALS');
  });

  it('opens, calls next with the LED text, and a QoS 1 redelivery of the same id calls nobody twice', async () => {
    const opened = await op(caller1, 'call.open', { windowId: w1 });
    expect(opened.window).toMatchObject({ id: w1, no: '1', status: 'open' });
    await take('ZH-001');
    await take('ZH-001');
    const id = randomUUID();
    const first = await caller1.request('call.next', { windowId: w1 }, id);
    expect(first.type).toBe('call.result');
    const called = callResultSchema.parse(first.data);
    expect(called.current).toMatchObject({ ticketNo: 'A001', status: 'called' });
    const before = await snapshot();
    // The same message again (a device retry / QoS 1 redelivery): the stored reply, nothing new.
    await caller1.client.publishAsync(
      topics.up(caller1.creds, 'call.next'),
      JSON.stringify({ v: 1, id, ts: Date.now(), type: 'call.next', data: { windowId: w1 } }),
      { qos: 1 },
    );
    await until(() => caller1.inbox.filter((m) => m.msg.re === id).length >= 2);
    const replies = caller1.inbox.filter((m) => m.msg.re === id);
    expect(replies[1]!.msg).toMatchObject({ type: 'call.result', data: first.data });
    expect(await snapshot()).toEqual(before);
    expect((await ticketRows()).filter((t) => t.status === 'called')).toHaveLength(1);

    const text = '请A001号到1号窗口办理';
    const shownMain = await until(() =>
      shown.find((m) => m.topic === topics.display(hall, 'main') && m.data.text === text),
    );
    expect(shownMain.data.voice).toBe(text);
    await until(() => shown.find((m) => m.topic === topics.display(hall, w1) && m.data.text === text));
  });

  it('recall repeats the call on the displays; skip, reactivate, pick out of order with a reason', async () => {
    const text = '请A001号到1号窗口办理';
    const count = () => shown.filter((m) => m.topic === topics.display(hall, 'main') && m.data.text === text).length;
    const n = count();
    const recalled = await op(caller1, 'call.recall', { windowId: w1 });
    expect(recalled.events).toEqual(['ticket.recalled']);
    await until(() => count() > n);
    expect((await ticketRows()).find((t) => t.ticket_no === 'A001')).toMatchObject({ recalls: 1 });

    const skipped = await op(caller1, 'call.skip', { windowId: w1, ticketNo: 'A001' });
    expect(skipped.events).toContain('ticket.skipped');
    expect(skipped.current).toBeNull();
    const back = await op(caller1, 'call.reactivate', { windowId: w1, ticketNo: 'A001' });
    expect(back.events).toEqual(['ticket.reactivated']);
    expect((await ticketRows()).find((t) => t.ticket_no === 'A001')).toMatchObject({ status: 'waiting' });

    // A003 is not next: out of order needs the reason, which the event keeps.
    const picked = await op(caller1, 'call.pick', { windowId: w1, ticketNo: 'A003', reason: '老人优先' });
    expect(picked.current).toMatchObject({ ticketNo: 'A003', status: 'called' });
    const ev = await s.app.db.query(
      "SELECT payload FROM outbox WHERE hall_id = $1 AND type = 'ticket.called' ORDER BY seq DESC LIMIT 1",
      [hall],
    );
    expect(JSON.stringify(ev.rows[0].payload)).toContain('A003');
    expect(ev.rows[0].payload.data ?? ev.rows[0].payload).toMatchObject({
      ticketNo: 'A003',
      outOfOrder: true,
      reason: '老人优先',
    });
  });

  it('bad input: each with its code, and nothing changes', async () => {
    await refused(caller1, 'call.next', { windowId: 'h-east-w99' }, 'HALL_ERR_NOT_FOUND');
    await refused(caller1, 'call.next', { windowId: 'h-city-w1' }, 'HALL_ERR_FORBIDDEN');
    await refused(caller1, 'call.next', { windowId: w2 }, 'HALL_ERR_FORBIDDEN'); // bound to w1
    await refused(caller2, 'call.next', { windowId: 'h-east-w3' }, 'HALL_ERR_UNAUTHENTICATED'); // signed in at w2, not w3
    await refused(caller1, 'call.transfer', { windowId: w1, toQueueId: 'h-city-qA' }, 'HALL_ERR_NOT_FOUND');
    await refused(caller1, 'call.pick', { windowId: w1, ticketNo: 'Z999', reason: 'x' }, 'HALL_ERR_NOT_FOUND');
    await refused(caller1, 'call.next', { windowId: w1 }, 'HALL_ERR_CONFLICT'); // still holds A003
    await refused(caller1, 'call.transfer', { windowId: w1 }, 'HALL_ERR_BAD_DATA');
    await refused(caller1, 'call.next', { windowId: w1, extra: 1 }, 'HALL_ERR_BAD_DATA');
    await refused(caller1, 'call.complete', { windowId: w1, outcome: 'lost' }, 'HALL_ERR_BAD_DATA');
    await refused(caller1, 'call.pick', { windowId: w1, ticketNo: 'A002' }, 'HALL_ERR_CONFLICT'); // the window still holds A003
    // A refusal is a dead letter too.
    const dl = await s.app.db.query("SELECT count(*)::int AS n FROM dead_letters WHERE device_id = 'h-east-caller-w1'");
    expect(dl.rows[0].n).toBeGreaterThanOrEqual(10);
  });

  it('start, transfer to a queue, transfer to a window (the other caller serves it), complete prompts the rater', async () => {
    const started = await op(caller1, 'call.start', { windowId: w1, ticketNo: 'A003' });
    expect(started.current).toMatchObject({ ticketNo: 'A003', status: 'serving' });
    const toQueue = await op(caller1, 'call.transfer', { windowId: w1, toQueueId: 'h-east-qB' });
    expect(toQueue.events).toContain('ticket.transferred');
    expect(toQueue.current).toBeNull();
    expect((await ticketRows()).find((t) => t.ticket_no === 'A003')).toMatchObject({
      status: 'waiting',
      queue_id: 'h-east-qB',
    });

    const next = await op(caller1, 'call.next', { windowId: w1 });
    const no = next.current!.ticketNo;
    // A closed window takes no transfers.
    await refused(caller1, 'call.transfer', { windowId: w1, toWindowId: w2 }, 'HALL_ERR_CONFLICT');
    await op(caller2, 'call.open', { windowId: w2 });
    const toWindow = await op(caller1, 'call.transfer', { windowId: w1, toWindowId: w2 });
    expect(toWindow.current).toBeNull();
    expect((await ticketRows()).find((t) => t.ticket_no === no)).toMatchObject({
      status: 'waiting',
      target_window_id: w2,
    });
    // A003 (transferred to queue B, which window 2 serves) may come first by class: window 2 picks the one sent to it.
    const at2 = await op(caller2, 'call.pick', { windowId: w2, ticketNo: no, reason: '转入本窗口' });
    expect(at2.current).toMatchObject({ ticketNo: no, status: 'called' });
    await until(() => shown.find((m) => m.data.text === `请${no}号到2号窗口办理`));

    const again = await op(caller1, 'call.next', { windowId: w1 });
    await op(caller1, 'call.start', { windowId: w1 });
    const done = await op(caller1, 'call.complete', { windowId: w1, outcome: 'done' });
    expect(done.events).toEqual(expect.arrayContaining(['ticket.completed', 'case.opened', 'rating.prompt']));
    expect(done.window.served).toBe(1);
    const prompt = await rater.waitFor((m) => m.topic.endsWith('/down/rating.prompt'));
    expect(downMessages['rating.prompt'].parse(prompt.msg.data)).toMatchObject({
      ticketNo: again.current!.ticketNo,
      windowId: w1,
      windowNo: '1',
    });
    // The staff member signed in on the caller is stamped on the ticket and the case.
    const staff = await s.app.db.query(
      'SELECT u.username FROM tickets t JOIN users u ON u.id = t.staff_user_id WHERE t.hall_id = $1 AND t.ticket_no = $2',
      [hall, again.current!.ticketNo],
    );
    expect(staff.rows).toEqual([{ username: 'staff-east' }]);
  });

  it('pause refuses calling (no change), resume and close', async () => {
    await take('ZH-001');
    expect((await op(caller1, 'call.pause', { windowId: w1 })).window.status).toBe('paused');
    await refused(caller1, 'call.next', { windowId: w1 }, 'HALL_ERR_CONFLICT');
    await refused(caller1, 'call.pause', { windowId: w1 }, 'HALL_ERR_CONFLICT');
    expect((await op(caller1, 'call.resume', { windowId: w1 })).window.status).toBe('open');
    expect((await op(caller1, 'call.close', { windowId: w1 })).window.status).toBe('closed');
    await refused(caller1, 'call.next', { windowId: w1 }, 'HALL_ERR_CONFLICT');
    expect((await op(caller1, 'call.open', { windowId: w1 })).window.status).toBe('open');
  });

  it('a revoked or timed-out caller session refuses, and sign-out ends the sign-in', async () => {
    const clerk = (await s.app.db.query<{ id: number }>("SELECT id FROM users WHERE username = 'e2e-clerk'")).rows[0]!
      .id;
    await revokeUserSessions(s.app.db, clerk, new Date());
    await refused(caller2, 'call.complete', { windowId: w2 }, 'HALL_ERR_UNAUTHENTICATED');

    await s.app.db.query(
      "UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE token_hash = (SELECT session_hash FROM caller_sessions WHERE device_id = 'h-east-caller-w1')",
    );
    await refused(caller1, 'call.next', { windowId: w1 }, 'HALL_ERR_SESSION_EXPIRED');
    const r = await caller1.request('caller.signin', { windowId: w1, account: 'staff-east', pin: DEMO_PIN });
    expect(r.type).toBe('caller.signedin');
    expect((await op(caller1, 'call.next', { windowId: w1 })).current).not.toBeNull();

    const out = await caller1.request('caller.signout', { windowId: w1 });
    expect(out).toMatchObject({ type: 'caller.signedout', data: { windowId: w1 } });
    expect((await s.app.db.query('SELECT 1 FROM window_staff WHERE window_id = $1', [w1])).rowCount).toBe(0);
    await refused(caller1, 'call.complete', { windowId: w1 }, 'HALL_ERR_UNAUTHENTICATED');
    const audit = await s.app.db.query(
      "SELECT result, detail FROM audit_log WHERE action = 'auth.logout' AND detail->>'via' = 'caller'",
    );
    expect(audit.rows).toMatchObject([{ result: 'ok', detail: { deviceId: 'h-east-caller-w1', windowId: w1 } }]);
  });
});
