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
} from '../helpers/stack.ts';
import { topics } from '../../contracts/index.ts';

/**
 * DESIGN.md principle 7: malformed, oversized, unknown-type and
 * unauthorised messages get a coded error on down/error, land in the
 * dead-letter table, are counted, and change nothing.
 */
describe('bad device input is refused, kept, counted and changes nothing', () => {
  let s: Stack, dev: TestDevice;
  const state = async () => {
    const r = await s.app.db.query<{ tickets: number; seq: number }>(
      "SELECT (SELECT count(*)::int FROM tickets) AS tickets, (SELECT seq FROM halls WHERE id = 'h-west') AS seq",
    );
    return r.rows[0]!;
  };
  const deadLetters = async (code: string) =>
    (await s.app.db.query('SELECT * FROM dead_letters WHERE code = $1', [code])).rows;
  const refusedMetric = async (code: string) => {
    const text = await s.app.metrics.registry.metrics();
    const line = text.split('\n').find((l) => l.startsWith('hall_refused_total') && l.includes(`code="${code}"`));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };
  async function expectRefused(code: string, send: () => Promise<void>, re?: string) {
    const before = await state();
    const metric0 = await refusedMetric(code);
    const dl0 = (await deadLetters(code)).length;
    const n0 = dev.inbox.length;
    await send();
    const err = await dev.waitFor(
      (m, i = dev.inbox.indexOf(m)) =>
        i >= n0 && m.msg.type === 'error' && (m.msg.data as { code: string }).code === code,
    );
    expect(err.topic).toBe(topics.down(dev.creds, 'error'));
    if (re) expect(err.msg.re).toBe(re);
    await until(async () => (await deadLetters(code)).length === dl0 + 1);
    expect(await refusedMetric(code)).toBe(metric0 + 1);
    expect(await state()).toEqual(before);
  }
  const raw = (type: string, payload: string | Buffer) =>
    dev.client.publishAsync(topics.up(dev.creds, type), payload, { qos: 1 }).then(() => undefined);

  beforeAll(async () => {
    s = await startStack();
    dev = await connectDevice(s.app.mqttUrl, await provisionDevice(s, 'h-west', 'ticketer', 'tk-west-1'));
  });
  afterAll(async () => {
    await dev?.close();
    await s?.stop();
  });

  it('malformed JSON → HALL_ERR_BAD_JSON', () =>
    expectRefused('HALL_ERR_BAD_JSON', () => raw('ticket.request', '{"v":1,"id":')));

  it('not an envelope → HALL_ERR_BAD_ENVELOPE', () =>
    expectRefused('HALL_ERR_BAD_ENVELOPE', () => raw('ticket.request', JSON.stringify({ hello: 'world' }))));

  it('a type the device kind does not have → HALL_ERR_UNKNOWN_TYPE', async () => {
    const id = randomUUID();
    await expectRefused(
      'HALL_ERR_UNKNOWN_TYPE',
      () => raw('rating.submit', JSON.stringify({ v: 1, id, ts: Date.now(), type: 'rating.submit', data: {} })),
      id,
    );
  });

  it('envelope type differing from the topic → HALL_ERR_TYPE_MISMATCH', async () => {
    const id = randomUUID();
    await expectRefused(
      'HALL_ERR_TYPE_MISMATCH',
      () =>
        raw(
          'ticket.request',
          JSON.stringify({ v: 1, id, ts: Date.now(), type: 'device.status', data: { paper: 'ok' } }),
        ),
      id,
    );
  });

  it('data not matching the schema → HALL_ERR_BAD_DATA', async () => {
    const id = randomUUID();
    await expectRefused(
      'HALL_ERR_BAD_DATA',
      () =>
        raw(
          'ticket.request',
          JSON.stringify({ v: 1, id, ts: Date.now(), type: 'ticket.request', data: { itemCode: 42 } }),
        ),
      id,
    );
  });

  it('an item the hall does not offer → HALL_ERR_UNKNOWN_ITEM, and the queue number is not used up', async () => {
    const id = randomUUID();
    await expectRefused(
      'HALL_ERR_UNKNOWN_ITEM',
      () =>
        raw(
          'ticket.request',
          JSON.stringify({ v: 1, id, ts: Date.now(), type: 'ticket.request', data: { itemCode: 'NOPE-1' } }),
        ),
      id,
    );
    expect((await dev.request('ticket.request', { itemCode: 'ZH-001' })).data.ticketNo).toBe('A001');
  });

  it('a too-large payload → HALL_ERR_PAYLOAD_TOO_LARGE', async () => {
    const big = JSON.stringify({
      v: 1,
      id: randomUUID(),
      ts: Date.now(),
      type: 'ticket.request',
      data: { itemCode: 'ZH-001', pad: 'x'.repeat(20_000) },
    });
    await expectRefused('HALL_ERR_PAYLOAD_TOO_LARGE', () => raw('ticket.request', big));
  });

  it('a packet over the broker limit is cut at the transport; the broker keeps serving', async () => {
    const victim = await connectDevice(s.app.mqttUrl, await provisionDevice(s, 'h-west', 'ticketer', 'tk-west-big'));
    const closed = new Promise<void>((r) => victim.client.once('close', () => r()));
    victim.client.publish(topics.up(victim.creds, 'ticket.request'), Buffer.alloc(200 * 1024, 0x20), { qos: 0 });
    await closed;
    await until(
      async () =>
        (
          await s.app.db.query(
            "SELECT 1 FROM dead_letters WHERE source = 'broker' AND code = 'HALL_ERR_PAYLOAD_TOO_LARGE'",
          )
        ).rowCount,
    );
    await victim.client.endAsync(true);
    expect((await dev.request('ticket.request', { itemCode: 'ZH-001' })).type).toBe('ticket.issued');
  });

  it("a publish under another device's prefix is refused, kept, and creates nothing", async () => {
    const before = await state();
    const intruder = await connectDevice(s.app.mqttUrl, await provisionDevice(s, 'h-west', 'ticketer', 'tk-west-2'));
    const closed = new Promise<void>((r) => intruder.client.once('close', () => r()));
    // Aedes tells the intruder on its own down/error, then closes (MQTT 3.1.1 §3.3.5, [MQTT-3.3.5-2]).
    intruder.client.publish(
      topics.up(dev.creds, 'ticket.request'),
      JSON.stringify({ v: 1, id: randomUUID(), ts: Date.now(), type: 'ticket.request', data: { itemCode: 'ZH-001' } }),
      { qos: 1 },
    );
    await closed;
    const dl = await until(
      async () => (await s.app.db.query("SELECT * FROM dead_letters WHERE code = 'HALL_ERR_TOPIC_FORBIDDEN'")).rows[0],
    );
    expect(dl).toMatchObject({
      source: 'broker',
      device_id: 'tk-west-2',
      topic: topics.up(dev.creds, 'ticket.request'),
    });
    expect(await refusedMetric('HALL_ERR_TOPIC_FORBIDDEN')).toBeGreaterThanOrEqual(1);
    await intruder.client.endAsync(true);
    // Nothing the intruder sent reached the ingest; `dev` got nothing either.
    const after = await state();
    expect(after.tickets).toBe(before.tickets);
  });

  it('wrong credentials cannot connect', async () => {
    await expect(
      connectDevice(s.app.mqttUrl, { ...dev.creds, deviceId: 'tk-west-9', username: 'tk-west-9', password: 'guess' }),
    ).rejects.toThrow();
    await expect(connectDevice(s.app.mqttUrl, { ...dev.creds, password: 'guess' })).rejects.toThrow();
  });

  it("a device cannot subscribe to another hall's replies", async () => {
    // SUBACK 0x80 (MQTT 3.1.1 §3.9.3), which mqtt.js reports as a rejected subscribe.
    await expect(dev.client.subscribeAsync('halls/h-east/ticketer/+/down/#', { qos: 1 })).rejects.toThrow(
      /Subscribe error/,
    );
    await expect(dev.client.subscribeAsync('$SYS/#', { qos: 0 })).rejects.toThrow(/Subscribe error/);
    expect(dev.client.connected).toBe(true);
  });

  it('the process survives a burst of random garbage', async () => {
    for (let i = 0; i < 200; i++) {
      const junk = Buffer.from(Array.from({ length: (i * 37) % 500 }, (_, k) => (k * 131 + i) % 256));
      dev.client.publish(topics.up(dev.creds, i % 2 ? 'ticket.request' : 'device.status'), junk, { qos: 1 });
    }
    await until(
      async () =>
        (await s.app.db.query("SELECT count(*)::int AS n FROM dead_letters WHERE device_id = 'tk-west-1'")).rows[0].n >=
        200,
      20_000,
    );
    const r = await dev.request('ticket.request', { itemCode: 'ZH-002' });
    expect(r.type).toBe('ticket.issued');
  });
});

describe('bad REST and socket input is refused with coded errors', () => {
  let s: Stack;
  beforeAll(async () => {
    s = await startStack();
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('REST: bad JSON, bad body, unknown endpoint, no token, wrong password', async () => {
    expect(await api(s, 'POST', '/api/auth/login', '{"username":')).toMatchObject({
      status: 400,
      body: { error: { code: 'HALL_ERR_BAD_JSON' } },
    });
    expect(await api(s, 'POST', '/api/auth/login', { username: 1 })).toMatchObject({
      status: 400,
      body: { error: { code: 'HALL_ERR_BAD_REQUEST' } },
    });
    expect(await api(s, 'POST', '/api/auth/login', { username: 'leader', password: 'nope' })).toMatchObject({
      status: 401,
      body: { error: { code: 'HALL_ERR_BAD_CREDENTIALS' } },
    });
    expect(await api(s, 'GET', '/api/halls')).toMatchObject({
      status: 401,
      body: { error: { code: 'HALL_ERR_UNAUTHENTICATED' } },
    });
    expect(await api(s, 'GET', '/api/nothing-here')).toMatchObject({
      status: 404,
      body: { error: { code: 'HALL_ERR_NOT_FOUND' } },
    });
    const token = await login(s, 'admin');
    expect(await api(s, 'POST', '/api/devices', { hallId: 'h-city', kind: 'toaster' }, token)).toMatchObject({
      status: 400,
      body: { error: { code: 'HALL_ERR_BAD_REQUEST' } },
    });
    expect(await api(s, 'POST', '/api/devices', { hallId: 'no-such-hall', kind: 'rater' }, token)).toMatchObject({
      status: 404,
    });
    expect(
      await api(s, 'POST', '/api/auth/login', { username: 'x'.repeat(10), password: 'y'.repeat(100_000) }),
    ).toMatchObject({ status: 413, body: { error: { code: 'HALL_ERR_PAYLOAD_TOO_LARGE' } } });
    const dl = await s.app.db.query("SELECT code, payload FROM dead_letters WHERE source = 'http'");
    expect(dl.rows.map((r) => r.code)).toEqual(expect.arrayContaining(['HALL_ERR_BAD_JSON', 'HALL_ERR_BAD_REQUEST']));
  });

  it('sockets: no token is refused; bad commands get coded acks; out-of-scope halls are forbidden', async () => {
    await expect(connectScreen(s, 'not-a-token')).rejects.toThrow(/HALL_ERR_UNAUTHENTICATED/);
    const sock = await connectScreen(s, await login(s, 'sup-east'));
    expect(await sock.emitWithAck('hall:join', { hallId: 'h-city' })).toMatchObject({
      ok: false,
      error: { code: 'HALL_ERR_FORBIDDEN' },
    });
    expect(await sock.emitWithAck('hall:join', { hallId: '../etc' })).toMatchObject({
      ok: false,
      error: { code: 'HALL_ERR_BAD_REQUEST' },
    });
    expect(await sock.emitWithAck('hall:join', 'garbage' as never)).toMatchObject({
      ok: false,
      error: { code: 'HALL_ERR_BAD_REQUEST' },
    });
    expect((await joinHall(sock, 'h-east')).hallId).toBe('h-east');
    sock.close();
  });
});
