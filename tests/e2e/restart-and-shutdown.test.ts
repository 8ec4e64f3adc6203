import { describe, it, expect, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startStack, provisionDevice, connectDevice, login, api, until, type Stack } from '../helpers/stack.ts';
import { topics, type HallSnapshot } from '../../contracts/index.ts';

/** Restart keeps all data; graceful shutdown loses nothing already acknowledged. */
describe('restart and graceful shutdown', () => {
  let s: Stack;
  afterAll(async () => {
    await s?.stop();
  });

  it('keeps tickets, seq, devices and users across a restart', async () => {
    s = await startStack();
    const creds = await provisionDevice(s, 'h-donghu', 'ticketer', 'tk-dh-1');
    const dev = await connectDevice(s.app.mqttUrl, creds);
    for (let i = 0; i < 3; i++) await dev.request('ticket.request', { itemCode: 'ZH-001' });
    await dev.close();
    const token = await login(s, 'admin');
    const before = (await api<HallSnapshot>(s, 'GET', '/api/halls/h-donghu/snapshot', undefined, token)).body;

    await s.restart();

    const after = (
      await api<HallSnapshot>(s, 'GET', '/api/halls/h-donghu/snapshot', undefined, await login(s, 'admin'))
    ).body;
    expect(after.seq).toBeGreaterThanOrEqual(before.seq);
    expect(after.queues).toEqual(before.queues);
    expect(after.recentTickets).toEqual(before.recentTickets);
    // The old device secret still works and numbering continues.
    const again = await connectDevice(s.app.mqttUrl, creds);
    expect((await again.request('ticket.request', { itemCode: 'ZH-002' })).data.ticketNo).toBe('A004');
    await again.close();
  });

  it('a shutdown under load loses no committed ticket and a retry with the same ids creates no duplicate', async () => {
    const creds = await provisionDevice(s, 'h-donghu', 'ticketer', 'tk-dh-2');
    const dev = await connectDevice(s.app.mqttUrl, creds);
    const ids = Array.from({ length: 60 }, () => randomUUID());
    const replies = new Map<string, unknown>();
    dev.client.on('message', (_t, p) => {
      const m = JSON.parse(p.toString());
      if (m.re) replies.set(m.re, m.data);
    });
    for (const id of ids)
      dev.client.publish(
        topics.up(creds, 'ticket.request'),
        JSON.stringify({ v: 1, id, ts: Date.now(), type: 'ticket.request', data: { itemCode: 'ZH-003' } }),
        { qos: 1 },
      );
    await until(() => replies.size >= 10);
    await s.app.close(); // graceful: drain what the ingest took in, then close
    await dev.client.endAsync(true);
    const answered = new Map(replies);

    await s.reopen();
    const committed = await s.app.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM tickets WHERE device_id = 'tk-dh-2'",
    );
    // Every reply the device got is a committed ticket.
    expect(committed.rows[0]!.n).toBeGreaterThanOrEqual(answered.size);

    // The device retries everything unanswered with the same ids (docs/mqtt.md): exactly 60 tickets in the end.
    const again = await connectDevice(s.app.mqttUrl, creds);
    for (const id of ids) {
      const r = await again.request('ticket.request', { itemCode: 'ZH-003' }, id);
      if (answered.has(id)) expect(r.data).toEqual(answered.get(id));
    }
    const total = await s.app.db.query<{ n: number; distinct_no: number }>(
      "SELECT count(*)::int AS n, count(DISTINCT ticket_no)::int AS distinct_no FROM tickets WHERE device_id = 'tk-dh-2'",
    );
    expect(total.rows[0]).toEqual({ n: 60, distinct_no: 60 });
    await again.close();
  });
});
