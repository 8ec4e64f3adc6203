import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import {
  startStack,
  provisionDevice,
  connectDevice,
  connectScreen,
  joinHall,
  login,
  until,
  api,
  type Stack,
  type TestDevice,
  type Screen,
} from '../helpers/stack.ts';
import type { HallSnapshot } from '../../contracts/index.ts';

/** 001 §1.1.1.15: ticket.request over MQTT → ticket in PostgreSQL → reply → delta on the hall's screen. */
describe('first real path: a ticket machine asks, the hall screen shows it', () => {
  let s: Stack, dev: TestDevice, screen: Screen, snap: HallSnapshot;

  beforeAll(async () => {
    s = await startStack();
    dev = await connectDevice(s.app.mqttUrl, await provisionDevice(s, 'h-east', 'ticketer', 'tk-east-1'));
    screen = await connectScreen(s, await login(s, 'sup-east'));
    snap = await joinHall(screen, 'h-east');
  });
  afterAll(async () => {
    screen?.close();
    await dev?.close();
    await s?.stop();
  });

  it('issues A001 with waiting-ahead, and the screen gets the delta with the next seq', async () => {
    const seq0 = snap.seq;
    const general = snap.queues.find((q) => q.prefix === 'A')!;
    const reply = await dev.request('ticket.request', { itemCode: 'ZH-001' });
    expect(reply.type).toBe('ticket.issued');
    expect(reply.data).toMatchObject({
      ticketNo: 'A001',
      waitingAhead: 0,
      hallName: '城东区政务服务中心',
      queue: { prefix: 'A' },
    });
    // Every window starts the day closed: with no open window serving the queue nobody can say how long.
    expect(reply.data.estimatedWaitMin).toBeUndefined();
    expect(reply.data).toMatchObject({ class: 'walk-in', ticketPage: `/t/${String(reply.data.ticketId)}` });

    const delta = await until(() =>
      screen.deltas.find(
        (d) => d.event.type === 'ticket.issued' && (d.event.data as { ticketNo: string }).ticketNo === 'A001',
      ),
    );
    // Presence (the device came online) may have taken seq numbers first; the ticket is the reply's seq.
    expect(delta.seq).toBe(reply.data.seq);
    expect(delta.seq).toBeGreaterThan(seq0);
    expect(delta.event).toMatchObject({
      hallId: 'h-east',
      type: 'ticket.issued',
      data: { queueId: general.id, waiting: general.waiting + 1, issuedToday: 1 },
    });
    // Every seq after the snapshot reached the screen, in order, with no gap.
    const seqs = screen.deltas.map((d) => d.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seq0 + 1 + i));
  });

  it('numbers the next ticket of the queue and counts who is ahead', async () => {
    const r2 = await dev.request('ticket.request', { itemCode: 'ZH-002' });
    expect(r2.data).toMatchObject({ ticketNo: 'A002', waitingAhead: 1 });
    const other = await dev.request('ticket.request', { itemCode: 'GA-001' });
    expect(other.data).toMatchObject({ ticketNo: 'B001', waitingAhead: 0, department: '公安局户政' });
  });

  it('a QoS 1 redelivery with the same id creates one ticket and repeats the first reply', async () => {
    const id = randomUUID();
    const before = await s.app.db.query("SELECT count(*)::int AS n FROM tickets WHERE hall_id = 'h-east'");
    const first = await dev.request('ticket.request', { itemCode: 'ZH-003' }, id);
    const again = await dev.request('ticket.request', { itemCode: 'ZH-003' }, id);
    // And a true MQTT redelivery: same packet with the DUP flag.
    await dev.client.publishAsync(
      `halls/h-east/ticketer/tk-east-1/up/ticket.request`,
      JSON.stringify({ v: 1, id, ts: Date.now(), type: 'ticket.request', data: { itemCode: 'ZH-003' } }),
      { qos: 1, dup: true },
    );
    await until(() => dev.inbox.filter((m) => m.msg.re === id).length >= 3);
    expect(again.data).toEqual(first.data);
    const after = await s.app.db.query("SELECT count(*)::int AS n FROM tickets WHERE hall_id = 'h-east'");
    expect(after.rows[0].n).toBe(before.rows[0].n + 1);
    const deltas = screen.deltas.filter(
      (d) => (d.event.data as { ticketNo?: string }).ticketNo === first.data.ticketNo,
    );
    expect(deltas).toHaveLength(1);
  });

  it('the REST snapshot agrees with the screen', async () => {
    const token = await login(s, 'sup-east');
    const r = await api<HallSnapshot>(s, 'GET', '/api/halls/h-east/snapshot', undefined, token);
    expect(r.status).toBe(200);
    expect(r.body.seq).toBe(screen.deltas.at(-1)!.seq);
    expect(r.body.queues.find((q) => q.prefix === 'A')).toMatchObject({
      waiting: 3,
      issuedToday: 3,
      lastTicketNo: 'A003',
    });
    expect(r.body.recentTickets[0]!.ticketNo).toBe('A003');
  });

  it('stores the ID number encrypted and only masked reaches the slip, the screen and the logs', async () => {
    const id = '11010519491231002X';
    const reply = await dev.request('ticket.request', {
      itemCode: 'ZH-001',
      identity: { method: 'id-card', idNumber: id, name: '张三', phone: '13812345678' },
    });
    expect(reply.data).toMatchObject({ idNumberMasked: '1101**********002X', nameMasked: '张*' });
    const row = await s.app.db.query(
      'SELECT id_number_enc, name_enc, phone_enc, applicant_key FROM tickets WHERE id = $1',
      [reply.data.ticketId],
    );
    const stored = JSON.stringify(row.rows[0]);
    expect(stored).not.toContain(id);
    expect(stored).not.toContain('张三');
    expect(stored).not.toContain('13812345678');
    expect(row.rows[0].applicant_key).toBeTruthy();
    const token = await login(s, 'sup-east');
    const snapText = (await api(s, 'GET', '/api/halls/h-east/snapshot', undefined, token)).text;
    const everything = s.logs.join('') + snapText + JSON.stringify(screen.deltas) + JSON.stringify(dev.inbox);
    expect(everything).not.toContain(id);
    expect(everything).not.toContain('13812345678');
  });
});
