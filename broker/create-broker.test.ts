import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { once } from 'node:events';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import pino from 'pino';
import { HallError } from '../contracts/errors.ts';
import type { DeviceKind } from '../contracts/ids.ts';
import type { Principal } from './acl.ts';
import { createBroker, type BrokerAuth, type RefusedInfo, type RunningBroker } from './create-broker.ts';

const device = (hallId: string, kind: DeviceKind, deviceId: string): Principal => ({
  type: 'device',
  device: { hallId, kind, deviceId },
});

/** In-memory auth: the credential store is a unit boundary here. */
const accounts: Record<string, { password: string; principal: Principal }> = {
  d1: { password: 'pw-d1', principal: device('h1', 'ticketer', 'd1') },
  d2: { password: 'pw-d2', principal: device('h1', 'ticketer', 'd2') },
  led1: { password: 'pw-led1', principal: device('h1', 'display', 'led1') },
  ingest: { password: 'pw-ingest', principal: { type: 'server' } },
};
const auth: BrokerAuth = {
  async authenticate(username, password) {
    const a = accounts[username];
    return a && a.password === password ? a.principal : null;
  },
};

const D1_UP = 'halls/h1/ticketer/d1/up/ticket.request';
const D1_STATE = 'halls/h1/ticketer/d1/state';
const D1_DOWN = 'halls/h1/ticketer/d1/down';

let broker: RunningBroker;
let refused: RefusedInfo[];
const clients: MqttClient[] = [];

beforeEach(async () => {
  refused = [];
  broker = await createBroker({
    host: '127.0.0.1',
    port: 0,
    maxPacketBytes: 2048,
    auth,
    onRefused: (i) => refused.push(i),
    logger: pino({ level: 'silent' }),
  });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  await broker.close();
});

function options(username: string, extra: IClientOptions = {}): IClientOptions {
  return {
    protocolVersion: 4,
    clientId: username,
    username,
    password: accounts[username]?.password ?? 'x',
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...extra,
  };
}

async function connect(username: string, extra: IClientOptions = {}): Promise<MqttClient> {
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, options(username, extra));
  clients.push(c);
  return c;
}

/** Connects expecting a refusal; resolves with the CONNACK return code. */
async function refusedCode(username: string, extra: IClientOptions = {}): Promise<number | undefined> {
  const c = mqtt.connect(`mqtt://127.0.0.1:${broker.port}`, options(username, extra));
  clients.push(c);
  const err = await new Promise<Error & { code?: number }>((resolve) => c.once('error', resolve));
  return err.code;
}

type Msg = { topic: string; payload: string; retain: boolean };
function record(c: MqttClient): Msg[] {
  const got: Msg[] = [];
  c.on('message', (topic, payload, packet) => got.push({ topic, payload: payload.toString(), retain: packet.retain }));
  return got;
}

async function waitFor(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
/** SUBACK return codes, failures (0x80) included: subscribeAsync rejects on those. */
function granted(c: MqttClient, filters: string | string[], qos: 0 | 1 = 0): Promise<number[]> {
  return new Promise((resolve, reject) => {
    c.subscribe(filters, { qos }, (err, _subs, packet) => {
      if (packet && 'granted' in packet) resolve(packet.granted as number[]);
      else reject(err ?? new Error('no SUBACK'));
    });
  });
}
/** Resolves on 'close' (events.once would reject on the 'error' a cut connection emits first). */
const closeOf = (c: MqttClient) => new Promise<void>((resolve) => c.once('close', () => resolve()));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('createBroker: authentication', () => {
  it('accepts a device with the right credentials and picks a free port', async () => {
    expect(broker.port).toBeGreaterThan(0);
    expect(broker.port).not.toBe(1883);
    const c = await connect('d1');
    expect(c.connected).toBe(true);
    await waitFor(() => broker.connectedDevices() === 1, 'connectedDevices 1');
  });

  it('refuses a wrong password with return code 4 and reports it without the password', async () => {
    expect(await refusedCode('d1', { password: 'wrong-secret' })).toBe(4);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ code: 'HALL_ERR_UNKNOWN_DEVICE', clientId: 'd1', username: 'd1' });
    expect(JSON.stringify(refused)).not.toContain('wrong-secret');
    expect(broker.connectedDevices()).toBe(0);
  });

  it('refuses a device whose clientId is not its deviceId with return code 2', async () => {
    expect(await refusedCode('d1', { clientId: 'not-d1' })).toBe(2);
    expect(refused[0]).toMatchObject({ code: 'HALL_ERR_UNKNOWN_DEVICE', clientId: 'not-d1' });
  });

  it("refuses a will outside the device's own state topic with return code 5", async () => {
    const will = {
      topic: 'halls/h1/ticketer/d2/state',
      payload: Buffer.from('offline'),
      qos: 1 as const,
      retain: true,
    };
    expect(await refusedCode('d1', { will })).toBe(5);
    expect(refused[0]).toMatchObject({ code: 'HALL_ERR_TOPIC_FORBIDDEN', topic: 'halls/h1/ticketer/d2/state' });
  });

  it('refuses keep alive 0 (Aedes answers CONNACK 6) and reports it', async () => {
    expect(await refusedCode('d1', { keepalive: 0 })).toBe(6);
    expect(refused[0]).toMatchObject({ code: 'HALL_ERR_BAD_REQUEST', clientId: 'd1', username: 'd1' });
  });
});

describe('createBroker: publish ACL', () => {
  it("delivers a device's own up/ message to a server subscriber on halls/+/+/+/up/#", async () => {
    const ingest = await connect('ingest');
    const got = record(ingest);
    await ingest.subscribeAsync('halls/+/+/+/up/#', { qos: 1 });
    const d1 = await connect('d1');
    await d1.publishAsync(D1_UP, '{"v":1}', { qos: 1 });
    await waitFor(() => got.length === 1, 'up message');
    expect(got[0]).toMatchObject({ topic: D1_UP, payload: '{"v":1}' });
  });

  it('refuses a publish under another device: reports it, sends down/error, disconnects', async () => {
    const ingest = await connect('ingest');
    const seen = record(ingest);
    await ingest.subscribeAsync('halls/+/+/+/up/#');

    // A persistent session, so the error survives the disconnect whatever the timing.
    const first = await connect('d1', { clean: false });
    first.on('error', () => {}); // the broker cuts the connection
    const got = record(first);
    await first.subscribeAsync(`${D1_DOWN}/#`, { qos: 1 });
    const closed = closeOf(first);
    first.publish('halls/h1/ticketer/d2/up/ticket.request', 'forged', { qos: 0 });
    await closed;

    await waitFor(() => refused.length === 1, 'onRefused');
    expect(refused[0]).toMatchObject({
      code: 'HALL_ERR_TOPIC_FORBIDDEN',
      clientId: 'd1',
      username: 'd1',
      topic: 'halls/h1/ticketer/d2/up/ticket.request',
      principal: accounts.d1!.principal,
    });
    expect(refused[0]!.payload?.toString()).toBe('forged');

    const again = await connect('d1', { clean: false });
    got.push(...record(again));
    await waitFor(() => got.some((m) => m.topic === `${D1_DOWN}/error`), 'down/error');
    const env = JSON.parse(got.find((m) => m.topic === `${D1_DOWN}/error`)!.payload);
    expect(env).toMatchObject({
      v: 1,
      type: 'error',
      data: { code: 'HALL_ERR_TOPIC_FORBIDDEN', details: { topic: 'halls/h1/ticketer/d2/up/ticket.request' } },
    });
    expect(typeof env.id).toBe('string');
    expect(typeof env.ts).toBe('number');
    expect(seen).toEqual([]);
  });
});

describe('createBroker: subscribe ACL', () => {
  it("answers 0x80 for another hall's down/ and delivers nothing from it, keeping the connection", async () => {
    const d1 = await connect('d1');
    const got = record(d1);
    expect(await granted(d1, ['halls/h2/ticketer/x/down/#', `${D1_DOWN}/#`], 1)).toEqual([128, 1]);
    expect(refused[0]).toMatchObject({
      code: 'HALL_ERR_TOPIC_FORBIDDEN',
      topic: 'halls/h2/ticketer/x/down/#',
      clientId: 'd1',
    });

    const ingest = await connect('ingest');
    await ingest.publishAsync('halls/h2/ticketer/x/down/ticket.issued', 'not for d1', { qos: 1 });
    await ingest.publishAsync(`${D1_DOWN}/ticket.issued`, 'for d1', { qos: 1 });
    await waitFor(() => got.length > 0, 'own down message');
    await sleep(50);
    expect(got.map((m) => m.payload)).toEqual(['for d1']);
    expect(d1.connected).toBe(true);
  });

  it('denies $SYS/# to devices and to the server', async () => {
    const d1 = await connect('d1');
    const ingest = await connect('ingest');
    expect(await granted(d1, '$SYS/#')).toEqual([128]);
    expect(await granted(ingest, '$SYS/#')).toEqual([128]);
    expect(refused.map((r) => r.code)).toEqual(['HALL_ERR_TOPIC_FORBIDDEN', 'HALL_ERR_TOPIC_FORBIDDEN']);
  });

  it("lets a display device follow its hall's displays", async () => {
    const led = await connect('led1');
    const got = record(led);
    expect(await granted(led, 'halls/h1/display/+')).toEqual([0]);
    const ingest = await connect('ingest');
    await ingest.publishAsync('halls/h1/display/s1', 'A001 → 3', { qos: 1 });
    await waitFor(() => got.length === 1, 'display message');
  });
});

describe('createBroker: packet size', () => {
  it('destroys a connection sending an oversized packet and keeps serving others', async () => {
    const ingest = await connect('ingest');
    const got = record(ingest);
    await ingest.subscribeAsync('halls/+/+/+/up/#');
    const d1 = await connect('d1');
    d1.on('error', () => {});
    const closed = closeOf(d1);
    d1.publish(D1_UP, Buffer.alloc(10 * 1024, 0x61), { qos: 0 });
    await closed;
    await waitFor(() => refused.length === 1, 'onRefused');
    expect(refused[0]).toMatchObject({
      code: 'HALL_ERR_PAYLOAD_TOO_LARGE',
      clientId: 'd1',
      principal: accounts.d1!.principal,
    });
    expect(refused[0]!.reason).toContain('2048');

    const d2 = await connect('d2');
    await d2.publishAsync('halls/h1/ticketer/d2/up/ticket.request', 'small', { qos: 1 });
    await waitFor(() => got.length === 1, 'message from d2');
    expect(got[0]!.payload).toBe('small');
  });
});

describe('createBroker: presence', () => {
  async function stateWatcher() {
    const ingest = await connect('ingest');
    const got = record(ingest);
    await ingest.subscribeAsync('halls/+/+/+/state', { qos: 1 });
    return got;
  }

  it('publishes a retained offline after a clean disconnect', async () => {
    const states = await stateWatcher();
    const d1 = await connect('d1');
    await d1.publishAsync(D1_STATE, 'online', { qos: 1, retain: true });
    await waitFor(() => states.some((m) => m.payload === 'online'), 'online');
    await d1.endAsync();
    await waitFor(() => states.some((m) => m.payload === 'offline'), 'offline');

    const late = await connect('ingest', { clientId: 'late' });
    const retained = record(late);
    await late.subscribeAsync(D1_STATE);
    await waitFor(() => retained.length === 1, 'retained state');
    expect(retained[0]).toMatchObject({ payload: 'offline', retain: true });
    expect(broker.connectedDevices()).toBe(0);
  });

  it("delivers the will as a retained offline when the device's connection dies, once", async () => {
    const states = await stateWatcher();
    const will = { topic: D1_STATE, payload: Buffer.from('gone'), qos: 0 as const, retain: false };
    const d1 = await connect('d1', { will });
    d1.stream.destroy();
    await waitFor(() => states.length > 0, 'will');
    await sleep(100);
    expect(states).toEqual([{ topic: D1_STATE, payload: 'offline', retain: false }]);

    const late = await connect('ingest', { clientId: 'late' });
    const retained = record(late);
    await late.subscribeAsync(D1_STATE);
    await waitFor(() => retained.length === 1, 'retained will');
    expect(retained[0]).toMatchObject({ payload: 'offline', retain: true });
  });

  it('publishes offline for a crashed device that had no will', async () => {
    const states = await stateWatcher();
    const d1 = await connect('d1');
    d1.stream.destroy();
    await waitFor(() => states.some((m) => m.payload === 'offline'), 'offline');
  });

  it('does not publish offline when a device takes its own session over', async () => {
    const states = await stateWatcher();
    const will = { topic: D1_STATE, payload: Buffer.from('offline'), qos: 1 as const, retain: true };
    const old = await connect('d1', { will });
    const closed = closeOf(old);
    const fresh = await connect('d1', { will });
    await closed;
    await fresh.publishAsync(D1_STATE, 'online', { qos: 1, retain: true });
    await waitFor(() => states.length > 0, 'online');
    await sleep(100);
    expect(states.map((m) => m.payload)).toEqual(['online']);
    await waitFor(() => broker.connectedDevices() === 1, 'one connected device');
  });

  it('disconnectDevice closes a live device at once and its presence turns offline', async () => {
    const states = await stateWatcher();
    const d1 = await connect('d1');
    await connect('d2');
    await waitFor(() => broker.connectedDevices() === 2, 'two devices');
    const closed = closeOf(d1);
    expect(broker.disconnectDevice('d1')).toBe(1);
    await closed;
    await waitFor(() => states.some((m) => m.topic === D1_STATE && m.payload === 'offline'), 'offline');
    expect(broker.connectedDevices()).toBe(1);
    expect(broker.disconnectDevice('d1')).toBe(0);
    expect(broker.disconnectDevice('nobody')).toBe(0);
  });
});

describe('createBroker: lifecycle', () => {
  it('rejects with a HallError naming MQTT_PORT and MQTT_URL when the port is in use', async () => {
    const err = await createBroker({
      host: '127.0.0.1',
      port: broker.port,
      maxPacketBytes: 2048,
      auth,
      onRefused: () => {},
      logger: pino({ level: 'silent' }),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HallError);
    expect(err).toMatchObject({ code: 'HALL_ERR_UNAVAILABLE' });
    expect((err as Error).message).toMatch(/MQTT_PORT/);
    expect((err as Error).message).toMatch(/MQTT_URL/);
  });

  it('close() resolves with live clients and a connection that never sent CONNECT', async () => {
    await connect('d1');
    const raw = net.connect(broker.port, '127.0.0.1');
    await once(raw, 'connect');
    const rawClosed = once(raw, 'close');
    await broker.close();
    await rawClosed;
    await broker.close(); // idempotent
  });
});
