import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
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
import { runWindowOp } from '../../server/commands/window-ops.ts';
import { HallError, topics } from '../../contracts/index.ts';

/**
 * The queue engine's adapter on the real embedded stack: every
 * operation is one transaction with consecutive hall seqs and outbox rows,
 * the wall gets the deltas, the displays get the call text, completion opens
 * a case and prompts the rater, a refusal changes nothing, and a restart
 * (no cache) continues from what PostgreSQL holds.
 */
describe('queue adapter: engine state in PostgreSQL', () => {
  let s: Stack;
  let ticketer: TestDevice;
  let screen: Screen;
  let display: mqtt.MqttClient;
  const shown: { topic: string; data: { text: string; voice?: string } }[] = [];
  const hall = 'h-donghu';
  const w1 = 'h-donghu-w1';

  beforeAll(async () => {
    s = await startStack();
    ticketer = await connectDevice(s.app.mqttUrl, await provisionDevice(s, hall, 'ticketer'));
    const led = await provisionDevice(s, hall, 'display');
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
    screen = await connectScreen(s, await login(s, 'admin'));
    await joinHall(screen, hall);
  });
  afterAll(async () => {
    screen?.close();
    await display?.endAsync();
    await ticketer?.close();
    await s?.stop();
  });

  const outbox = async () =>
    (
      await s.app.db.query<{ seq: number; type: string }>(
        'SELECT seq, type FROM outbox WHERE hall_id = $1 ORDER BY seq',
        [hall],
      )
    ).rows;

  it('opens a window, calls, recalls, serves and completes with one seq per event', async () => {
    const t1 = await ticketer.request('ticket.request', { itemCode: 'ZH-001' });
    const t2 = await ticketer.request('ticket.request', { itemCode: 'ZH-001', class: 'green' });
    expect(t2.data).toMatchObject({ class: 'green' });

    await runWindowOp(s.app.queue, hall, w1, { op: 'open' });
    const called = await runWindowOp(s.app.queue, hall, w1, { op: 'next' });
    if (called.duplicate) throw new Error('unexpected duplicate');
    // Green channel goes first (class priority).
    expect(called.reply).toMatchObject({
      current: { ticketNo: t2.data.ticketNo, status: 'called', class: 'green' },
      window: { status: 'open' },
    });
    await runWindowOp(s.app.queue, hall, w1, { op: 'recall' });
    await runWindowOp(s.app.queue, hall, w1, { op: 'start' });
    const done = await runWindowOp(s.app.queue, hall, w1, { op: 'complete', outcome: 'done' });
    if (done.duplicate) throw new Error('unexpected duplicate');
    expect(done.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['ticket.completed', 'case.opened', 'rating.prompt']),
    );

    const rows = await outbox();
    const seqs = rows.map((r) => r.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const last = rows.at(-1)!.seq;
    const delta = await until(() => screen.deltas.find((d) => d.seq === last));
    expect(delta.event.type).toBe(rows.at(-1)!.type);
    // No gap on the wall: every seq the hall took after joining arrived.
    const got = screen.deltas.map((d) => d.seq).sort((a, b) => a - b);
    for (let i = 1; i < got.length; i++) expect(got[i]).toBe(got[i - 1]! + 1);

    const ticket = (
      await s.app.db.query(
        'SELECT status, outcome, window_id, calls, recalls FROM tickets WHERE ticket_no = $1 AND hall_id = $2',
        [t2.data.ticketNo, hall],
      )
    ).rows[0];
    expect(ticket).toMatchObject({ status: 'done', outcome: 'done', window_id: w1, calls: 1, recalls: 1 });
    const cases = (await s.app.db.query('SELECT window_id, outcome FROM cases WHERE hall_id = $1', [hall])).rows;
    expect(cases).toEqual([{ window_id: w1, outcome: 'done' }]);

    // Each call goes to the LED / voice display (DOMAIN.md "Queue and calling": 请A001号到5号窗口办理).
    const call = await until(() => shown.find((m) => m.topic === topics.display(hall, 'main')));
    expect(call.data.text).toBe(`请${String(t2.data.ticketNo)}号到1号窗口办理`);
    await until(() => (shown.filter((m) => m.topic === topics.display(hall, w1)).length >= 2 ? true : null)); // the recall repeats it
    expect(t1.data.ticketNo).toBe('A001');
  });

  it('the slip (号票, DOMAIN.md "Queue and calling"): hall, department, number, people ahead, wait range, masked ID and name', async () => {
    // Window 1 is open now, so the queue has capacity and the slip can say how long.
    const slip = await ticketer.request('ticket.request', {
      itemCode: 'ZH-001',
      identity: { method: 'id-card', idNumber: '11010519491231002X', name: '李四' },
    });
    expect(slip.type).toBe('ticket.issued');
    expect(slip.data).toMatchObject({
      hallName: '东湖镇便民服务中心',
      department: expect.any(String),
      ticketNo: expect.stringMatching(/^A\d{3}$/),
      waitingAhead: 1,
      idNumberMasked: '1101**********002X',
      nameMasked: '李*',
      class: 'walk-in',
    });
    const range = slip.data.estimatedWait as { lowMin: number; highMin: number };
    expect(range.lowMin).toBeLessThanOrEqual(range.highMin);
    expect(slip.data.ticketPage).toBe(`/t/${String(slip.data.ticketId)}`);
    expect(JSON.stringify(slip.data)).not.toContain('11010519491231002X');
  });

  it('refuses calling at a paused window with a code and changes nothing', async () => {
    await runWindowOp(s.app.queue, hall, w1, { op: 'pause' });
    const before = await outbox();
    const version = (await s.app.db.query('SELECT version FROM hall_queue_state WHERE hall_id = $1', [hall])).rows[0];
    const err = await runWindowOp(s.app.queue, hall, w1, { op: 'next' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HallError);
    expect((err as HallError).code).toBe('HALL_ERR_CONFLICT');
    expect(await outbox()).toEqual(before);
    expect((await s.app.db.query('SELECT version FROM hall_queue_state WHERE hall_id = $1', [hall])).rows[0]).toEqual(
      version,
    );
    const unknown = await runWindowOp(s.app.queue, hall, 'no-such-window', { op: 'next' }).catch((e: unknown) => e);
    expect((unknown as HallError).code).toBe('HALL_ERR_NOT_FOUND');
    const badQueue = await runWindowOp(s.app.queue, hall, w1, { op: 'transfer', toQueueId: 'h-city-qA' }).catch(
      (e: unknown) => e,
    );
    expect(badQueue).toBeInstanceOf(HallError);
    expect(await outbox()).toEqual(before);
  });

  it('after a restart continues from PostgreSQL: the waiting ticket is called next', async () => {
    await s.restart();
    await runWindowOp(s.app.queue, hall, w1, { op: 'resume' });
    const r = await runWindowOp(s.app.queue, hall, w1, { op: 'next' });
    if (r.duplicate) throw new Error('unexpected duplicate');
    expect(r.reply).toMatchObject({ current: { ticketNo: 'A001', status: 'called' } });
    // The live line holds what rules can still touch; the finished ticket stays in PostgreSQL.
    const v = await s.app.queue.view(hall);
    expect(Object.values(v.state.tickets).map((t) => t.status)).toEqual(['called', 'waiting']); // A001 called; the slip test's ticket waits
    const done = await s.app.db.query("SELECT count(*)::int AS n FROM tickets WHERE hall_id = $1 AND status = 'done'", [
      hall,
    ]);
    expect(done.rows[0]).toEqual({ n: 1 });
  });
});
