import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomUUID, randomBytes } from 'node:crypto';
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
} from '../helpers/stack.ts';
import { EXTERNAL, requirePort } from '../helpers/external.ts';
import { topics } from '../../contracts/index.ts';

/**
 * Mosquitto (127.0.0.1:1883 on the CI machine) as the external
 * broker (MQTT_URL). The server speaks MQTT 5 there, shares the ingest with
 * `$share/{group}/`, and honours a device's response topic and correlation data.
 * Stock Mosquitto enforces no device ACL here: in production it calls the
 * /api/broker webhooks (docs/external-engines.md), tested in tests/e2e/api-and-ops.
 */
describe('external MQTT broker (MQTT_URL = Mosquitto)', () => {
  let s: Stack;
  const run = randomBytes(3).toString('hex');
  beforeAll(async () => {
    await requirePort(1883, 'Mosquitto');
    s = await startStack({ MQTT_URL: EXTERNAL.mqttUrl, MQTT_SHARE_GROUP: `it-${run}` });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('runs no embedded broker and uses the external one', () => {
    expect(s.app.broker).toBeNull();
    expect(s.app.mqttUrl).toBe(EXTERNAL.mqttUrl);
  });

  it('an MQTT 3.1.1 ticket machine gets its ticket and the screen its delta', async () => {
    const dev = await connectDevice(EXTERNAL.mqttUrl, await provisionDevice(s, 'h-east', 'ticketer', `tk-mosq-${run}`));
    const screen = await connectScreen(s, await login(s, 'sup-east'));
    const snap = await joinHall(screen, 'h-east');
    const r = await dev.request('ticket.request', { itemCode: 'RS-001' });
    expect(r.data).toMatchObject({ ticketNo: 'C001' });
    const d = await until(() => screen.deltas.find((x) => x.event.type === 'ticket.issued'));
    expect(d.seq).toBe(snap.seq + 1);
    screen.close();
    await dev.close();
  });

  it("honours MQTT 5 response topic and correlation data inside the device's own down/ prefix", async () => {
    const creds = await provisionDevice(s, 'h-east', 'ticketer', `tk-mq5-${run}`);
    const c = await mqtt.connectAsync(EXTERNAL.mqttUrl, {
      clientId: creds.deviceId,
      protocolVersion: 5,
      clean: true,
      reconnectPeriod: 0,
    });
    const got: { topic: string; body: { re?: string; data: { ticketNo?: string } }; corr?: string }[] = [];
    c.on('message', (topic, payload, packet) =>
      got.push({
        topic,
        body: JSON.parse(payload.toString()),
        ...(packet.properties?.correlationData ? { corr: packet.properties.correlationData.toString() } : {}),
      }),
    );
    await c.subscribeAsync(topics.down(creds, '#'), { qos: 1 });
    const id = randomUUID();
    const responseTopic = topics.down(creds, 'reply-to-me');
    await c.publishAsync(
      topics.up(creds, 'ticket.request'),
      JSON.stringify({ v: 1, id, ts: Date.now(), type: 'ticket.request', data: { itemCode: 'RS-002' } }),
      { qos: 1, properties: { responseTopic, correlationData: Buffer.from('corr-42') } },
    );
    const reply = await until(() => got.find((g) => g.body.re === id));
    expect(reply).toMatchObject({ topic: responseTopic, corr: 'corr-42', body: { data: { ticketNo: 'C002' } } });

    // A response topic outside its own prefix is ignored: the reply goes to the default down/ topic.
    const id2 = randomUUID();
    await c.publishAsync(
      topics.up(creds, 'ticket.request'),
      JSON.stringify({ v: 1, id: id2, ts: Date.now(), type: 'ticket.request', data: { itemCode: 'RS-002' } }),
      { qos: 1, properties: { responseTopic: 'halls/h-city/display/wall', correlationData: Buffer.from('x') } },
    );
    const reply2 = await until(() => got.find((g) => g.body.re === id2));
    expect(reply2.topic).toBe(topics.down(creds, 'ticket.issued'));
    await c.endAsync();
  });

  it('bad input through the external broker is refused the same way', async () => {
    const dev = await connectDevice(EXTERNAL.mqttUrl, await provisionDevice(s, 'h-east', 'ticketer', `tk-bad-${run}`));
    await dev.client.publishAsync(topics.up(dev.creds, 'ticket.request'), '{not json', { qos: 1 });
    const err = await dev.waitFor((m) => m.msg.type === 'error');
    expect(err.msg.data).toMatchObject({ code: 'HALL_ERR_BAD_JSON' });
    // A device that is not registered changes nothing and is kept as a dead letter.
    const ghost = await mqtt.connectAsync(EXTERNAL.mqttUrl, { clientId: `ghost-${run}`, reconnectPeriod: 0 });
    await ghost.publishAsync(
      `halls/h-east/ticketer/ghost-${run}/up/ticket.request`,
      JSON.stringify({ v: 1, id: 'g1', ts: Date.now(), type: 'ticket.request', data: { itemCode: 'RS-001' } }),
      { qos: 1 },
    );
    await until(
      async () =>
        (
          await s.app.db.query("SELECT 1 FROM dead_letters WHERE code = 'HALL_ERR_UNKNOWN_DEVICE' AND topic LIKE $1", [
            `%ghost-${run}%`,
          ])
        ).rowCount,
    );
    expect(
      (await s.app.db.query('SELECT count(*)::int AS n FROM tickets WHERE device_id = $1', [`ghost-${run}`])).rows[0].n,
    ).toBe(0);
    await ghost.endAsync();
    await dev.close();
  });
});
